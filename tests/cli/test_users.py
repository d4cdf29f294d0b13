"""The `user` command group: the first administrator, accounts with initial passwords or links, roles, resets."""
from __future__ import annotations

import io
import json

import pytest

from scoring.common import accounts, single_sign_on
from scoring.cli.main import build_parser, main
from tests.builders.cli import run_json
from tests.builders.identity_provider import ISSUER, FakeProvider
from scoring.cli.users import NO_ADMIN_EXIT
from scoring.storage import Storage

ADMIN_PASSWORD = "Provincial2023x"


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "users.duckdb")


def create_admin(db: str, monkeypatch, password: str = ADMIN_PASSWORD) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["user", "create-admin", "admin", "--display-name", "管理员", "--password-stdin", "--db", db])


def user_subcommands() -> list[str]:
    user = next(a for a in build_parser()._actions if a.dest == "command").choices["user"]
    return sorted(next(a for a in user._actions if a.dest == "user_command").choices)


@pytest.mark.parametrize("command", user_subcommands())
def test_every_user_command_has_help_in_chinese(command, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["user", command, "--help"])

    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert command in text and any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_has_admin_tells_scripts_whether_an_administrator_exists(db, monkeypatch):
    assert main(["user", "has-admin", "--db", db]) == NO_ADMIN_EXIT

    assert create_admin(db, monkeypatch) == 0

    assert main(["user", "has-admin", "--db", db]) == 0


def test_a_second_first_administrator_is_refused(db, monkeypatch, capsys):
    create_admin(db, monkeypatch)

    assert create_admin(db, monkeypatch, "Another2023pw") == 1
    assert "已有管理员" in capsys.readouterr().err


def test_a_weak_first_password_is_refused_with_the_rule(db, monkeypatch, capsys):
    assert create_admin(db, monkeypatch, "short") == 1
    assert "至少10个字符" in capsys.readouterr().err


def test_add_prints_an_initial_password_that_must_be_changed(db, capsys):
    status, issued = run_json(capsys, "user", "add", "wangli", "--display-name", "王丽", "--role", "staff", "--db", db)

    assert status == 0 and issued["kind"] == "初始密码"
    with Storage(db) as storage:
        token = accounts.login(storage, "wangli", issued["secret"])
        assert accounts.current_session(storage, token).must_change_password


def test_add_with_link_prints_the_app_address_with_the_token(db, capsys):
    status, issued = run_json(capsys, "user", "add", "dl-ip", "--display-name", "大连市局", "--role", "city",
                              "--city", "大连市", "--link", "--app-url", "https://pingshen.example.cn/", "--db", db)

    assert status == 0
    assert issued["link"] == f"https://pingshen.example.cn/?token={issued['secret']}"
    with Storage(db) as storage:
        assert accounts.login_with_link(storage, issued["secret"])


def test_a_city_role_without_a_city_is_refused_in_chinese(db, capsys):
    assert main(["user", "add", "dl", "--display-name", "大连市局", "--role", "市局", "--db", db]) == 1
    assert "市局角色必须指定所属城市" in capsys.readouterr().err


def test_grant_revoke_and_list_show_the_roles(db, capsys):
    main(["user", "add", "zhao", "--display-name", "赵强", "--role", "staff", "--db", db])

    assert main(["user", "grant", "zhao", "--role", "observer", "--batch", "2023", "--reason", "纪检监督",
                 "--db", db]) == 0
    assert main(["user", "revoke", "zhao", "--role", "staff", "--reason", "转岗", "--db", db]) == 0
    _, listed = run_json(capsys, "user", "list", "--db", db)

    assert [(u["login"], u["grants"]) for u in listed] == [("zhao", ["观察员（批次 2023）"])]
    assert "password_hash" not in listed[0]


def test_a_role_change_without_a_reason_is_refused_by_the_parser(db, capsys):
    main(["user", "add", "zhao", "--display-name", "赵强", "--role", "staff", "--db", db])

    with pytest.raises(SystemExit) as exited:
        main(["user", "grant", "zhao", "--role", "observer", "--db", db])

    assert exited.value.code == 2


def test_reset_replaces_the_password_and_unlock_clears_a_lock(db, capsys):
    _, first = run_json(capsys, "user", "add", "wangli", "--display-name", "王丽", "--role", "staff", "--db", db)
    with Storage(db) as storage:
        for _ in range(5):
            with pytest.raises(accounts.LoginRefused):
                accounts.login(storage, "wangli", "WrongGuess2023")

    assert main(["user", "unlock", "wangli", "--reason", "电话核实本人", "--db", db]) == 0
    _, second = run_json(capsys, "user", "reset", "wangli", "--db", db)

    with Storage(db) as storage:
        with pytest.raises(accounts.LoginRefused):
            accounts.login(storage, "wangli", first["secret"])
        assert accounts.login(storage, "wangli", second["secret"])


