"""Backups: back up, change, restore, equal; N generations kept; every hash checked before a restore; the schedule;
only an administrator backs up; a backup taken while another thread writes is consistent."""
from __future__ import annotations

import threading
import zipfile
from datetime import datetime, timedelta

import pytest

from scoring.common import accounts, clock
from scoring.common.access import AccessDenied, Grant, Principal, Role
from scoring.storage import Storage
from scoring.storage import backup
from scoring.storage.backup import BackupError, BackupSettings
from scoring.storage.store import DatabaseInUse
from tests.builders.processes import held_by_another_process

ADMIN = Principal.command_line("cli:test")
TABLES_WITHOUT_THE_LOG = ("users", "role_grants", "sessions", "batches", "backup_settings")


@pytest.fixture
def paths(tmp_path):
    exports = tmp_path / "exports"
    (exports / "2023" / "2023-01").mkdir(parents=True)
    (exports / "2023" / "2023-01" / "分配表.xlsx").write_bytes(b"first list")
    return tmp_path / "review.duckdb", exports, tmp_path / "backups"


def snapshot(db) -> dict:
    with Storage(db) as storage:
        cursor = storage.cursor()
        return {table: list(map(repr, cursor.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()))  # noqa: S608
                for table in (*TABLES_WITHOUT_THE_LOG, "audit_log")}


def test_back_up_change_restore_gives_back_the_same_database_and_exports(paths):
    db, exports, directory = paths
    with Storage(db) as storage:
        accounts.create_first_admin(storage, "admin", "管理员", "Provincial2023x")
    before = snapshot(db)  # what the backup copies: its own entry is written after the copy, in the live log
    with Storage(db) as storage:
        taken = backup.create_backup(storage, ADMIN, "每周备份", directory, exports)
    export_file = exports / "2023" / "2023-01" / "分配表.xlsx"

    with Storage(db) as storage:
        accounts.create_user(storage, ADMIN, "wangli", "王丽", [Grant(role=Role.STAFF)])
    export_file.write_bytes(b"changed list")
    (exports / "new.pdf").write_bytes(b"new")
    backup.restore(db, taken.path, "cli:test", "演练恢复", exports)

    after = snapshot(db)
    assert {t: after[t] for t in TABLES_WITHOUT_THE_LOG} == {t: before[t] for t in TABLES_WITHOUT_THE_LOG}
    assert after["audit_log"][:len(before["audit_log"])] == before["audit_log"]
    assert len(after["audit_log"]) == len(before["audit_log"]) + 1  # and the restore itself
    assert export_file.read_bytes() == b"first list" and not (exports / "new.pdf").exists()
    with Storage(db) as storage:
        assert storage.audit_log(limit=1)[0].action == backup.BackupAction.RESTORE
    assert list(db.parent.glob("review.duckdb.before-restore-*"))  # the replaced database is kept


def test_a_backup_is_a_zip_with_its_sha256_beside_it_and_a_manifest_of_every_file(paths):
    db, exports, directory = paths
    with Storage(db) as storage:
        taken = backup.create_backup(storage, ADMIN, "手动备份", directory, exports)
        logged = storage.audit_log(limit=1)[0]

    assert taken.sha256 == backup.file_sha256(taken.path) and len(taken.sha256) == 64
    assert (directory / f"{taken.name}.sha256").read_text() == f"{taken.sha256}  {taken.name}\n"
    with zipfile.ZipFile(taken.path) as zipped:
        assert set(zipped.namelist()) == {"manifest.json", "review.duckdb", "exports/2023/2023-01/分配表.xlsx"}
    assert logged.action == backup.BackupAction.CREATE and logged.detail["sha256"] == taken.sha256
    assert logged.reason == "手动备份" and logged.actor == "cli:test"
    assert backup.verify(taken.path) == []


def test_only_the_newest_generations_are_kept(paths, monkeypatch):
    db, exports, directory = paths
    moments = iter(datetime(2026, 12, 1, 2, 0) + timedelta(days=d) for d in range(10))
    with Storage(db) as storage:
        backup.set_settings(storage, ADMIN, BackupSettings(keep=3), "保留三份")
        for _ in range(5):
            monkeypatch.setattr(clock, "now", lambda at=next(moments): at)
            backup.create_backup(storage, ADMIN, "每日备份", directory, exports)

    kept = backup.list_backups(directory)
    assert [b.created_at.day for b in kept] == [5, 4, 3]
    assert len(list(directory.glob("*.sha256"))) == 3


