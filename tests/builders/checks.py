"""Lean builders for the check tests: an application with only what the checks read, at known figures, that passes
every check unless told otherwise (applications.make_application builds the whole form of a numbered unit)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from stdnum.cn.uscc import calc_check_digit

from scoring.common.models import (
    AmountBasis,
    Application,
    Attachment,
    AttachmentKind,
    Batch,
    BatchSettings,
    BudgetRow,
    Funding,
    YearConversion,
    YearPatents,
)


def with_check_character(first17: str) -> str:
    """A credit code with python-stdnum's check character appended."""
    return first17 + calc_check_digit(first17)


DALIAN_PUBLIC_UNIT = with_check_character("12210200MB0000001")  # 事业单位 registered in Dalian


def lean_batch(year: int = 2023, deadline: date | None = None, amount_basis: AmountBasis = AmountBasis.CONTRACT,
               cap: str = "100", window_years: int = 3) -> Batch:
    settings = BatchSettings(amount_basis=amount_basis, requested_budget_cap=Decimal(cap), window_years=window_years)
    return Batch(batch_id=str(year), year=year, title=f"{year}年度试点申报", deadline=deadline or date(year, 5, 31),
                 settings=settings)


def patents(year: int, invention: int = 0, utility_model: int = 0, design: int = 0, valid_held: int = 0) -> YearPatents:
    return YearPatents(year=year, invention=invention, utility_model=utility_model, design=design,
                       valid_held=valid_held)


def conversion(year: int, transfers: int = 0, transfer_contract: str = "0", transfer_received: str = "0",
               licences: int = 0, licence_contract: str = "0", licence_received: str = "0",
               equity: int = 0, equity_value: str = "0") -> YearConversion:
    return YearConversion(year=year, transfer_count=transfers, transfer_contract=Decimal(transfer_contract),
                          transfer_received=Decimal(transfer_received), licence_count=licences,
                          licence_contract=Decimal(licence_contract), licence_received=Decimal(licence_received),
                          equity_count=equity, equity_value=Decimal(equity_value))


def budget_row(seq: int, item: str, amount: str, funding: Funding = Funding.REQUESTED,
               explanation: str = "") -> BudgetRow:
    return BudgetRow(seq=seq, item=item, explanation=explanation, amount=Decimal(amount), year=2023, funding=funding)


def attachment(kind: AttachmentKind, filename: str) -> Attachment:
    return Attachment(kind=kind, filename=filename, sha256="0" * 64, size=1024)


RECOMMENDATION_LETTER = attachment(AttachmentKind.RECOMMENDATION, "大连市知识产权局推荐函.pdf")

DEFAULT_BASIC = {
    "unit_name": "大连示范理工大学",
    "address": "辽宁省大连市甘井子区凌工路2号",
    "unit_type": "高等学校",
    "credit_code": DALIAN_PUBLIC_UNIT,
}


def lean_application(*, basic: dict | None = None, **fields) -> Application:
    """A lean 2023-batch application that passes every check; `basic` merges into the basic info, `fields` replace."""
    data = {
        "batch_id": "2023",
        "submitted_on": date(2023, 5, 30),
        "basic": {**DEFAULT_BASIC, **(basic or {})},
        "commitment": {"signed": True, "signed_on": date(2023, 5, 20)},
        "patents": [patents(2020, 20, 20, 0, 150), patents(2021, 20, 20, 0, 170), patents(2022, 20, 20, 0, 190)],
        "conversions": [conversion(2020, transfers=11, transfer_contract="40", transfer_received="30"),
                        conversion(2021, transfers=11, transfer_contract="40", transfer_received="30"),
                        conversion(2022, transfers=11, transfer_contract="40", transfer_received="30")],
        "enterprises_connected": 12,
        "budget": {"rows": [budget_row(1, "专利导航分析", "60"), budget_row(2, "转化对接活动", "40"),
                            budget_row(3, "运营中心场地改造", "50", Funding.MATCHING)]},
        "recommendation": {"city": "大连市", "city_recommended": True, "city_recommendation_date": date(2023, 5, 28)},
        "attachments": [RECOMMENDATION_LETTER],
    }
    data.update(fields)
    return Application.model_validate(data)
