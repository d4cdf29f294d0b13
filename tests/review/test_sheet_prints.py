"""The printed score sheet of one expert (专家评分表): what the PDF and the .docx say, who may print whose, what staff
never see, the audit entry, the templates, and the Chinese fonts the PDF needs."""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

import docx
import pytest
from pypdf import PdfReader

from scoring.common.access import AccessDenied, Grant, Principal, Role
from scoring.rounds.assignment import rerun_uncovered
from scoring.common.disciplines import Discipline
from scoring.common.models import ActionKind
from scoring.documents import fonts
from scoring.documents.score_sheet_print import (
    DRAFT_MARK,
    TEMPLATES_DIR,
    CriterionRow,
    ItemState,
    ScoreSheetDocument,
    SheetItem,
    docx_context,
    render_docx,
    score_sheet_html,
    sheet_title,
)
from scoring.documents.templates.build_templates import score_sheet_template
from scoring.review.sheet_prints import export_score_sheet
from scoring.review.score_sheets import ScoringError, declare_recusal, record_dissent, save_draft, submit_sheet
from tests.builders.applications import make_expert
from tests.builders.rounds import OBSERVER, STAFF, applicant, expert_principal, new_round, small_storage
from tests.builders.sheets import assigned_storage, full_marks, pairs, rubric, the_round
from scoring.documents.ranking_workbook import panel_docx_context
from tests.builders.documents import sample_summary
from scoring.documents.official_docx import letter_context, notice_context
from tests.builders.documents import sample_letter, sample_notice

SECRET_COMMENT = "草稿中的评语尚未定稿"
RECUSAL_REASON = "曾在该单位兼职三年"
HOSTILE_UNIT = "<script>alert(1)</script>"
FORMULA_UNIT = '=HYPERLINK("http://evil.example","点击")'


def pdf_text(content: bytes) -> str:
    """The PDF's text with the spaces and line breaks of its layout taken out."""
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


def pdf_fonts(content: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def docx_tables(content: bytes) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows]
            for table in docx.Document(io.BytesIO(content)).tables]


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """An expert of the assigned sample round with four applications — two submitted (one with a dissent), one
    draft, one recused — and that expert's sheet exported by the expert and by staff in both formats."""
    folder = tmp_path_factory.mktemp("score-sheets")
    storage = assigned_storage(folder)
    round_id = the_round(storage).round_id
    expert_id, count = Counter(p.expert_id for p in pairs(storage)).most_common(1)[0]
    assert count >= 4
    codes = sorted(p.credit_code for p in pairs(storage) if p.expert_id == expert_id)
    expert = expert_principal(expert_id)
    marks = full_marks(rubric(storage), opinion_text="基础扎实，同意推荐")
    marks["scores"]["management"] = Decimal("17.5")
    marks["comments"]["management"] = "管理体系较完善"
    submit_sheet(storage, expert, round_id, codes[0], marks)
    submit_sheet(storage, expert, round_id, codes[1], {**marks, "opinion": "不推荐", "opinion_text": "转化基础薄弱"})
    record_dissent(storage, expert, round_id, codes[1], "本人不同意专家组的推荐意见")
    save_draft(storage, expert, round_id, codes[2], {"scores": {"management": "13.5"},
                                                     "comments": {"management": SECRET_COMMENT}})
    declare_recusal(storage, expert, round_id, codes[3], RECUSAL_REASON)
    exports = folder / "exports"
    scene = SimpleNamespace(
        storage=storage, round_id=round_id, expert_id=expert_id, expert=expert, codes=codes, exports=exports,
        units={c: storage.get_application("2023", c).basic.unit_name for c in codes},
        own_pdf=export_score_sheet(storage, expert, round_id, fmt="pdf", root=exports),
        own_docx=export_score_sheet(storage, expert, round_id, expert_id, fmt="docx", root=exports),
        staff_pdf=export_score_sheet(storage, STAFF, round_id, expert_id, fmt="pdf", root=exports),
        staff_docx=export_score_sheet(storage, OBSERVER, round_id, expert_id, fmt="docx", root=exports))
    yield scene
    storage.close()


# --- what the sheet says ------------------------------------------------------------------------


