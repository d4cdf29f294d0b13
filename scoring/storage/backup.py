"""Backups: a consistent copy of the database and the exports as one zip with its SHA-256, N generations kept, a
schedule, and a restore that checks every hash before it replaces anything."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from scoring.common import clock
from scoring.common.access import Permission, Principal, require
from scoring.storage.store import Storage, StorageError

DB_MEMBER = "review.duckdb"
EXPORTS_MEMBER = "exports/"
MANIFEST_MEMBER = "manifest.json"
PREFIX = "review-backup-"
SUFFIX = ".zip"
ENTITY = "system/backups"
CHUNK = 1 << 20

SELECT_SETTINGS = "SELECT data FROM backup_settings WHERE settings_id = 1"
UPSERT_SETTINGS = """
    INSERT OR REPLACE INTO backup_settings (settings_id, data, changed_at, changed_by) VALUES (1, ?, ?, ?)
"""


class BackupAction:
    """What a backup entry of the audit log records."""

    CREATE = "backup.create"
    RESTORE = "backup.restore"
    SETTINGS = "backup.settings"


class BackupError(StorageError):
    """A backup or restore cannot be done; the message is for users."""


class BackupSettings(BaseModel):
    """How many generations are kept and how often the running app backs up by itself (0: never)."""

    model_config = ConfigDict(frozen=True)

    keep: int = Field(7, ge=1, le=365, title="保留份数")
    interval_hours: int = Field(0, ge=0, le=24 * 30, title="自动备份间隔（小时，0 表示不自动备份）")


class BackupFile(BaseModel):
    """One generation on disk, as the page and `system backups` list it."""

    model_config = ConfigDict(frozen=True)

    name: str
    path: Path
    size: int
    created_at: datetime
    sha256: str | None  # from the .sha256 file beside it; None when that file is missing


def backups_dir() -> Path:
    """SCORING_BACKUPS, or backups/ in the working directory (best on another disk than data/)."""
    return Path(os.environ.get("SCORING_BACKUPS") or "backups")


def exports_dir() -> Path:
    return Path(os.environ.get("SCORING_EXPORTS") or "exports")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- settings ------------------------------------------------------------------------------------------


def settings(storage: Storage) -> BackupSettings:
    row = storage.cursor().execute(SELECT_SETTINGS).fetchone()
    return BackupSettings.model_validate_json(row[0]) if row else BackupSettings()


def set_settings(storage: Storage, principal: Principal, new: BackupSettings, reason: str) -> None:
    require(principal, Permission.MANAGE_ACCOUNTS)
    reason = _reason(reason, "修改备份设置")
    before = settings(storage)
    with storage.transaction(principal.actor) as tx:
        tx.execute(UPSERT_SETTINGS, [new.model_dump_json(), tx.now, tx.actor])
        tx.audit(BackupAction.SETTINGS, ENTITY, reason, {"before": before.model_dump(), "after": new.model_dump()})


def is_due(current: BackupSettings, newest: datetime | None, now: datetime) -> bool:
    """A scheduled backup is due when the schedule is on and the newest backup is at least one interval old."""
    if current.interval_hours <= 0:
        return False
    return newest is None or now - newest >= timedelta(hours=current.interval_hours)


# --- backing up ----------------------------------------------------------------------------------------


def list_backups(directory: Path | None = None) -> list[BackupFile]:
    """Every generation in the directory, newest first (the names sort by time)."""
    directory = directory or backups_dir()
    found = []
    for path in sorted(directory.glob(f"{PREFIX}*{SUFFIX}"), reverse=True):
        sidecar = path.with_name(path.name + ".sha256")
        sha = sidecar.read_text().split()[0] if sidecar.is_file() else None
        stamp = path.name.removeprefix(PREFIX).removesuffix(SUFFIX)
        try:
            created = datetime.strptime(stamp[:15], "%Y%m%d-%H%M%S")
        except ValueError:
            continue
        found.append(BackupFile(name=path.name, path=path, size=path.stat().st_size, created_at=created, sha256=sha))
    return found


def create_backup(storage: Storage, principal: Principal, reason: str, directory: Path | None = None,
                  exports: Path | None = None) -> BackupFile:
    """A consistent copy while the app runs: under the write lock (no transaction can start) the database is
    checkpointed, so its file holds everything committed, and copied with the exports; then zipped beside a
    manifest of every member's SHA-256, the zip's own SHA-256 written next to it and audited. Older generations
    beyond `keep` are removed."""
    require(principal, Permission.MANAGE_ACCOUNTS)
    reason = _reason(reason, "备份")
    directory, exports = directory or backups_dir(), exports or exports_dir()
    directory.mkdir(parents=True, exist_ok=True)
    now = clock.now()
    # The clock keeps whole seconds: a counter tells apart two backups of one second (names sort by time).
    name = next(n for n in (f"{PREFIX}{now:%Y%m%d-%H%M%S}-{i:03d}{SUFFIX}" for i in range(1000))
                if not (directory / n).exists())
    with tempfile.TemporaryDirectory(dir=directory, prefix=".incoming-") as work:
        copied_db = Path(work) / DB_MEMBER
        with storage.bookkeeping() as cursor:
            cursor.execute("CHECKPOINT")
            shutil.copyfile(storage.path, copied_db)
            schema_version = storage.schema_version()
            copied_exports = _copy_tree(exports, Path(work) / "exports")
        members = {DB_MEMBER: file_sha256(copied_db)}
        members |= {f"{EXPORTS_MEMBER}{p.relative_to(copied_exports).as_posix()}": file_sha256(p)
                    for p in sorted(copied_exports.rglob("*")) if p.is_file()}
        manifest = {"created_at": now.isoformat(), "created_by": principal.actor, "reason": reason,
                    "schema_version": schema_version, "files": members}
        archive = Path(work) / name
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zipped:
            zipped.writestr(MANIFEST_MEMBER, json.dumps(manifest, ensure_ascii=False, indent=2))
            zipped.write(copied_db, DB_MEMBER)
            for member in members:
                if member.startswith(EXPORTS_MEMBER):
                    zipped.write(copied_exports / member.removeprefix(EXPORTS_MEMBER), member)
        sha = file_sha256(archive)
        final = directory / name
        archive.replace(final)
    final.with_name(name + ".sha256").write_text(f"{sha}  {name}\n")  # the format `sha256sum -c` reads
    removed = _prune(directory, settings(storage).keep)
    with storage.transaction(principal.actor) as tx:
        tx.audit(BackupAction.CREATE, f"{ENTITY}/{name}", reason,
                 {"sha256": sha, "size": final.stat().st_size, "files": len(members), "removed": removed})
    return next(b for b in list_backups(directory) if b.name == name)


def _copy_tree(source: Path, target: Path) -> Path:
    if source.is_dir():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns(".gitkeep"))
    else:
        target.mkdir()
    return target


def _prune(directory: Path, keep: int) -> list[str]:
    removed = []
    for old in list_backups(directory)[keep:]:
        old.path.unlink()
        old.path.with_name(old.name + ".sha256").unlink(missing_ok=True)
        removed.append(old.name)
    return removed


def scheduled_backup(storage: Storage, directory: Path | None = None, exports: Path | None = None) -> BackupFile | None:
    """What the running app's timer calls: a backup when one is due, by the system itself. A disk that cannot take
    it (full, not writable) is a BackupError, for the administrator to clear; the timer tries again."""
    directory = directory or backups_dir()
    try:
        newest = next(iter(list_backups(directory)), None)
        if not is_due(settings(storage), newest.created_at if newest else None, clock.now()):
            return None
        return create_backup(storage, Principal.command_line("system:schedule"), "定时自动备份", directory, exports)
    except OSError as exc:
        raise BackupError(f"无法写入备份目录 {directory}（{exc.strerror or exc}）") from exc


# --- checking and restoring ----------------------------------------------------------------------------


def verify(archive: Path) -> list[str]:
    """Why this archive cannot be trusted (empty when it can): the zip's SHA-256 against its .sha256 file, every
    member against the manifest."""
    problems = []
    if not archive.is_file():
        return [f"找不到备份文件 {archive}"]
    sidecar = archive.with_name(archive.name + ".sha256")
    if not sidecar.is_file():
        problems.append(f"缺少校验文件 {sidecar.name}")
    elif sidecar.read_text().split()[0] != file_sha256(archive):
        problems.append("备份文件的 SHA-256 与校验文件不符（文件已损坏或被改动）")
    try:
        with zipfile.ZipFile(archive) as zipped:
            manifest = json.loads(zipped.read(MANIFEST_MEMBER))
            for member, expected in manifest["files"].items():
                if hashlib.sha256(zipped.read(member)).hexdigest() != expected:
                    problems.append(f"{member} 的 SHA-256 与清单不符")
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as exc:
        problems.append(f"备份文件无法读取：{exc}")
    return problems


def restore(db_path: Path, archive: Path, actor: str, reason: str, exports: Path | None = None) -> Path:
    """Replace the database and the exports with the archive's, only after every hash checked; the app must be
    stopped (the database file free). The current database is kept beside it as …before-restore-<time>; returns
    that path. The restore itself is audited in the restored database."""
    reason = _reason(reason, "恢复备份")
    problems = verify(archive)
    if problems:
        raise BackupError("不能恢复：" + "；".join(problems) + "。")
    exports = exports or exports_dir()
    Storage(db_path).close()  # refuses with one clear line (DatabaseInUse) while the app holds the file
    stamp = f"{clock.now():%Y%m%d-%H%M%S}"
    kept = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
    with zipfile.ZipFile(archive) as zipped:
        manifest = json.loads(zipped.read(MANIFEST_MEMBER))
        exported = {member: exports / member.removeprefix(EXPORTS_MEMBER) for member in manifest["files"]
                    if member.startswith(EXPORTS_MEMBER)}
        outside = [m for m, target in exported.items() if not target.resolve().is_relative_to(exports.resolve())]
        if outside:
            raise BackupError(f"备份清单中的路径 {'、'.join(outside)} 不在 exports 目录之内，未恢复任何内容。")
        incoming = db_path.with_name(f".{db_path.name}.restoring")
        with zipped.open(DB_MEMBER) as source, incoming.open("wb") as target:
            shutil.copyfileobj(source, target, CHUNK)
        if db_path.exists():
            db_path.replace(kept)
        db_path.with_name(db_path.name + ".wal").unlink(missing_ok=True)
        incoming.replace(db_path)
        if exports.is_dir():
            shutil.rmtree(exports)
        exports.mkdir(parents=True, exist_ok=True)
        for member, target_path in exported.items():
            target_path.parent.mkdir(parents=True, exist_ok=True)
            target_path.write_bytes(zipped.read(member))
    with Storage(db_path) as storage, storage.transaction(actor) as tx:
        tx.audit(BackupAction.RESTORE, f"{ENTITY}/{archive.name}", reason,
                 {"sha256": file_sha256(archive), "backup_created_at": manifest["created_at"],
                  "previous_database": kept.name if kept.exists() else None})
    return kept


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise BackupError(f"{what}必须填写理由（记入审计日志）。")
    return reason
