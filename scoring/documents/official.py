"""The values of the two official documents of the publicity stage — the publicity notice (公示) and the confirmation
letter (确认通知) — as the domain composes them (scoring/publicity.py, scoring/confirmation.py) and every format lays
them out: PDF and the website page (official_pdf.py), Word (official_docx.py), the list as .xlsx/.csv
(publicity_list.py). All wording is decided here or in the domain; a renderer only places it."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class ListColumn(StrEnum):
    """A column the published list may show; 序号 and 单位名称 always do."""

    ORDER = "序号"
    NAME = "单位名称"
    TYPE = "单位类型"
    CITY = "所在市"
    CREDIT_CODE = "统一社会信用代码"
    SCORE = "评审得分"
    OUTCOME = "结果"  # an acceptance or evaluation result: not a column of the publicity notice


NOTICE_COLUMNS = tuple(c for c in ListColumn if c is not ListColumn.OUTCOME)
REQUIRED_COLUMNS = (ListColumn.ORDER, ListColumn.NAME)
DEFAULT_COLUMNS = (ListColumn.ORDER, ListColumn.NAME, ListColumn.TYPE, ListColumn.CITY)


class ListedUnit(BaseModel):
    """A unit of the published (or confirmed) list, in its order."""

    model_config = ConfigDict(frozen=True)

    order: int
    credit_code: str
    unit_name: str
    unit_type: str
    city: str
    final: Decimal | None = None
    outcome: str = ""

    def cell(self, column: ListColumn) -> str:
        """The unit's text in a column of the list."""
        return {ListColumn.ORDER: str(self.order), ListColumn.NAME: self.unit_name, ListColumn.TYPE: self.unit_type,
                ListColumn.CITY: self.city, ListColumn.CREDIT_CODE: self.credit_code,
                ListColumn.SCORE: "" if self.final is None else f"{self.final:.2f}",
                ListColumn.OUTCOME: self.outcome}[column]


class Contact(BaseModel):
    """Where objections go: the notice prints every part that is filled in."""

    model_config = ConfigDict(frozen=True)

    person: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""

    def lines(self) -> list[str]:
        """“联系人：张三” and so on, the empty parts left out."""
        parts = (("联系人", self.person), ("联系电话", self.phone), ("传真", self.fax), ("电子邮箱", self.email),
                 ("通讯地址", self.address), ("邮政编码", self.postcode))
        return [f"{label}：{value}" for label, value in parts if value.strip()]


class NoticeDocument(BaseModel):
    """The publicity notice: title, the body before the list, the list, the text after it (period, how to object),
    the contact, the issuing body and the date."""

    model_config = ConfigDict(frozen=True)

    title: str
    body: list[str]  # paragraphs before the list: basis, procedure, "现予以公示"
    columns: list[ListColumn]
    units: list[ListedUnit]
    after_list: list[str]  # paragraphs after the list: the period with its dates, how to object
    contact: Contact
    issuer: str
    issued_on: date
    draft: bool = False  # a preview before publishing: every format marks it 草稿


class Paragraph(BaseModel):
    """A paragraph of a letter; `lead` is a run-in heading of the second level (“（一）年度验收。”, 楷体)."""

    model_config = ConfigDict(frozen=True)

    lead: str = ""
    text: str


class Section(BaseModel):
    """A first-level part of a letter (“一、启动资金”, 黑体) and its paragraphs."""

    model_config = ConfigDict(frozen=True)

    heading: str
    paragraphs: list[Paragraph]


class LetterDocument(BaseModel):
    """One confirmation letter (确认通知) to one unit, laid out after GB/T 9704-2012."""

    model_config = ConfigDict(frozen=True)

    credit_code: str
    unit_name: str
    number: str  # 文号, e.g. 辽知发〔2023〕12号
    title: str
    addressee: str  # 主送机关: the unit's name
    opening: list[str]  # paragraphs before the first section
    sections: list[Section]
    closing: list[str]  # paragraphs after the sections, e.g. “特此通知。”
    issuer: str
    issued_on: date
    copy_to: list[str]  # 抄送: the city bureaus
    printer: str  # 印发机关, e.g. 辽宁省知识产权局办公室
    printed_on: date


def chinese_date(day: date) -> str:
    """A date as official documents write it: 2023年6月5日, Arabic numerals and no leading zeros (GB/T 9704 7.3.5.2)."""
    return f"{day.year}年{day.month}月{day.day}日"


def document_number(prefix: str, year: int, sequence: int) -> str:
    """The 文号: prefix, the full year in 〔〕 and the sequence without leading zeros, e.g. 辽知发〔2023〕12号."""
    return f"{prefix}〔{year}〕{sequence}号"