def test_deactivate_and_activate_need_a_reason_and_are_audited(db, capsys):
    main(["user", "add", "wangli", "--display-name", "王丽", "--role", "staff", "--db", db])

    assert main(["user", "deactivate", "wangli", "--reason", "调离", "--db", db]) == 0
    assert main(["user", "activate", "wangli", "--reason", "返岗", "--db", db]) == 0
    _, log = run_json(capsys, "audit", "--entity", "user/wangli", "--db", db)

    assert [e["action"] for e in log[:2]] == ["user.activate", "user.deactivate"]


def test_policy_shows_and_changes_the_limits_within_their_bounds(db, capsys):
    status, shown = run_json(capsys, "user", "policy", "--db", db)
    assert status == 0 and shown["idle_minutes"] == 30

    status, changed = run_json(capsys, "user", "policy", "--idle-minutes", "20", "--reason", "等保测评", "--db", db)
    assert status == 0 and changed["idle_minutes"] == 20

    assert main(["user", "policy", "--max-failed-attempts", "0", "--reason", "试试", "--db", db]) == 1
    assert "连续失败几次后锁定须在1至100之间" in capsys.readouterr().err


def test_no_secret_printed_by_the_command_line_reaches_the_audit_log(db, monkeypatch, capsys):
    create_admin(db, monkeypatch)
    _, password = run_json(capsys, "user", "add", "wangli", "--display-name", "王丽", "--role", "staff", "--db", db)
    _, link = run_json(capsys, "user", "add", "li", "--display-name", "李四", "--role", "expert", "--link", "--db", db)

    _, log = run_json(capsys, "audit", "--limit", "500", "--db", db)

    text = json.dumps(log, ensure_ascii=False)
    assert ADMIN_PASSWORD not in text and password["secret"] not in text and link["secret"] not in text


def test_system_setup_link_prints_an_address_only_while_there_is_no_administrator(db, monkeypatch, capsys):
    status, issued = run_json(capsys, "system", "setup-link", "--db", db, "--app-url", "https://review.example.cn")

    assert status == 0 and issued["url"].startswith("https://review.example.cn/setup?setup=")
    assert create_admin(db, monkeypatch) == 0
    assert run_json(capsys, "system", "setup-link", "--db", db)[1] == {"needed": False}


def test_link_sso_lets_the_identity_sign_in_as_the_account_and_unlink_sso_stops_it(db, capsys):
    main(["user", "add", "wangli", "--display-name", "王丽", "--role", "staff", "--db", db])
    status, linked = run_json(capsys, "user", "link-sso", "wangli", "--issuer", ISSUER, "--subject", "f3a9-wangli",
                              "--reason", "统一身份认证上线", "--actor", "cli:chief", "--db", db)

    assert status == 0 and (linked["issuer"], linked["subject"], linked["linked_by"]) == \
        (ISSUER, "f3a9-wangli", "cli:chief")
    with Storage(db) as storage:
        token = single_sign_on.login_with_identity(storage, FakeProvider().login("f3a9-wangli"))
        assert accounts.current_session(storage, token).principal.login == "wangli"
    assert main(["user", "unlink-sso", "wangli", "--reason", "人员调离", "--db", db]) == 0
    with Storage(db) as storage:
        assert accounts.current_session(storage, token) is None
        with pytest.raises(single_sign_on.SignOnRefused):
            single_sign_on.login_with_identity(storage, FakeProvider().login("f3a9-wangli"))


def test_link_sso_by_email_waits_for_the_first_login_and_sso_list_shows_it(db, capsys):
    main(["user", "add", "wangli", "--display-name", "王丽", "--role", "staff", "--db", db])
    assert main(["user", "link-sso", "wangli", "--issuer", ISSUER, "--email", "wangli@unit.example.cn",
                 "--reason", "按邮箱关联", "--db", db]) == 0

    status, listed = run_json(capsys, "user", "sso-list", "--db", db)

    assert status == 0 and [(i["login"], i["email"], i["subject"]) for i in listed["linked"]] == \
        [("wangli", "wangli@unit.example.cn", None)]


def test_link_sso_needs_a_subject_or_an_email_and_an_existing_account(db, capsys):
    main(["user", "add", "wangli", "--display-name", "王丽", "--role", "staff", "--db", db])

    with pytest.raises(SystemExit) as exited:
        main(["user", "link-sso", "wangli", "--issuer", "https://sso.example.cn", "--reason", "关联", "--db", db])

    assert exited.value.code == 2
    assert main(["user", "link-sso", "nobody", "--issuer", "https://sso.example.cn", "--subject", "s",
                 "--reason", "关联", "--db", db]) == 1
    assert "没有登录名为“nobody”的账号" in capsys.readouterr().err
