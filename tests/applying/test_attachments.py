"""A unit's attachments: checked types and size, stored by hash, replaced while unlocked, kept with each version;
submission waits for every required kind, named in Chinese."""
from datetime import timedelta

import pytest

from scoring.applying.attachments import attachment_content, attachments_of, upload_attachment
from scoring.applying.calls import ApplyingError, open_call
from scoring.applying.drafts import check_draft
from scoring.applying.submissions import submit, versions_of
from scoring.common.models import ActionKind
from scoring.documents import MAX_FILE_BYTES
from scoring.storage.store import Storage
from tests.builders.applications import make_batch
from tests.builders.applying import UNIT_DEADLINE, fill_draft, make_call, unit_login
from tests.builders.clock import frozen_clock
from tests.builders.rounds import STAFF

UNIT = unit_login(1)
REQUIRED = ["盖章扫描件", "信用承诺书", "三年建设方案"]


@pytest.fixture
def storage(tmp_path):
    with Storage(tmp_path / "review.duckdb") as opened:
        opened.create_batch(make_batch(), "admin")
        open_call(opened, STAFF, make_call(required_attachments=REQUIRED))
        yield opened


def _upload(storage, kind, name="scan.pdf", content=b"%PDF-1.4 scan"):
    return upload_attachment(storage, UNIT, "2023", UNIT.unit.credit_code, kind, name, content)


def test_submission_names_each_missing_required_attachment_in_chinese(storage, monkeypatch):
    code = fill_draft(storage, UNIT)
    frozen_clock(monkeypatch, UNIT_DEADLINE)
    with pytest.raises(ApplyingError, match="尚未上传必须的附件：盖章扫描件、信用承诺书"):
        submit(storage, UNIT, "2023", code)
    assert [p.message for p in check_draft(storage, UNIT, "2023", code) if p.field == "attachments"] == [
        "尚未上传必须的附件：盖章扫描件、信用承诺书"]


def test_with_every_required_file_the_version_keeps_the_files_it_was_submitted_with(storage, monkeypatch):
    code = fill_draft(storage, UNIT)
    _upload(storage, "盖章扫描件")
    commitment = _upload(storage, "信用承诺书", "承诺书.jpg", b"\xff\xd8 jpeg")
    frozen_clock(monkeypatch, UNIT_DEADLINE)
    version = submit(storage, UNIT, "2023", code)
    assert sorted(a.kind for a in version.application.attachments) == sorted(REQUIRED)
    assert versions_of(storage, UNIT, "2023", code)[0].application.attachment("信用承诺书").sha256 == commitment.sha256
    assert attachment_content(storage, UNIT, "2023", code, commitment.sha256) == b"\xff\xd8 jpeg"


def test_uploading_again_replaces_the_file_of_that_kind_and_audits_the_old_hash(storage):
    first = _upload(storage, "盖章扫描件", content=b"%PDF first")
    second = _upload(storage, "盖章扫描件", content=b"%PDF second")
    assert [a.sha256 for a in attachments_of(storage, UNIT, "2023", UNIT.unit.credit_code)] == [second.sha256]
    entry = [e for e in storage.audit_log(f"draft/2023/{UNIT.unit.credit_code}") if e.action == ActionKind.APPLY_ATTACH][0]  # newest first
    assert entry.detail["replaced"] == first.sha256 and entry.reason == "更换附件"


def test_a_submitted_form_keeps_its_files(storage, monkeypatch):
    code = fill_draft(storage, UNIT)
    _upload(storage, "盖章扫描件")
    _upload(storage, "信用承诺书")
    frozen_clock(monkeypatch, UNIT_DEADLINE - timedelta(days=1))
    submit(storage, UNIT, "2023", code)
    with pytest.raises(ApplyingError, match="锁定"):
        _upload(storage, "盖章扫描件", content=b"%PDF late")


def test_the_size_limit_takes_the_limit_itself_and_refuses_one_byte_more(storage):
    assert _upload(storage, "其他附件", "big.pdf", b"x" * MAX_FILE_BYTES).size == MAX_FILE_BYTES
    with pytest.raises(ApplyingError, match="超过 30 MB"):
        _upload(storage, "其他附件", "big.pdf", b"x" * (MAX_FILE_BYTES + 1))


@pytest.mark.parametrize(("kind", "name", "content", "message"), [
    ("盖章扫描件", "scan.exe", b"MZ", "类型不能上传"),
    ("盖章扫描件", "scan.pdf", b"", "空文件"),
    ("市局推荐函", "letter.pdf", b"%PDF", "由市局上传"),
    ("不存在的附件", "x.pdf", b"%PDF", "没有“不存在的附件”"),
])
def test_a_wrong_type_an_empty_file_the_city_letter_or_an_unknown_kind_is_refused(storage, kind, name, content,
                                                                                   message):
    with pytest.raises(ApplyingError, match=message):
        _upload(storage, kind, name, content)
