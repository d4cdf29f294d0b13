"""Storage over one DuckDB file: every change of state goes through `transaction`, which audits it."""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from scoring.common import clock
from scoring.common.errors import ReviewError
from scoring.common.models import (
    ActionKind,
    Application,
    AuditEntry,
    Batch,
    CheckedResult,
    CheckId,
    CheckReport,
    CheckResult,
    Outcome,
    Override,
)
from scoring.storage import lock
from scoring.storage import queries as q
from scoring.storage.schema import MIGRATIONS, SCHEMA_VERSION


class StorageError(ReviewError):
    """A storage rule was broken (e.g. a write without an audit entry); the message is for users."""


class DatabaseInUse(StorageError):
    """Another process (usually the running app) holds the database file."""


class Transaction:
    """One open write transaction; `audit` must be called at least once before it may commit."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, actor: str):
        self.cursor = cursor
        self.actor = actor
        self.now = clock.now()
        self.audited = 0

    def execute(self, sql: str, params=None):
        return self.cursor.execute(sql, params) if params is not None else self.cursor.execute(sql)

    def audit(self, action: ActionKind, entity: str, reason: str = "", detail: dict | None = None):
        self.audit_many([(action, entity, reason, detail)])

    def audit_many(self, entries: list[tuple[ActionKind, str, str, dict | None]]):
        """Several audit entries in one statement (an import of thousands audits each application)."""
        if not entries:
            return
        frame = pd.DataFrame(
            [(self.now, self.actor, str(action), entity, reason, json.dumps(detail or {}, ensure_ascii=False, default=str))
             for action, entity, reason, detail in entries],
            columns=["logged_at", "actor", "action", "entity", "reason", "detail"],
        )
        self.cursor.register("incoming_audit", frame)
        self.cursor.execute(q.INSERT_AUDIT_ROWS)
        self.cursor.unregister("incoming_audit")
        self.audited += len(entries)


@dataclass
class SaveSummary:
    """What saving a set of applications did, per credit code."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


