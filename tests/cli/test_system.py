"""The `system` command group: a backup with its hash, the list with every hash checked, a restore that only
checks without --yes, the settings with a reason."""
from __future__ import annotations

from tests.builders.cli import run_json


def test_backup_list_and_restore_from_the_command_line(tmp_path, capsys):
    db, where = str(tmp_path / "review.duckdb"), ["--dir", str(tmp_path / "b"), "--exports", str(tmp_path / "e")]

    status, made = run_json(capsys, "system", "backup", "--db", db, *where, "--reason", "上线前备份")
    assert status == 0 and len(made["sha256"]) == 64

    status, listed = run_json(capsys, "system", "backups", "--db", db, *where)
    assert [(b["name"], b["problems"]) for b in listed] == [(made["name"], [])]

    status, checked = run_json(capsys, "system", "restore", made["path"], "--db", db, *where, "--reason", "演练")
    assert status == 0 and checked["restored"] is False
    status, restored = run_json(capsys, "system", "restore", made["path"], "--db", db, *where, "--reason", "演练", "--yes")
    assert status == 0 and restored["restored"] is True


def test_backup_settings_change_only_with_a_reason(tmp_path, capsys):
    db = str(tmp_path / "review.duckdb")

    assert run_json(capsys, "system", "backup-settings", "--db", db, "--keep", "3")[0] == 1
    status, saved = run_json(capsys, "system", "backup-settings", "--db", db, "--keep", "3", "--every-hours", "24",
                             "--reason", "每日自动备份")
    assert status == 0 and saved == {"keep": 3, "interval_hours": 24}
