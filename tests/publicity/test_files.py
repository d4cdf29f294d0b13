"""The files of the publicity stage as people open them: the notice in Word, PDF and on the website, the lists in
Excel and CSV, and the letters — each written under exports/<batch>/<round>/ with its hash in the audit log."""
import csv
import hashlib
import io
import zipfile
from datetime import date, datetime, timedelta

import docx
import pandas as pd
import pytest
from pypdf import PdfReader

from scoring.common import clock
from scoring.common.access import AccessDenied, Grant, Principal, Role
from scoring.publicity.confirmation import LetterSettings, confirm_list, save_letter_settings
from scoring.common.models import ActionKind, City
from scoring.publicity.objections import ObjectionDecision, ObjectionInput, ObjectorKind, decide_objection, register_objection
from scoring.publicity.notices import publish_notice
from scoring.publicity.files import export_confirmed, export_list, export_notice, generate_letters, latest_letters
from scoring.results.shortlist import shortlists
from tests.builders.publicity import SETTINGS, shortlisted_storage
from tests.builders.rounds import OBSERVER, STAFF, expert_principal

ROUND = "2023-01"
HOSTILE = '=HYPERLINK("http://x","点我")<script>alert(1)</script>&'
CITY = Principal(login="sy", display_name="沈阳市局", grants=(Grant(role=Role.CITY, city=City("沈阳市")),))


@pytest.fixture
def storage(tmp_path):
    opened = shortlisted_storage(tmp_path)
    yield opened
    opened.close()


def rename_in_shortlist(storage, old: str, new: str) -> None:
    """A unit whose name arrived hostile (the importer keeps names as typed)."""
    with storage.transaction("test") as tx:
        tx.execute("UPDATE shortlist_versions SET data = replace(data, ?, ?)", [old, new.replace('"', '\\"')])
        tx.audit("test.rename", "test")


def audited_hash(storage, path) -> str:
    entries = [e for e in storage.audit_log(entity=f"round/2023/{ROUND}") if e.action == ActionKind.PUBLICITY_EXPORT]
    return next(e.detail["sha256"] for e in entries if e.detail.get("path") == str(path))


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_published_notice_exports_to_word_pdf_and_html_with_the_units_in_order(storage, tmp_path):
    notice = publish_notice(storage, STAFF, ROUND, SETTINGS, "局务会同意")
    names = [u.unit_name for u in notice.units]

    word = export_notice(storage, STAFF, ROUND, "docx", root=tmp_path)
    pdf = export_notice(storage, STAFF, ROUND, "pdf", root=tmp_path)
    page = export_notice(storage, STAFF, ROUND, "html", root=tmp_path)

    table = docx.Document(io.BytesIO(word.content)).tables[0]
    assert [row.cells[1].text for row in table.rows[1:]] == names
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).replace("\n", "")
    assert notice.document.title in text and "2023年6月5日至2023年6月9日" in text
    assert [text.index(name) for name in names] == sorted(text.index(name) for name in names)
    assert all(name in page.content.decode() for name in names)
    for written in (word, pdf, page):
        assert written.path.parent == tmp_path / "2023" / ROUND
        assert hashlib.sha256(written.path.read_bytes()).hexdigest() == audited_hash(storage, written.path)


def test_hostile_names_stay_text_in_the_web_page_and_are_neutralised_in_the_lists(storage, tmp_path):
    first = shortlists(storage, STAFF, ROUND)[-1].entries[0]
    rename_in_shortlist(storage, first.unit_name, HOSTILE)
    publish_notice(storage, STAFF, ROUND, SETTINGS, "局务会同意")

    page = export_notice(storage, STAFF, ROUND, "html", root=tmp_path).content.decode()
    sheet = pd.read_excel(io.BytesIO(export_list(storage, STAFF, ROUND, "xlsx", root=tmp_path).content),
                          engine="calamine", header=None, dtype=str)
    rows = list(csv.reader(io.StringIO(export_list(storage, STAFF, ROUND, "csv", root=tmp_path).content
                                       .decode("utf-8-sig"))))
    word = docx_text(export_notice(storage, STAFF, ROUND, "docx", root=tmp_path).content)

    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;&amp;" in page
    assert sheet.iloc[3, 1] == "'" + HOSTILE
    assert rows[1][1] == "'" + HOSTILE
    assert HOSTILE in word