class Storage:
    """The embedded database. One instance per process; each call uses its own cursor."""

    def __init__(self, path: str | Path, read_only: bool = False):
        self.path = Path(path)
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            held = lock.in_use_message(self.path, str(exc))
            if held:
                raise DatabaseInUse(held) from exc
            raise StorageError(f"无法打开数据库文件 {self.path}：{exc}（是否有另一个进程正在使用它？）") from exc
        self._write_lock = threading.Lock()
        if not read_only:
            self._migrate()

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Storage:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own for one read (cursors are cheap; one connection object is not thread-safe)."""
        return self._conn.cursor()

    # --- schema ----------------------------------------------------------------------------

    def schema_version(self) -> int:
        cur = self.cursor()
        if not cur.execute(q.TABLE_EXISTS, ["schema_version"]).fetchone()[0]:
            return 0
        return cur.execute(q.SELECT_SCHEMA_VERSION).fetchone()[0]

    def _migrate(self) -> None:
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise StorageError(f"数据库 {self.path} 的结构版本 {current} 高于本程序支持的 {SCHEMA_VERSION}，请升级程序。")
        for version in range(current, SCHEMA_VERSION):
            with self.transaction("system") as tx:
                for statement in MIGRATIONS[version]:
                    tx.execute(statement)
                tx.execute(q.INSERT_SCHEMA_VERSION, [version + 1, tx.now])
                tx.audit(ActionKind.INIT, "schema", detail={"schema_version": version + 1})

    # --- writes ----------------------------------------------------------------------------

    @contextmanager
    def transaction(self, actor: str) -> Iterator[Transaction]:
        """All or nothing: commits only if the block ends normally and wrote an audit entry."""
        if not actor:
            raise StorageError("未指明操作人，不能修改数据。")
        with self._write_lock:
            cur = self.cursor()
            cur.execute("BEGIN TRANSACTION")
            tx = Transaction(cur, actor)
            try:
                yield tx
                if not tx.audited:
                    raise StorageError("写操作缺少审计记录，已撤销。")
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            finally:
                cur.close()

    @contextmanager
    def bookkeeping(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write that records no decision of the office (a session's last-seen time on every request):
        serialised with the audited writes but not audited, so the log and the caches keyed on it stay quiet."""
        with self._write_lock:
            cur = self.cursor()
            try:
                yield cur
            finally:
                cur.close()

    # --- batches ---------------------------------------------------------------------------

    def create_batch(self, batch: Batch, actor: str, reason: str = "") -> None:
        if self.get_batch(batch.batch_id):
            raise StorageError(f"批次 {batch.batch_id} 已存在。")
        with self.transaction(actor) as tx:
            tx.execute(q.INSERT_BATCH, [batch.batch_id, batch.year, batch.model_dump_json(), tx.now])
            tx.audit(ActionKind.BATCH_CREATE, f"batch/{batch.batch_id}", reason, batch.model_dump(mode="json"))

    def update_batch(self, tx: Transaction, batch: Batch) -> Batch:
        """Replace a batch's title, deadline and settings inside `tx`; returns the batch as it was."""
        row = tx.execute(q.SELECT_BATCH, [batch.batch_id]).fetchone()
        if row is None:
            raise StorageError(f"没有批次 {batch.batch_id}。")
        tx.execute(q.UPDATE_BATCH, [batch.year, batch.model_dump_json(), batch.batch_id])
        return Batch.model_validate_json(row[0])

    def get_batch(self, batch_id: str) -> Batch | None:
        row = self.cursor().execute(q.SELECT_BATCH, [batch_id]).fetchone()
        return Batch.model_validate_json(row[0]) if row else None

    def list_batches(self) -> list[Batch]:
        return [Batch.model_validate_json(r[0]) for r in self.cursor().execute(q.SELECT_BATCHES).fetchall()]

    def latest_batch(self) -> Batch | None:
        batches = self.list_batches()
        return batches[0] if batches else None

    # --- applications ----------------------------------------------------------------------

    def save_applications(
        self,
        tx: Transaction,
        applications: list[Application],
        source: str,
        files: dict[str, bytes] | None = None,
    ) -> SaveSummary:
        """Insert new applications, version changed ones, skip identical ones, inside `tx`.

        One application per unit and batch: the credit code is the key; the previous version of a
        changed application moves to application_versions, nothing is ever overwritten in place.
        """
        summary = SaveSummary()
        for sha, content in (files or {}).items():
            self.keep_attachment(tx, sha, content)
        if not applications:
            return summary
        batch_ids = {a.batch_id for a in applications}
        existing: dict[tuple[str, str], tuple[int, str]] = {}
        for batch_id in batch_ids:
            for code, version, data in tx.execute(q.SELECT_APPLICATION_META, [batch_id]).fetchall():
                existing[(batch_id, code)] = (version, data)
        rows = []
        audits = []
        for app in applications:
            data = app.model_dump_json()
            key = (app.batch_id, app.credit_code)
            if key in existing:
                version, old = existing[key]
                if Application.model_validate_json(old) == app:
                    summary.unchanged.append(app.credit_code)
                    continue
                summary.updated.append(app.credit_code)
                audits.append((ActionKind.APPLICATION_UPDATE, app))
                version += 1
            else:
                summary.created.append(app.credit_code)
                audits.append((ActionKind.APPLICATION_CREATE, app))
                version = 1
            rows.append({
                "batch_id": app.batch_id, "credit_code": app.credit_code, "version": version,
                "unit_name": app.basic.unit_name, "unit_type": str(app.basic.unit_type),
                "city": str(app.recommendation.city), "data": data, "source": source,
                "saved_at": tx.now, "saved_by": tx.actor,
            })
        if rows:
            incoming = pd.DataFrame(rows)
            tx.cursor.register("incoming", incoming)
            tx.execute(q.ARCHIVE_APPLICATIONS, {"now": tx.now})
            tx.execute(q.DELETE_REPLACED_APPLICATIONS)
            tx.execute(q.INSERT_APPLICATIONS)
            tx.cursor.unregister("incoming")
        tx.audit_many([(action, f"application/{app.batch_id}/{app.credit_code}", "", {"source": source})
                       for action, app in audits])
        return summary

    def get_application(self, batch_id: str, credit_code: str) -> Application | None:
        row = self.cursor().execute(q.SELECT_APPLICATION, [batch_id, credit_code]).fetchone()
        return Application.model_validate_json(row[0]) if row else None

    def list_applications(self, batch_id: str) -> list[Application]:
        rows = self.cursor().execute(q.SELECT_APPLICATIONS, [batch_id]).fetchall()
        return [Application.model_validate_json(r[0]) for r in rows]

    def count_applications(self, batch_id: str) -> int:
        return self.cursor().execute(q.COUNT_APPLICATIONS, [batch_id]).fetchone()[0]

    def application_version(self, batch_id: str, credit_code: str) -> int | None:
        row = self.cursor().execute(q.SELECT_APP_VERSION, [batch_id, credit_code]).fetchone()
        return row[0] if row else None

    def application_history(self, batch_id: str, credit_code: str) -> list[dict]:
        """Earlier versions of one application, newest first (without their data)."""
        cur = self.cursor().execute(q.SELECT_APPLICATION_VERSIONS, [batch_id, credit_code])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def old_application(self, batch_id: str, credit_code: str, version: int) -> Application | None:
        row = self.cursor().execute(q.SELECT_OLD_APPLICATION, [batch_id, credit_code, version]).fetchone()
        return Application.model_validate_json(row[0]) if row else None

    def keep_attachment(self, tx: Transaction, sha256: str, content: bytes) -> None:
        """Store a file's bytes under their hash, once (an application's attachment, an objection's evidence)."""
        if not tx.execute(q.ATTACHMENT_EXISTS, [sha256]).fetchone()[0]:
            tx.execute(q.INSERT_ATTACHMENT, [sha256, len(content), content])

    def attachment_content(self, sha256: str) -> bytes | None:
        row = self.cursor().execute(q.SELECT_ATTACHMENT, [sha256]).fetchone()
        return bytes(row[0]) if row else None

    # --- checks ----------------------------------------------------------------------------

    def save_check_results(self, tx: Transaction, batch_id: str, results: dict[str, list[CheckResult]]) -> None:
        """Replace the computed results of these applications (overrides are kept apart)."""
        if not results:
            return
        versions = dict(tx.execute(q.SELECT_APPLICATION_VERSIONS_OF_BATCH, [batch_id]).fetchall())
        rows = [
            (batch_id, code, str(r.check_id), str(r.outcome), json.dumps(r.reasons, ensure_ascii=False),
             versions.get(code, 0), tx.now)
            for code, checks in results.items() for r in checks
        ]
        frame = pd.DataFrame(rows, columns=["batch_id", "credit_code", "check_id", "outcome", "reasons",
                                            "app_version", "computed_at"])
        tx.cursor.register("incoming_checks", frame)
        tx.execute(q.DELETE_CHECK_RESULTS, [batch_id])
        tx.execute(q.INSERT_CHECK_RESULTS)
        tx.cursor.unregister("incoming_checks")

    def check_reports(self, batch_id: str, credit_code: str | None = None) -> dict[str, CheckReport]:
        """Every application's checks (or one application's), with the staff overrides in force, by credit code."""
        cur = self.cursor()
        which = {"batch": batch_id, "code": credit_code}
        computed: dict[str, list[CheckResult]] = {}
        for code, check_id, outcome, reasons in cur.execute(q.SELECT_CHECK_RESULTS, which).fetchall():
            computed.setdefault(code, []).append(
                CheckResult(check_id=CheckId(check_id), outcome=Outcome(outcome), reasons=json.loads(reasons)))
        overrides: dict[tuple[str, str], Override] = {}
        for code, check_id, outcome, reason, by, at in cur.execute(q.SELECT_ACTIVE_OVERRIDES, which).fetchall():
            overrides[(code, check_id)] = Override(check_id=CheckId(check_id), outcome=Outcome(outcome),
                                                   reason=reason, decided_by=by, decided_at=at)
        order = list(CheckId)
        reports = {}
        for code, results in computed.items():
            results.sort(key=lambda r: order.index(r.check_id))
            reports[code] = CheckReport(
                batch_id=batch_id, credit_code=code,
                results=[CheckedResult(computed=r, override=overrides.get((code, str(r.check_id))))
                         for r in results],
            )
        return reports

    def check_report(self, batch_id: str, credit_code: str) -> CheckReport | None:
        return self.check_reports(batch_id, credit_code).get(credit_code)

    def set_override(self, batch_id: str, credit_code: str, check_id: CheckId, outcome: Outcome,
                     reason: str, actor: str) -> Override:
        """Record a staff decision replacing one check's outcome; a reason is mandatory."""
        reason = (reason or "").strip()
        if len(reason) < 2:
            raise StorageError("人工判定必须填写理由。")
        with self.transaction(actor) as tx:
            version = tx.execute(q.SELECT_APP_VERSION, [batch_id, credit_code]).fetchone()
            if not version:
                raise StorageError(f"批次 {batch_id} 中没有统一社会信用代码为 {credit_code} 的申报书。")
            tx.execute(q.CLEAR_OVERRIDE, [tx.now, actor, "被新的人工判定取代", batch_id, credit_code, str(check_id)])
            tx.execute(q.INSERT_OVERRIDE, [batch_id, credit_code, str(check_id), str(outcome), reason, actor,
                                           tx.now, version[0]])
            tx.audit(ActionKind.CHECK_OVERRIDE, f"application/{batch_id}/{credit_code}", reason,
                     {"check": str(check_id), "outcome": str(outcome)})
            return Override(check_id=check_id, outcome=outcome, reason=reason, decided_by=actor, decided_at=tx.now)

    def clear_override(self, batch_id: str, credit_code: str, check_id: CheckId, reason: str, actor: str) -> None:
        """Withdraw a staff decision: the computed outcome applies again."""
        reason = (reason or "").strip()
        if len(reason) < 2:
            raise StorageError("撤销人工判定必须填写理由。")
        with self.transaction(actor) as tx:
            tx.execute(q.CLEAR_OVERRIDE, [tx.now, actor, reason, batch_id, credit_code, str(check_id)])
            tx.audit(ActionKind.CHECK_OVERRIDE_CLEAR, f"application/{batch_id}/{credit_code}", reason,
                     {"check": str(check_id)})

    def override_history(self, batch_id: str, credit_code: str) -> list[dict]:
        cur = self.cursor().execute(q.SELECT_OVERRIDE_HISTORY, [batch_id, credit_code])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    # --- audit -----------------------------------------------------------------------------

    def data_version(self) -> int:
        """The newest audit entry's number: it changes with every change of state, so caches key on it."""
        return self.cursor().execute(q.SELECT_DATA_VERSION).fetchone()[0]

    def audit_log(self, entity: str | None = None, limit: int = 200) -> list[AuditEntry]:
        rows = self.cursor().execute(q.SELECT_AUDIT, {"entity": entity, "limit": limit}).fetchall()
        return [AuditEntry(seq=s, at=at, actor=a, action=act, entity=e, reason=r, detail=json.loads(d))
                for s, at, a, act, e, r, d in rows]
