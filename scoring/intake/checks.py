"""All checks of one application: the formal check and eligibility conditions (二)(三), one result per CheckId."""
from __future__ import annotations

from collections.abc import Callable

from scoring.intake.eligibility import check_conversion, check_patent_output
from scoring.intake.formal_check import (
    check_budget,
    check_commitment,
    check_credit_code,
    check_deadline,
    check_recommendation,
    check_unit_type,
)
from scoring.common.models import Application, Batch, CheckId, CheckResult

Rule = Callable[[Application, Batch], CheckResult]

RULES: dict[CheckId, Rule] = {
    CheckId.CREDIT_CODE: lambda app, batch: check_credit_code(app),
    CheckId.UNIT_TYPE: lambda app, batch: check_unit_type(app),
    CheckId.COMMITMENT: check_commitment,
    CheckId.RECOMMENDATION: lambda app, batch: check_recommendation(app),
    CheckId.DEADLINE: check_deadline,
    CheckId.BUDGET: check_budget,
    CheckId.PATENT_OUTPUT: check_patent_output,
    CheckId.CONVERSION: check_conversion,
}


def run_checks(app: Application, batch: Batch) -> list[CheckResult]:
    """Run every rule against the batch the application belongs to; results come in CheckId order."""
    if app.batch_id != batch.batch_id:
        raise ValueError(f"申报书属于批次“{app.batch_id}”，不能按批次“{batch.batch_id}”审查。")
    return [RULES[check_id](app, batch) for check_id in CheckId]
