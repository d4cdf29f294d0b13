"""Batches: the default batch of a year, first-run set-up with the sample, and re-running the checks."""
from __future__ import annotations

from scoring.checks import run_checks
from scoring.models import ActionKind, Batch
from scoring.storage import Storage, StorageError

def load_sample(storage: Storage, actor: str) -> int:
    """Create the 2023 sample batch with its applications and checks, in one transaction."""
    from scoring.sample import sample_applications, sample_batch

    batch = sample_batch()
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
    return len(applications)


def ensure_database(storage: Storage, actor: str, with_sample: bool, year: int = 2023) -> Batch:
    """First run: a database with at least one batch; the sample batch when asked for."""
    if with_sample:
        load_sample(storage, actor)
    elif storage.get_batch(str(year)) is None:
        storage.create_batch(Batch.for_year(year), actor, reason="初始化")
    batch = storage.latest_batch()
    if batch is None:
        raise StorageError("数据库中没有任何批次。")
    return batch


def change_batch(storage: Storage, batch: Batch, actor: str, reason: str) -> int:
    """Save a batch's new deadline or settings and re-run every check under them, in one transaction."""
    if len((reason or "").strip()) < 2:
        raise StorageError("修改批次设置必须填写理由。")
    applications = storage.list_applications(batch.batch_id)
    results = {a.credit_code: run_checks(a, batch) for a in applications}
    with storage.transaction(actor) as tx:
        before = storage.update_batch(tx, batch)
        storage.save_check_results(tx, batch.batch_id, results)
        tx.audit(ActionKind.BATCH_UPDATE, f"batch/{batch.batch_id}", reason,
                 {"before": before.model_dump(mode="json"), "after": batch.model_dump(mode="json")})
    return len(results)


def recheck_batch(storage: Storage, batch: Batch, actor: str, reason: str = "") -> int:
    """Run every check again for every application of the batch (e.g. after a settings change)."""
    applications = storage.list_applications(batch.batch_id)
    results = {a.credit_code: run_checks(a, batch) for a in applications}
    with storage.transaction(actor) as tx:
        storage.save_check_results(tx, batch.batch_id, results)
        tx.audit(ActionKind.CHECK_RUN, f"batch/{batch.batch_id}", reason, {"applications": len(results)})
    return len(results)
