"""Documents as the composers hand them to the renderers, without a database: a publicity notice and its units, a
confirmation letter, a panel summary, and the hostile names every renderer must keep as text."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from scoring.documents.official import (
    DEFAULT_COLUMNS,
    Contact,
    LetterDocument,
    ListColumn,
    ListedUnit,
    NoticeDocument,
    Paragraph,
    Section,
    document_number,
)
from scoring.documents.ranking_workbook import PanelCell, PanelMember, PanelRow, PanelSummary

HOSTILE_NAMES = ("<w:t>&\"'<script>", '=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)")
PERIOD = "公示期为2023年6月5日至2023年6月9日（5个工作日）。"
CREDIT_COLUMNS = [ListColumn.ORDER, ListColumn.NAME, ListColumn.CREDIT_CODE, ListColumn.SCORE]


def sample_units(names: tuple[str, ...] = ()) -> list[ListedUnit]:
    """Four universities of Shenyang and Dalian in the list's order; `names` replace the first unit names."""
    units = [("12210000417560074X", "东北大学", "沈阳市", "91.50"),
             ("12210000401200044T", "大连理工大学", "大连市", "90.25"),
             ("12210000417560148D", "沈阳工业大学", "沈阳市", "86.00"),
             ("122100004200013553", "大连海事大学", "大连市", "84.75")]
    listed = [ListedUnit(order=n, credit_code=code, unit_name=name, unit_type="高等院校", city=city,
                         final=Decimal(final)) for n, (code, name, city, final) in enumerate(units, 1)]
    for n, name in enumerate(names):
        if n < len(listed):
            listed[n] = listed[n].model_copy(update={"unit_name": name})
        else:
            listed.append(ListedUnit(order=n + 1, credit_code=f"1221000042000{n:05d}", unit_name=name,
                                     unit_type="科研院所", city="沈阳市"))
    return listed


def sample_notice(columns=DEFAULT_COLUMNS, units: list[ListedUnit] | None = None, draft: bool = False):
    return NoticeDocument(
        title="关于2023年度高校院所知识产权运营中心建设试点拟入选单位名单的公示",
        body=["根据《辽宁省知识产权局关于开展2023年度高校院所知识产权运营中心建设试点遴选工作的通知》，"
              "经形式审查、专家评审和局务会议研究，确定拟入选单位如下。",
              "现予以公示。"],
        columns=list(columns), units=sample_units() if units is None else units,
        after_list=[PERIOD, "公示期间，对名单有异议的，请以书面形式向我局提出，并提供必要的证明材料。"],
        contact=Contact(person="张三", phone="024-23456789", email="zscq@example.gov.cn",
                        address="沈阳市和平区北三经街66号", postcode="110000"),
        issuer="辽宁省知识产权局", issued_on=date(2023, 6, 2), draft=draft)


def sample_letter(unit_name: str = "东北大学", number: int = 12) -> LetterDocument:
    return LetterDocument(
        credit_code="12210000417560074X", unit_name=unit_name, number=document_number("辽知发", 2023, number),
        title="关于确认2023年度高校院所知识产权运营中心建设试点单位的通知", addressee=unit_name,
        opening=["经公示无异议，确认你单位为2023年度高校院所知识产权运营中心建设试点单位。现将有关事项通知如下。"],
        sections=[Section(heading="一、启动资金", paragraphs=[
                      Paragraph(lead="（一）拨付方式。", text="启动资金50万元一次性拨付。"),
                      Paragraph(lead="（二）使用范围。", text="专款用于运营中心建设。")]),
                  Section(heading="二、工作要求", paragraphs=[
                      Paragraph(lead="（一）年度验收。", text="每年12月底前报送年度工作总结。"),
                      Paragraph(text="建设期满后组织验收。")])],
        closing=["特此通知。"], issuer="辽宁省知识产权局", issued_on=date(2023, 6, 20),
        copy_to=["沈阳市市场监督管理局", "大连市市场监督管理局"], printer="辽宁省知识产权局办公室",
        printed_on=date(2023, 6, 20))


def sample_summary(experts: int = 3) -> PanelSummary:
    """A panel summary of `experts` members; its names also satisfy the every-template check of the score sheet prints."""
    members = [PanelMember(expert_id=f"ZJ-{n:04d}", name="张三" if n == 1 else f"专家{n}")
               for n in range(1, experts + 1)]
    cells = [PanelCell(total=Decimal(90 + n % 7), dropped=n == 1) for n in range(1, experts + 1)]
    rows = [PanelRow(rank=1, unit_name="测试大学已提交", credit_code="12210102337322261X", cells=cells,
                     mean=Decimal("92.50"), expert_score=Decimal("92.00"), trimmed=True, bonus=Decimal("3"),
                     final=Decimal("95.00")),
            PanelRow(rank=None, unit_name="<b>未评</b>", credit_code="X", cells=[PanelCell()] * experts, mean=None,
                     expert_score=None, trimmed=False, bonus=Decimal("0"), final=None)]
    return PanelSummary(title="遴选专家组评分汇总表", round_label="2023-01 遴选（评审组）", printed_on=date(2024, 5, 6),
                        members=members, rows=rows)