def test_pdf_text_reads_as_the_chinese_of_the_sheet(scene):
    text = pdf_text(scene.own_pdf.content)

    assert text.startswith("高校院所知识产权运营中心建设试点遴选评分表")
    for label in ("评审轮次", "专家姓名", "工作单位", "序号", "评分指标", "满分", "得分", "评语", "合计", "总体意见",
                  "意见说明", "不同意见", "专家签名：＿＿＿＿"):
        assert label in text
    for code, unit in scene.units.items():
        assert re.sub(r"\s+", "", unit) in text and code in text
    for criterion in rubric(scene.storage).criteria:
        assert criterion.name in text
    assert "1知识产权管理体系2017.5管理体系较完善" in text
    assert "合计10097.5" in text
    assert "■推荐□不推荐" in text and "□推荐■不推荐" in text
    assert "本人不同意专家组的推荐意见" in text


def test_applications_print_in_credit_code_order(scene):
    text = pdf_text(scene.own_pdf.content)

    positions = [text.index(re.sub(r"\s+", "", scene.units[c])) for c in scene.codes]

    assert positions == sorted(positions)


def test_pdf_embeds_a_chinese_font(scene):
    names = {re.sub(r"[^A-Za-z]", "", name.split("+")[-1]) for name in pdf_fonts(scene.own_pdf.content)}

    assert any(name.startswith(("NotoSerifCJK", "NotoSansCJK")) for name in names)


def test_docx_reads_back_with_the_criteria_in_rubric_order(scene):
    tables = docx_tables(scene.own_docx.content)

    criteria = [c.name for c in rubric(scene.storage).criteria]
    first = tables[0]
    assert first[0] == ["序号", "评分指标", "满分", "得分", "评语"]
    rows = [row for row in first if row[0].isdigit()]
    assert [row[1] for row in rows] == criteria
    assert [row[0] for row in rows] == [str(n) for n in range(1, len(criteria) + 1)]
    assert rows[0][2:] == ["20", "17.5", "管理体系较完善"]
    assert first[-4][2:4] == ["100", "97.5"]
    assert first[-3][-1] == "■推荐　　□不推荐" and first[-2][-1] == "基础扎实，同意推荐"
    assert len(tables) == 3  # two submitted sheets and the draft; the recused application has no table
    text = docx_text(scene.own_docx.content)
    assert "专家签名：＿＿＿＿" in text and scene.units[scene.codes[3]] in text


def test_the_experts_own_print_marks_a_draft_and_shows_its_scores(scene):
    text = pdf_text(scene.own_pdf.content)

    assert DRAFT_MARK in text and "草稿（未提交）" in text
    assert SECRET_COMMENT in text and "1知识产权管理体系2013.5" in text
    assert DRAFT_MARK in docx_text(scene.own_docx.content)


def test_a_recused_application_prints_as_recused_without_its_reason(scene):
    pdf, word = pdf_text(scene.own_pdf.content), docx_text(scene.own_docx.content)

    assert "状态：已回避" in pdf and "状态：已回避" in word
    assert RECUSAL_REASON not in pdf and RECUSAL_REASON not in word


# --- independence --------------------------------------------------------------------------------


def test_staff_print_lists_a_draft_as_not_submitted_and_never_its_scores(scene):
    pdf, word = pdf_text(scene.staff_pdf.content), docx_text(scene.staff_docx.content)

    draft_unit = re.sub(r"\s+", "", scene.units[scene.codes[2]])
    for text in (pdf, word.replace("\n", "")):
        assert "状态：未提交" in text and "评分表尚未提交，不显示评分内容" in text
        assert SECRET_COMMENT not in text and "13.5" not in text and DRAFT_MARK not in text
        assert draft_unit in re.sub(r"\s+", "", text)
        assert "管理体系较完善" in text  # the submitted sheets print in full
    assert len(docx_tables(scene.staff_docx.content)) == 2


def test_an_expert_cannot_export_another_experts_sheet(scene):
    other = next(p.expert_id for p in pairs(scene.storage) if p.expert_id != scene.expert_id)
    before = len(scene.storage.audit_log(limit=10_000))

    with pytest.raises(AccessDenied, match="只能导出本人的评分表"):
        export_score_sheet(scene.storage, scene.expert, scene.round_id, other, root=scene.exports)

    assert len(scene.storage.audit_log(limit=10_000)) == before


def test_staff_must_name_the_expert_and_a_city_bureau_may_not_print_sheets(scene):
    city = Principal(login="dl", display_name="大连市局", grants=(Grant(role=Role.CITY, city="大连市"),))

    with pytest.raises(ScoringError, match="请指定"):
        export_score_sheet(scene.storage, STAFF, scene.round_id, root=scene.exports)
    with pytest.raises(AccessDenied):
        export_score_sheet(scene.storage, city, scene.round_id, scene.expert_id, root=scene.exports)