def test_a_damaged_backup_is_refused_before_anything_is_replaced(paths):
    db, exports, directory = paths
    with Storage(db) as storage:
        taken = backup.create_backup(storage, ADMIN, "手动备份", directory, exports)
    data = bytearray(taken.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    taken.path.write_bytes(bytes(data))
    before = snapshot(db)

    with pytest.raises(BackupError, match="SHA-256"):
        backup.restore(db, taken.path, "cli:test", "演练恢复", exports)

    assert snapshot(db) == before


def test_a_restore_while_the_app_holds_the_database_is_refused(paths):
    db, exports, directory = paths
    with Storage(db) as storage:
        taken = backup.create_backup(storage, ADMIN, "手动备份", directory, exports)

    with held_by_another_process(db), pytest.raises(DatabaseInUse):
        backup.restore(db, taken.path, "cli:test", "演练恢复", exports)


def test_only_an_administrator_backs_up_and_every_backup_and_setting_needs_a_reason(paths):
    db, exports, directory = paths
    staff = Principal(login="wangli", display_name="王丽", grants=(Grant(role=Role.STAFF),))
    with Storage(db) as storage:
        with pytest.raises(AccessDenied):
            backup.create_backup(storage, staff, "我想备份", directory, exports)
        with pytest.raises(AccessDenied):
            backup.set_settings(storage, staff, BackupSettings(keep=2), "少留几份")
        with pytest.raises(BackupError, match="理由"):
            backup.create_backup(storage, ADMIN, "", directory, exports)
    assert not backup.list_backups(directory)


def test_a_scheduled_backup_is_due_after_one_interval_and_never_when_off():
    now = datetime(2026, 12, 5, 3, 0)
    daily = BackupSettings(interval_hours=24)

    assert not backup.is_due(BackupSettings(), None, now)
    assert backup.is_due(daily, None, now)
    assert not backup.is_due(daily, now - timedelta(hours=23), now)
    assert backup.is_due(daily, now - timedelta(hours=24), now)


def test_the_schedule_backs_up_as_the_system_when_due(paths):
    db, exports, directory = paths
    with Storage(db) as storage:
        backup.set_settings(storage, ADMIN, BackupSettings(interval_hours=24), "每日自动备份")
        first = backup.scheduled_backup(storage, directory, exports)
        second = backup.scheduled_backup(storage, directory, exports)
        logged = storage.audit_log(limit=1)[0]

    assert first is not None and second is None
    assert logged.actor == "system:schedule" and logged.reason == "定时自动备份"


def test_a_scheduled_backup_the_disk_cannot_take_is_a_backup_error_for_the_timer_to_print(paths):
    db, exports, directory = paths
    directory.write_text("a file where the folder should be")
    with Storage(db) as storage:
        backup.set_settings(storage, ADMIN, BackupSettings(interval_hours=24), "每日自动备份")

        with pytest.raises(BackupError, match="无法写入备份目录"):
            backup.scheduled_backup(storage, directory, exports)


def test_a_backup_taken_while_another_thread_writes_opens_and_holds_whole_transactions(paths):
    db, exports, directory = paths
    stop = threading.Event()
    with Storage(db) as storage:
        def keep_writing():
            while not stop.is_set():
                with storage.transaction("writer") as tx:
                    tx.audit("test.write", "test/one")
                    tx.audit("test.write", "test/two")  # a pair: a copy holding one without the other is torn
        writer = threading.Thread(target=keep_writing)
        writer.start()
        try:
            taken = [backup.create_backup(storage, ADMIN, "写入中备份", directory, exports) for _ in range(3)]
        finally:
            stop.set()
            writer.join()

    assert len({generation.name for generation in taken}) == 3
    for generation in taken:
        restored = generation.path.parent / f"check-{generation.name}.duckdb"
        with zipfile.ZipFile(generation.path) as zipped:
            restored.write_bytes(zipped.read("review.duckdb"))
        with Storage(restored, read_only=True) as copy:
            counts = dict(copy.cursor().execute(
                "SELECT entity, count(*) FROM audit_log WHERE action = 'test.write' GROUP BY entity").fetchall())
        assert counts.get("test/one") == counts.get("test/two")
