"""The form's figures an expert sees beside a criterion: a rubric names them by key, this module says what each
key means and computes it from the application over the batch's window."""
from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from scoring.intake.eligibility import window_figures
from scoring.common.models import Application, Batch
from scoring.common.wording import wan


class FigureKey(StrEnum):
    """A figure of the form a rubric may show beside a criterion; the value is its Chinese label."""

    GRANTED = "近三年专利授权量（件）"
    INVENTION_GRANTED = "近三年发明专利授权量（件）"
    VALID_HELD = "有效专利拥有量（件）"
    CONVERTED = "近三年专利转化实施数（件）"
    CONVERSION_AMOUNT_CONTRACT = "近三年转化合同额"
    CONVERSION_AMOUNT_RECEIVED = "近三年转化实际到账额"
    ENTERPRISES_CONNECTED = "近三年累计对接企业数（家）"
    OPEN_LICENCES = "开放许可专利实施数（件）"
    IP_STAFF = "知识产权管理人员（专职/兼职）"
    CONVERSION_STAFF = "专利转化专职人员数"
    PATENT_ATTORNEYS = "具备专利代理师资格人数"
    RULE_DOCUMENTS = "知识产权管理制度（份）"
    MANAGEMENT_STANDARDS = "管理规范贯彻情况"
    BUDGET_REQUESTED = "拟申请经费"
    BUDGET_MATCHING = "拟配套经费"


# YAML names the figures by these short keys (figures: [granted, converted]).
FIGURE_KEYS: dict[str, FigureKey] = {key.name.lower(): key for key in FigureKey}


class Figure(BaseModel):
    """One figure as shown: its label and its value in words (e.g. “120”, “35.50”, “3 / 12”)."""

    model_config = ConfigDict(frozen=True)

    key: FigureKey
    value: str

    @property
    def label(self) -> str:
        return str(self.key)


def _count(value: int | None) -> str:
    return "未填报" if value is None else f"{value:,}"


def figure_values(application: Application, batch: Batch) -> dict[FigureKey, str]:
    """Every figure of the application, in words."""
    window = window_figures(application, batch)
    management = application.ip_management
    in_window = [row for row in application.conversions if row.year in window.window]
    return {
        FigureKey.GRANTED: _count(window.granted),
        FigureKey.INVENTION_GRANTED: _count(window.invention_granted),
        FigureKey.VALID_HELD: _count(window.valid_held),
        FigureKey.CONVERTED: _count(window.converted),
        FigureKey.CONVERSION_AMOUNT_CONTRACT: wan(window.amount_contract),
        FigureKey.CONVERSION_AMOUNT_RECEIVED: wan(window.amount_received),
        FigureKey.ENTERPRISES_CONNECTED: _count(window.enterprises_connected),
        FigureKey.OPEN_LICENCES: _count(sum(row.open_licence_implemented for row in in_window)),
        FigureKey.IP_STAFF: f"{management.ip_staff_full_time} / {management.ip_staff_part_time}",
        FigureKey.CONVERSION_STAFF: _count(management.conversion_staff_full_time),
        FigureKey.PATENT_ATTORNEYS: _count(management.patent_attorneys),
        FigureKey.RULE_DOCUMENTS: _count(len(management.rule_documents)),
        FigureKey.MANAGEMENT_STANDARDS: "、".join(str(s) for s in management.standards) or "未贯彻",
        FigureKey.BUDGET_REQUESTED: wan(application.budget.requested),
        FigureKey.BUDGET_MATCHING: wan(application.budget.matching),
    }


def figures_for(application: Application, batch: Batch, keys: list[FigureKey]) -> list[Figure]:
    """The named figures, in the rubric's order."""
    if not keys:
        return []
    values = figure_values(application, batch)
    return [Figure(key=key, value=values[key]) for key in keys]


def numeric_figure(application: Application, batch: Batch, key: FigureKey) -> Decimal | None:
    """A figure as a number, for tie-breaks; None where the form has no number for it."""
    window = window_figures(application, batch)
    numbers = {
        FigureKey.GRANTED: window.granted, FigureKey.INVENTION_GRANTED: window.invention_granted,
        FigureKey.VALID_HELD: window.valid_held, FigureKey.CONVERTED: window.converted,
        FigureKey.CONVERSION_AMOUNT_CONTRACT: window.amount_contract,
        FigureKey.CONVERSION_AMOUNT_RECEIVED: window.amount_received,
        FigureKey.ENTERPRISES_CONNECTED: window.enterprises_connected,
    }
    value = numbers.get(key)
    return None if value is None else Decimal(value)
