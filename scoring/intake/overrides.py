"""Staff decisions on check results: an override replaces one check's outcome, with a reason; clearing restores it."""
from __future__ import annotations

from scoring.common.access import Permission, Principal, require
from scoring.common.models import CheckId, Outcome, Override
from scoring.storage import Storage


def override_check(storage: Storage, principal: Principal, batch_id: str, credit_code: str, check_id: CheckId,
                   outcome: Outcome, reason: str) -> Override:
    """Record the decision of a person allowed to override checks in this batch; the reason is mandatory."""
    require(principal, Permission.OVERRIDE_CHECKS, batch_id)
    return storage.set_override(batch_id, credit_code, check_id, outcome, reason, principal.actor)


def clear_override(storage: Storage, principal: Principal, batch_id: str, credit_code: str, check_id: CheckId,
                   reason: str) -> None:
    """Withdraw a decision: the computed outcome applies again; the withdrawn one stays in the history."""
    require(principal, Permission.OVERRIDE_CHECKS, batch_id)
    storage.clear_override(batch_id, credit_code, check_id, reason, principal.actor)
