"""Reading the audit log, for those allowed to (supervision, staff): every change of state with who, when and why."""
from __future__ import annotations

from scoring.common.access import Permission, Principal, require
from scoring.common.models import AuditEntry
from scoring.storage import Storage


def batch_of_entity(entity: str | None) -> str | None:
    """The batch an audited entity belongs to (`batch/2023`, `application/2023/…`), or None for the whole log."""
    parts = (entity or "").split("/")
    if len(parts) >= 2 and parts[0] in ("batch", "application") and parts[1]:
        return parts[1]
    return None


def read_audit_log(storage: Storage, principal: Principal, entity: str | None = None,
                   limit: int = 200) -> list[AuditEntry]:
    """Newest first; one batch's entries need the right for that batch, the whole log the right for all."""
    require(principal, Permission.VIEW_AUDIT, batch_of_entity(entity))
    return storage.audit_log(entity=entity, limit=limit)
