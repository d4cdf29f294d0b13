"""The `notices` and `mail` command groups and `user set-email`."""
from __future__ import annotations

import pytest

from scoring.cli.main import main
from scoring.common.models import ActionKind
from scoring.notifications import outbox
from scoring.notifications.notices import NoticeKind
from tests.builders.cli import run_json
from tests.builders.notifications import people_storage, smtp_server


@pytest.fixture
def db(tmp_path) -> str:
    people_storage(tmp_path).close()
    return str(tmp_path / "review.duckdb")


def _notify(db, login="zhang"):
    from scoring.storage import Storage
    with Storage(db) as storage, storage.transaction("staff") as tx:
        outbox.notify(tx, login, NoticeKind.ASSIGNED, {"round": "2026-01 遴选", "count": "2"})
        tx.audit(ActionKind.NOTICE_QUEUE, "test/change", "the caller's own change of state")


@pytest.mark.parametrize("argv", [["notices", "list"], ["notices", "deliver"], ["notices", "remind"], ["mail", "show"],
                                  ["mail", "set"], ["mail", "test"], ["user", "set-email"]])
def test_every_notification_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])

    assert exited.value.code == 0 and capsys.readouterr().out.strip()


def test_set_email_then_a_notice_goes_by_mail_set_on_the_command_line(db, capsys):
    with smtp_server() as server:
        assert run_json(capsys, "user", "set-email", "zhang", "zhang@example.cn", "--db", db)[1]["email"] == \
            "zhang@example.cn"
        status, saved = run_json(capsys, "mail", "set", "--enabled", "yes", "--host", "127.0.0.1", "--port",
                                 str(server.port), "--security", "不加密", "--sender-address", "review@example.cn",
                                 "--reason", "启用邮件", "--db", db)
        _notify(db)

        delivered = run_json(capsys, "notices", "deliver", "--db", db)[1]

    assert status == 0 and saved["enabled"] is True and saved["port"] == server.port
    assert len(delivered["sent"]) == 1 and server.messages[0]["To"].addresses[0].addr_spec == "zhang@example.cn"


def test_notices_list_shows_ones_own_or_all(db, capsys):
    _notify(db, "zhang")
    _notify(db, "li")

    own = run_json(capsys, "notices", "list", "--actor", "zhang", "--db", db)[1]
    everyone = run_json(capsys, "notices", "list", "--all", "--db", db)[1]

    assert [n["recipient"] for n in own] == ["zhang"]
    assert sorted(n["recipient"] for n in everyone) == ["li", "zhang"]


def test_mail_test_with_mail_off_fails_in_chinese(db, capsys):
    status = main(["mail", "test", "--to", "a@example.cn", "--db", db])

    assert status == 1 and "尚未开启" in capsys.readouterr().err


def test_wrong_mail_settings_are_refused(db, capsys):
    status = main(["mail", "set", "--enabled", "yes", "--reason", "启用邮件", "--db", db])

    assert status == 1 and "SMTP 服务器" in capsys.readouterr().err


def test_remind_with_no_round_writes_nothing(db, capsys):
    status, report = run_json(capsys, "notices", "remind", "--db", db)

    assert status == 0 and report["written"] == []
