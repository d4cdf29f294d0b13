"""备份与恢复 as AppTest: an administrator backs up with a reason and sees the generation with its SHA-256, changes
the schedule; staff do not reach the page."""
from __future__ import annotations

from scoring.common.access import Grant, Role
from scoring.storage import backup
from tests.app.conftest import page_as, table


def test_an_administrator_backs_up_and_sees_the_generation_with_its_sha256(store, tmp_path, monkeypatch):
    monkeypatch.setenv("SCORING_BACKUPS", str(tmp_path / "backups"))
    monkeypatch.setenv("SCORING_EXPORTS", str(tmp_path / "exports"))
    at = page_as(store, "backups.py", Grant(role=Role.ADMIN))
    assert any("尚无备份" in i.value for i in at.info)

    at.text_input(key="backup_reason").input("上线前备份")
    next(b for b in at.button if b.label == "立即备份").click().run()

    assert not at.exception, at.exception
    [made] = backup.list_backups(tmp_path / "backups")
    assert table(at, "SHA-256")["SHA-256"].tolist() == [made.sha256]
    assert store.audit_log(limit=1)[0].reason == "上线前备份"


def test_an_administrator_turns_on_the_daily_backup_with_a_reason(store, tmp_path, monkeypatch):
    monkeypatch.setenv("SCORING_BACKUPS", str(tmp_path / "backups"))
    at = page_as(store, "backups.py", Grant(role=Role.ADMIN))

    at.number_input(key="backup_interval").set_value(24)
    at.number_input(key="backup_keep").set_value(14)
    at.text_input(key="backup_settings_reason").input("每日自动备份")
    next(b for b in at.button if b.label == "保存备份设置").click().run()

    assert not at.exception, at.exception
    assert backup.settings(store) == backup.BackupSettings(keep=14, interval_hours=24)


def test_staff_cannot_open_the_backups_page(store, tmp_path, monkeypatch):
    monkeypatch.setenv("SCORING_BACKUPS", str(tmp_path / "backups"))
    at = page_as(store, "backups.py", Grant(role=Role.STAFF))

    assert any("没有" in e.value for e in at.error)
    assert not at.button
