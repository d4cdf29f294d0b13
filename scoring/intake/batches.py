"""Batches: the default batch of a year, first-run set-up with the sample, and re-running the checks."""
from __future__ import annotations

from scoring.common.access import Permission, Principal, require
from scoring.intake.checks import run_checks
from scoring.common.models import ActionKind, Batch
from scoring.storage import Storage, StorageError


def create_batch(storage: Storage, principal: Principal, batch: Batch, reason: str = "") -> None:
    require(principal, Permission.MANAGE_BATCHES, batch.batch_id)
    storage.create_batch(batch, principal.actor, reason)


def load_sample(storage: Storage, principal: Principal) -> int:
    """Create the 2023 sample batch with its applications and checks, in one transaction, and the sample expert pool."""
    from scoring.experts.pool import load_sample_experts
    from scoring.intake.sample import sample_applications, sample_batch

    batch = sample_batch()
    require(principal, Permission.MANAGE_BATCHES, batch.batch_id)
    actor = principal.actor
    if storage.get_batch(batch.batch_id) is None:
        storage.create_batch(batch, actor, reason="载入示例数据")
    pairs = sample_applications(batch)
    applications = [app for app, _ in pairs]
    files = {a.sha256: attached[a.filename] for app, attached in pairs for a in app.attachments}
    with storage.transaction(actor) as tx:
        summary = storage.save_applications(tx, applications, source="示例数据", files=files)
        storage.save_check_results(tx, batch.batch_id, {a.credit_code: run_checks(a, batch) for a in applications})
        tx.audit(ActionKind.IMPORT, f"batch/{batch.batch_id}", "载入示例数据",
                 {"created": len(summary.created), "updated": len(summary.updated)})
    load_sample_experts(storage, principal)
    return len(applications)


def ensure_database(storage: Storage, principal: Principal, with_sample: bool, year: int = 2023) -> Batch:
    """First run: a database with at least one batch; the sample batch when asked for."""
    if with_sample:
        load_sample(storage, principal)
    elif storage.get_batch(str(year)) is None:
        create_batch(storage, principal, Batch.for_year(year), reason="初始化")
    batch = storage.latest_batch()
    if batch is None:
        raise StorageError("数据库中没有任何批次。")
    return batch


def change_batch(storage: Storage, batch: Batch, principal: Principal, reason: str) -> int:
    """Save a batch's new deadline or settings and re-run every check under them, in one transaction."""
    require(principal, Permission.MANAGE_BATCHES, batch.batch_id)
    if len((reason or "").strip()) < 2:
        raise StorageError("修改批次设置必须填写理由。")
    applications = storage.list_applications(batch.batch_id)
    results = {a.credit_code: run_checks(a, batch) for a in applications}
    with storage.transaction(principal.actor) as tx:
        before = storage.update_batch(tx, batch)
        storage.save_check_results(tx, batch.batch_id, results)
        tx.audit(ActionKind.BATCH_UPDATE, f"batch/{batch.batch_id}", reason,
                 {"before": before.model_dump(mode="json"), "after": batch.model_dump(mode="json")})
    return len(results)


def recheck_batch(storage: Storage, batch: Batch, principal: Principal, reason: str = "") -> int:
    """Run every check again for every application of the batch (e.g. after a settings change)."""
    require(principal, Permission.MANAGE_BATCHES, batch.batch_id)
    applications = storage.list_applications(batch.batch_id)
    results = {a.credit_code: run_checks(a, batch) for a in applications}
    with storage.transaction(principal.actor) as tx:
        storage.save_check_results(tx, batch.batch_id, results)
        tx.audit(ActionKind.CHECK_RUN, f"batch/{batch.batch_id}", reason, {"applications": len(results)})
    return len(results)
