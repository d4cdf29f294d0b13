"""The confirmed extra awards as a file: the .xlsx of scoring/documents/award_workbook.py, its export audited."""
from __future__ import annotations

from decimal import Decimal

from scoring.common.access import Principal
from scoring.common.models import ActionKind
from scoring.documents.award_workbook import award_workbook
from scoring.pilots.awards import AwardError, confirmed_awards
from scoring.storage import Storage


def export_awards(storage: Storage, principal: Principal, batch_id: str, year: int) -> bytes:
    """The confirmed awards the principal may see as an .xlsx (追加奖励 and 奖补标准 sheets); the export is audited."""
    found = confirmed_awards(storage, principal, batch_id, year)
    if not found:
        raise AwardError(f"批次 {batch_id} 的 {year} 年度追加奖励尚未确认，无可导出的内容。")
    latest = max(found, key=lambda a: a.confirmed_at)
    content = award_workbook(f"批次 {batch_id} {year} 年度试点追加奖励", latest.standard,
                             [a.computation for a in found])
    with storage.transaction(principal.actor) as tx:
        tx.audit(ActionKind.AWARD_EXPORT, f"awards/{batch_id}/{year}", "",
                 {"pilots": len(found), "total": f"{sum((a.amount for a in found), Decimal(0)):.2f}"})
    return content
