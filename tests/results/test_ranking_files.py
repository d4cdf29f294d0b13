"""Exports of a round's ranking: the ranked list (.xlsx) reads back in rank order with its numbers, the panel's
summary (PDF, .docx) shows every expert's total with the dropped ones marked and a signature line per member,
hostile names stay text, each export is audited with its hash, and experts may not export."""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from decimal import Decimal
from types import SimpleNamespace

import docx
import pandas as pd
import pytest
from pypdf import PdfReader

from scoring.common.access import AccessDenied
from scoring.rounds.assignment import rerun_uncovered
from scoring.common.disciplines import Discipline
from scoring.common.models import ActionKind
from scoring.documents.ranking_workbook import (
    PANEL_TEMPLATE,
    SIGNATURE_TITLE,
    panel_docx_context,
    panel_summary_html,
    table_parts,
)
from scoring.documents.score_sheet_print import render_docx
from scoring.documents.templates.build_templates import panel_summary_template
from scoring.results.ranking_files import export_panel_summary, export_ranking
from scoring.rounds.review_rounds import round_rubric, stored_round
from scoring.review.score_sheets import submit_sheet
from tests.builders.applications import make_credit_code, make_expert
from tests.builders.documents import sample_summary
from tests.builders.rounds import OBSERVER, STAFF, applicant, expert_principal, new_round, small_storage

HOSTILE_UNIT = "<script>alert(1)</script>"
FORMULA_UNIT = '=HYPERLINK("x")'
# Five experts score both applications; five sheets reach the selection rubric's trim_from_sheets.
CUTS = {"ZJ-0001": "0", "ZJ-0002": "2", "ZJ-0003": "4", "ZJ-0004": "6", "ZJ-0005": "9"}
NAMES = {"ZJ-0001": "王一", "ZJ-0002": "李二", "ZJ-0003": "张三", "ZJ-0004": "赵四", "ZJ-0005": "钱五"}


def pdf_text(content: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def sheet(criteria, cut: str) -> dict:
    """Full marks but `cut` points off the management criterion."""
    return {"scores": {c.id: c.max_points - (Decimal(cut) if c.id == "management" else 0) for c in criteria},
            "comments": {c.id: "评语" for c in criteria}, "opinion": "推荐", "opinion_text": "同意"}


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """Two applications with hostile names, five experts who each score both — the formula-named one two points
    lower — and the ranked list and summary exported by staff."""
    folder = tmp_path_factory.mktemp("ranking-exports")
    units = [applicant(1, Discipline.LAW, basic={"unit_name": HOSTILE_UNIT}),
             applicant(2, Discipline.LAW, basic={"unit_name": FORMULA_UNIT})]
    pool = [make_expert(e, name=NAMES[e], unit=f"测试研究院{n}", unit_credit_code=make_credit_code(900 + n, "12210102"),
                        disciplines=[Discipline.LAW]) for n, e in enumerate(CUTS)]
    storage = small_storage(folder, units, pool)
    review_round = new_round(storage, experts_per_application=5, title="2023年度遴选评审")
    rerun_uncovered(storage, STAFF, review_round.round_id, "首次分配")
    criteria = round_rubric(storage, review_round).criteria
    codes = {a.basic.unit_name: a.credit_code for a in storage.list_applications("2023")}
    for expert_id, cut in CUTS.items():
        submit_sheet(storage, expert_principal(expert_id), review_round.round_id, codes[HOSTILE_UNIT],
                     sheet(criteria, cut))
        submit_sheet(storage, expert_principal(expert_id), review_round.round_id, codes[FORMULA_UNIT],
                     sheet(criteria, str(Decimal(cut) + 2)))
    exports = folder / "exports"
    scene = SimpleNamespace(
        storage=storage, round_id=review_round.round_id, codes=codes, exports=exports,
        xlsx=export_ranking(storage, STAFF, review_round.round_id, root=exports),
        pdf=export_panel_summary(storage, OBSERVER, review_round.round_id, "pdf", root=exports),
        word=export_panel_summary(storage, STAFF, review_round.round_id, "docx", root=exports))
    yield scene
    storage.close()


# --- the ranked list ----------------------------------------------------------------------------


def test_the_workbook_reads_back_in_rank_order_with_two_place_scores(scene):
    frame = pd.read_excel(io.BytesIO(scene.xlsx.content), engine="calamine", header=1, dtype={"统一社会信用代码": str})

    assert list(frame.columns) == ["排名", "申报单位", "统一社会信用代码", "所在市", "已交/应交评分表", "平均分",
                                   "专家评分（去掉最高最低分后）", "加分", "最终得分", "并列", "并列决定依据",
                                   "结束后有改动"]
    assert list(frame["排名"]) == [1, 2]
    assert list(frame["统一社会信用代码"]) == [scene.codes[HOSTILE_UNIT], scene.codes[FORMULA_UNIT]]
    assert list(frame["已交/应交评分表"]) == ["5/5", "5/5"]
    # totals 100 98 96 94 91: mean 95.80, trimmed (98+96+94)/3 = 96.00
    assert list(frame["平均分"]) == [95.8, 93.8] and list(frame["专家评分（去掉最高最低分后）"]) == [96.0, 94.0]
    assert list(frame["最终得分"]) == [96.0, 94.0] and list(frame["加分"]) == [0.0, 0.0]


def test_the_workbook_keeps_hostile_names_as_text_and_formats_two_places(scene):
    frame = pd.read_excel(io.BytesIO(scene.xlsx.content), engine="calamine", header=1)
    sheet_xml = zipfile.ZipFile(io.BytesIO(scene.xlsx.content)).read("xl/worksheets/sheet1.xml").decode()
    styles = zipfile.ZipFile(io.BytesIO(scene.xlsx.content)).read("xl/styles.xml").decode()

    assert list(frame["申报单位"]) == [HOSTILE_UNIT, "'" + FORMULA_UNIT]
    assert "<f>" not in sheet_xml and 'pane ySplit="2"' in sheet_xml and 'state="frozen"' in sheet_xml
    assert 'formatCode="0.00"' in styles


# --- the panel's summary ----------------------------------------------------------------------------


def test_the_pdf_shows_every_experts_total_with_the_dropped_ones_bracketed(scene):
    text = pdf_text(scene.pdf.content)

    assert "专家组评分汇总表" in text and HOSTILE_UNIT in text and FORMULA_UNIT.replace(" ", "") in text
    for name in NAMES.values():
        assert name in text
    assert "〔100.00〕98.0096.0094.00〔91.00〕95.8096.000.0096.00" in text
    assert "〔98.00〕96.0094.0092.00〔89.00〕93.8094.000.0094.00" in text
    assert SIGNATURE_TITLE in text and "王一：＿＿" in text and "钱五：＿＿" in text and "日期：" in text
    rule = round_rubric(scene.storage, stored_round(scene.storage, scene.round_id)).aggregation.expert_score_rule()
    assert f"注：{rule}。〔〕内的分数".replace(" ", "") in text


def test_the_docx_reads_back_with_the_same_table(scene):
    document = docx.Document(io.BytesIO(scene.word.content))
    [table] = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]

    assert rows[0] == ["排名", "申报单位", *NAMES.values(), "平均分", "去掉最高最低分后平均分", "加分", "最终得分"]
    assert rows[1] == ["1", HOSTILE_UNIT, "〔100.00〕", "98.00", "96.00", "94.00", "〔91.00〕", "95.80", "96.00",
                       "0.00", "96.00"]
    assert rows[2][1] == FORMULA_UNIT and len(rows) == 3
    text = docx_text(scene.word.content)
    assert SIGNATURE_TITLE in text and all(f"{name}：" in text for name in NAMES.values())
    body = zipfile.ZipFile(io.BytesIO(scene.word.content)).read("word/document.xml").decode()
    assert "&lt;script&gt;" in body and "<script>" not in body and "{{" not in body and "{%" not in body