def test_an_expert_without_applications_in_the_round_has_no_sheet(scene):
    with pytest.raises(ScoringError, match="没有分配给专家"):
        export_score_sheet(scene.storage, STAFF, scene.round_id, "ZJ-9999", root=scene.exports)


# --- the file and its audit entry ----------------------------------------------------------------


def test_the_export_is_written_under_its_round_and_audited_with_its_hash(scene):
    exported = scene.own_pdf

    assert exported.path.parent == scene.exports / "2023" / scene.round_id
    assert exported.filename.startswith(f"评分表-{scene.expert_id}-") and exported.filename.endswith(".pdf")
    assert exported.path.read_bytes() == exported.content
    assert exported.sha256 == hashlib.sha256(exported.content).hexdigest()
    entries = [e for e in scene.storage.audit_log(entity=f"round/2023/{scene.round_id}", limit=10_000)
               if e.action == ActionKind.SHEET_EXPORT]
    assert {"path": str(exported.path), "sha256": exported.sha256, "expert_id": scene.expert_id,
            "format": "pdf"} in [e.detail for e in entries]
    assert {e.actor for e in entries} == {scene.expert.actor, STAFF.actor, OBSERVER.actor}


def test_two_exports_in_one_second_keep_both_files(scene, monkeypatch):
    from scoring.common import clock

    monkeypatch.setattr(clock, "now", lambda: datetime(2030, 1, 1, 9, 0, 0))
    first = export_score_sheet(scene.storage, scene.expert, scene.round_id, fmt="docx", root=scene.exports)
    second = export_score_sheet(scene.storage, scene.expert, scene.round_id, fmt="docx", root=scene.exports)

    assert first.path != second.path and first.path.exists() and second.path.exists()


# --- hostile text ----------------------------------------------------------------------------------


def test_hostile_names_print_as_literal_text(tmp_path):
    units = [applicant(1, Discipline.LAW, basic={"unit_name": HOSTILE_UNIT}),
             applicant(2, Discipline.LAW, basic={"unit_name": FORMULA_UNIT})]
    pool = [make_expert("ZJ-0001", name="王五", unit="<b>某大学</b>&研究院", disciplines=[Discipline.LAW])]
    with small_storage(tmp_path, units, pool) as storage:
        review_round = new_round(storage, experts_per_application=1, title="<i>遴选</i>")
        rerun_uncovered(storage, STAFF, review_round.round_id, "首次分配")
        expert = expert_principal("ZJ-0001")

        pdf = export_score_sheet(storage, expert, review_round.round_id, fmt="pdf", root=tmp_path / "exports")
        word = export_score_sheet(storage, expert, review_round.round_id, fmt="docx", root=tmp_path / "exports")

    text = pdf_text(pdf.content)
    assert HOSTILE_UNIT in text and re.sub(r"\s+", "", FORMULA_UNIT) in text
    assert "<b>某大学</b>&研究院" in text and "<i>遴选</i>" in text
    assert "未填写（未提交）" in text
    paragraphs = docx_text(word.content)
    assert HOSTILE_UNIT in paragraphs and FORMULA_UNIT in paragraphs and "<b>某大学</b>&研究院" in paragraphs
    body = zipfile.ZipFile(io.BytesIO(word.content)).read("word/document.xml").decode()
    assert "&lt;script&gt;" in body and "<script>" not in body and "w:instrText" not in body


def test_the_html_escapes_every_user_string():
    item = SheetItem(unit_name=HOSTILE_UNIT, credit_code="<x>", state=ItemState.SUBMITTED, max_total=Decimal(10),
                     rows=[CriterionRow(number=1, name="<u>指标</u>", group="<g>", max_points=Decimal(10),
                                        points=Decimal(5), comment='"><img src=x onerror=alert(1)>')],
                     total=Decimal(5), opinion="推荐", opinion_text="<style>*{display:none}</style>",
                     dissent="</td></tr></table><h1>伪造</h1>")
    document = sample_document(items=[item], expert_name="<script>", expert_unit="&amp;")

    page = score_sheet_html(document)

    assert "<script" not in page and "<img" not in page and "<u>" not in page and "<x>" not in page
    assert "<style>*" not in page and "<h1>伪造" not in page and "&amp;amp;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- templates and fonts --------------------------------------------------------------------------