def test_the_confirmed_list_leaves_out_an_upheld_objection_and_says_why(storage, tmp_path, monkeypatch):
    notice = publish_notice(storage, STAFF, ROUND, SETTINGS, "局务会同意")
    taken_off = notice.units[0]
    filed = register_objection(storage, STAFF, ROUND, ObjectionInput(
        received_on=date(2023, 6, 6), objector_kind=ObjectorKind.UNIT, objector_name="某公司", phone="024-1",
        sealed_or_signed=True, credit_code=taken_off.credit_code, content="专利转化数据不实"))
    decide_objection(storage, STAFF, filed.objection_id, ObjectionDecision.UPHELD, "经核实转化金额不实")
    confirm_list(storage, STAFF, ROUND, "公示期满")

    sheet = pd.read_excel(io.BytesIO(export_confirmed(storage, STAFF, ROUND, "xlsx", root=tmp_path).content),
                          engine="calamine", header=None, dtype=str)

    assert "确认名单" in sheet.iloc[0, 0]
    assert f"{taken_off.unit_name}（第 {filed.objection_id} 号异议成立）" in sheet.iloc[1, 0]
    assert list(sheet.iloc[3:, 1]) == [u.unit_name for u in notice.units[1:]]
    assert list(sheet.iloc[3:, 0]) == [str(n) for n in range(1, len(notice.units))]


def test_every_letter_is_written_as_word_and_pdf_with_a_zip_a_merged_pdf_and_their_hashes(storage, tmp_path,
                                                                                           monkeypatch):
    publish_notice(storage, STAFF, ROUND, SETTINGS, "局务会同意")
    confirmation = confirm_list(storage, STAFF, ROUND, "公示期满")
    save_letter_settings(storage, STAFF, ROUND, LetterSettings(first_sequence=7, issued_on=date(2023, 6, 20)))
    steps = []

    batch = generate_letters(storage, STAFF, ROUND, progress=lambda done, total: steps.append((done, total)),
                             root=tmp_path)

    count = len(confirmation.units)
    assert batch.letters == count and steps[-1] == (2 * count, 2 * count)
    numbers = [f"辽知发〔2023〕{n}号" for n in range(7, 7 + count)]
    assert [f.number for f in batch.files[::2]] == numbers
    for file in batch.files:
        assert hashlib.sha256(file.path.read_bytes()).hexdigest() == file.sha256
    first_word, first_pdf = batch.files[0].path, batch.files[1].path
    assert numbers[0] in docx_text(first_word.read_bytes()) and confirmation.units[0].unit_name in first_word.name
    pdf_text = PdfReader(first_pdf).pages[0].extract_text()
    assert numbers[0] in pdf_text and numbers[1] not in pdf_text
    merged = "".join(p.extract_text() for p in PdfReader(batch.merged.path).pages)
    assert all(number in merged for number in numbers)
    with zipfile.ZipFile(batch.archive.path) as archive:
        assert len(archive.namelist()) == 2 * count + 1
    [entry] = [e for e in storage.audit_log(entity=f"round/2023/{ROUND}") if e.detail.get("kind") == "letters"]
    assert entry.detail["archive"]["sha256"] == hashlib.sha256(batch.archive.path.read_bytes()).hexdigest()
    assert [f["sha256"] for f in entry.detail["files"]] == [f.sha256 for f in batch.files]
    assert latest_letters(storage, OBSERVER, ROUND) == batch


def test_letters_made_again_carry_the_same_numbers_and_text(storage, tmp_path, monkeypatch):
    publish_notice(storage, STAFF, ROUND, SETTINGS, "局务会同意")
    confirm_list(storage, STAFF, ROUND, "公示期满")

    first = generate_letters(storage, STAFF, ROUND, root=tmp_path)
    monkeypatch.setattr(clock, "now", lambda: datetime.now() + timedelta(days=30))
    again = generate_letters(storage, STAFF, ROUND, root=tmp_path)

    assert first.folder != again.folder and latest_letters(storage, STAFF, ROUND) == again
    assert [f.number for f in first.files] == [f.number for f in again.files]
    assert [docx_text(f.path.read_bytes()) for f in first.files[::2]] == [
        docx_text(f.path.read_bytes()) for f in again.files[::2]]


def test_a_city_bureau_may_export_the_published_list_and_an_expert_may_not(storage, tmp_path):
    publish_notice(storage, STAFF, ROUND, SETTINGS, "局务会同意")

    assert export_list(storage, CITY, ROUND, "csv", root=tmp_path).path.exists()
    with pytest.raises(AccessDenied):
        export_list(storage, expert_principal("E001"), ROUND, "csv", root=tmp_path)
    with pytest.raises(AccessDenied):
        generate_letters(storage, CITY, ROUND, root=tmp_path)