def test_each_export_is_written_under_its_round_and_audited_with_its_hash(scene):
    entries = [e.detail for e in scene.storage.audit_log(entity=f"round/2023/{scene.round_id}", limit=10_000)
               if e.action == ActionKind.RANKING_EXPORT]

    for exported, kind, fmt in ((scene.xlsx, "ranking", "xlsx"), (scene.pdf, "panel_summary", "pdf"),
                                (scene.word, "panel_summary", "docx")):
        assert exported.path.parent == scene.exports / "2023" / scene.round_id
        assert exported.path.read_bytes() == exported.content and exported.path.suffix == f".{fmt}"
        assert exported.sha256 == hashlib.sha256(exported.content).hexdigest()
        assert {"path": str(exported.path), "sha256": exported.sha256, "kind": kind, "format": fmt} in entries
    assert scene.pdf.media_type == "application/pdf"


def test_an_expert_may_not_export_the_ranking(scene):
    expert = expert_principal("ZJ-0001")

    with pytest.raises(AccessDenied):
        export_ranking(scene.storage, expert, scene.round_id, root=scene.exports)
    with pytest.raises(AccessDenied):
        export_panel_summary(scene.storage, expert, scene.round_id, "pdf", root=scene.exports)


# --- the documents without a database ----------------------------------------------------------------


def test_many_experts_turn_the_page_and_split_into_continued_tables():
    document = sample_summary(experts=30)

    page = panel_summary_html(document)
    parts = table_parts(document)

    assert "A4 landscape" in page and "（续表）" in page
    assert [len(p.header) for p in parts] == [14, 14, 2 + 6 + 4]
    assert "A4 landscape" not in panel_summary_html(sample_summary(experts=3))


def test_the_html_escapes_every_user_string():
    page = panel_summary_html(sample_summary().model_copy(update={"title": "<i>x</i>"}))

    assert "<b>未评" not in page and "&lt;b&gt;未评&lt;/b&gt;" in page and "<i>x" not in page


def test_the_panel_template_renders_and_rebuilds_the_same_bytes():
    content = render_docx(PANEL_TEMPLATE, panel_docx_context(sample_summary()))

    assert "专家3" in docx_text(content) and "2024年05月06日" in docx_text(content)
    assert panel_summary_template() == PANEL_TEMPLATE.read_bytes()