def sample_document(**overrides) -> ScoreSheetDocument:
    """A document with every state of an application, for rendering templates without a database."""
    rows = [CriterionRow(number=1, name="知识产权管理体系", group="基础条件（55分）", max_points=Decimal(20),
                         points=Decimal("17.5"), comment="较完善\n第二行"),
            CriterionRow(number=2, name="建设举措", group="三年建设方案（45分）", max_points=Decimal(10))]
    items = [SheetItem(unit_name=f"测试大学{state}", credit_code=f"1221010233732226{n}X", state=state,
                       max_total=Decimal(30), rows=rows if state.shows_contents else [],
                       total=Decimal("17.5") if state.shows_contents else None, opinion="推荐",
                       opinion_text="同意", dissent="保留意见")
             for n, state in enumerate(ItemState)]
    data = {"title": "高校院所知识产权运营中心建设试点遴选评分表", "round_label": "2023-01 遴选（分布式）",
            "expert_id": "ZJ-0001", "expert_name": "张三", "expert_unit": "大连理工大学",
            "printed_on": date(2024, 5, 6), "items": items}
    return ScoreSheetDocument(**{**data, **overrides})


TEMPLATE_CONTEXTS = {"score_sheet.docx": lambda: docx_context(sample_document()),
                     "panel_summary.docx": lambda: panel_docx_context(sample_summary()),
                     "publicity_notice.docx": lambda: notice_context(sample_notice(draft=True)),
                     "confirmation_letter.docx": lambda: letter_context(sample_letter())}
# What each rendered template must show; the score sheet and the panel summary share their sample's names.
TEMPLATE_TEXTS = {"publicity_notice.docx": ("大连理工大学", "联系人：张三", "2023年6月2日"),
                  "confirmation_letter.docx": ("辽知发〔2023〕12号", "东北大学：", "2023年6月20日印发")}


@pytest.mark.parametrize("template", sorted(TEMPLATES_DIR.glob("*.docx")), ids=lambda p: p.name)
def test_every_template_renders(template):
    assert template.name in TEMPLATE_CONTEXTS, f"模板 {template.name} 没有测试用的数据"

    content = render_docx(template, TEMPLATE_CONTEXTS[template.name]())

    body = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    assert "{{" not in body and "{%" not in body
    text = docx_text(content)
    expected = TEMPLATE_TEXTS.get(template.name, ("测试大学已提交", "张三", "2024年05月06日"))
    assert all(fragment in text for fragment in expected)


def test_the_template_script_rebuilds_the_same_bytes():
    assert score_sheet_template() == score_sheet_template()


def test_the_template_names_a_chinese_body_font_for_east_asian_text():
    styles = zipfile.ZipFile(TEMPLATES_DIR / "score_sheet.docx").read("word/styles.xml").decode()

    assert 'w:eastAsia="仿宋"' in styles and 'w:eastAsia="黑体"' in styles


def test_sheet_title_names_the_form_after_its_rubric():
    assert sheet_title("高校院所知识产权运营中心建设试点遴选评分标准") == "高校院所知识产权运营中心建设试点遴选评分表"
    assert sheet_title("年度验收") == "年度验收评分表"


def test_font_stacks_name_installed_chinese_families_and_no_generic_family():
    stack = fonts.font_stack(fonts.FontRole.SONG)

    assert stack.startswith(f'"{fonts.SERIF}"')
    assert fonts.font_stack(fonts.FontRole.HEI).startswith(f'"{fonts.SANS}"')
    for role in fonts.FontRole:
        families = re.findall(r'"([^"]+)"', fonts.font_stack(role))
        assert families and set(families) <= fonts.installed_families()
        assert "serif" not in fonts.font_stack(role).replace("Serif", "")


@pytest.fixture
def no_fonts_cache():
    fonts.installed_families.cache_clear()
    yield
    fonts.installed_families.cache_clear()


def test_a_machine_without_chinese_fonts_gets_a_chinese_error(monkeypatch, no_fonts_cache):
    monkeypatch.setattr(fonts, "_fc_list", lambda: "")

    with pytest.raises(fonts.FontMissing, match="没有安装中文字体.*fonts-noto-cjk"):
        score_sheet_html(sample_document())


def test_a_machine_without_fontconfig_gets_a_chinese_error(monkeypatch, no_fonts_cache):
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)

    with pytest.raises(fonts.FontMissing, match="fontconfig"):
        fonts.require_chinese_fonts()


def test_other_chinese_faces_stand_in_when_noto_is_missing(monkeypatch, no_fonts_cache):
    monkeypatch.setattr(fonts, "_fc_list", lambda: "文泉驿正黑,WenQuanYi Zen Hei\nFangSong\n")

    assert fonts.font_families(fonts.FontRole.FANGSONG)[0] == "FangSong"
    assert fonts.font_families(fonts.FontRole.HEI)[0] == "WenQuanYi Zen Hei"
    assert fonts.font_families(fonts.FontRole.KAITI)[0] in fonts.installed_families()
