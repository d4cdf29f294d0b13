import pytest

from scoring.common.access import AccessDenied
from scoring.common.models import ActionKind
from scoring.notifications import addresses
from scoring.notifications.mailer import (PASSWORD_VARIABLE, MailError, mail_settings, send_test, settings_from,
                                          set_mail_settings, smtp_password)
from tests.builders.notifications import LI, ROOT, ZHANG, local_settings, people_storage, smtp_server, use_mail_server


def test_a_person_sets_and_clears_their_own_address(tmp_path):
    storage = people_storage(tmp_path)

    used = addresses.set_address(storage, ZHANG, "zhang", " zhang@example.cn ")
    cleared = addresses.set_address(storage, ZHANG, "zhang", "")

    assert used == "zhang@example.cn" and cleared is None
    assert addresses.address_of(storage, ZHANG).email is None
    assert [e.action for e in storage.audit_log("user/zhang")].count(str(ActionKind.NOTICE_ADDRESS)) == 2


def test_nobody_sets_or_reads_another_persons_address_but_an_administrator(tmp_path):
    storage = people_storage(tmp_path)

    with pytest.raises(AccessDenied):
        addresses.set_address(storage, LI, "zhang", "li@example.cn")
    with pytest.raises(AccessDenied):
        addresses.address_of(storage, LI, "zhang")
    addresses.set_address(storage, ROOT, "zhang", "zhang@example.cn", "本人电话告知")

    assert addresses.address_of(storage, ROOT, "zhang").used == "zhang@example.cn"
    assert {e.login for e in addresses.address_book(storage, ROOT)} >= {"zhang", "li"}
    with pytest.raises(AccessDenied):
        addresses.address_book(storage, ZHANG)


def test_an_invalid_address_is_refused(tmp_path):
    storage = people_storage(tmp_path)

    with pytest.raises(MailError, match="不是有效的电子邮箱地址"):
        addresses.set_address(storage, ZHANG, "zhang", "zhang@example")


def test_mail_settings_are_saved_for_administrators_with_a_reason(tmp_path):
    storage = people_storage(tmp_path)
    settings = local_settings(2525, user="review")

    with pytest.raises(AccessDenied):
        set_mail_settings(storage, ZHANG, settings, "测试")
    with pytest.raises(MailError, match="理由"):
        set_mail_settings(storage, ROOT, settings, "")
    set_mail_settings(storage, ROOT, settings, "启用邮件")

    assert mail_settings(storage) == settings


def test_the_password_is_never_stored(tmp_path, monkeypatch):
    monkeypatch.setenv(PASSWORD_VARIABLE, "s3cret-pass")
    storage = people_storage(tmp_path)

    set_mail_settings(storage, ROOT, local_settings(2525, user="review"), "启用邮件")
    storage.close()

    assert b"s3cret-pass" not in (tmp_path / "review.duckdb").read_bytes()
    assert "password" not in local_settings(2525).model_dump()


def test_the_password_comes_from_the_environment_before_the_secrets_file(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[smtp]\npassword = "from-file"\n', encoding="utf-8")
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)

    assert smtp_password(secrets) == "from-file"
    assert smtp_password(tmp_path / "missing.toml") is None
    monkeypatch.setenv(PASSWORD_VARIABLE, "from-env")
    assert smtp_password(secrets) == "from-env"


def test_an_unreadable_secrets_file_is_a_mail_error(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("[smtp\n", encoding="utf-8")
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)

    with pytest.raises(MailError, match="无法读取"):
        smtp_password(secrets)


@pytest.mark.parametrize("data,said", [
    ({"enabled": True, "host": "", "sender_address": "a@b.cn"}, "SMTP 服务器"),
    ({"enabled": True, "host": "smtp.b.cn", "sender_address": ""}, "发件人地址"),
    ({"port": 0}, "端口"),
    ({"reminder_days": [61]}, "0 至 60"),
])
def test_wrong_settings_are_explained_in_chinese(data, said):
    with pytest.raises(MailError, match=said):
        settings_from(data)


def test_a_test_mail_reaches_the_server_and_is_audited(tmp_path):
    storage = people_storage(tmp_path)
    with smtp_server() as server:
        use_mail_server(storage, server.port)

        send_test(storage, ROOT, "admin@example.cn")

    [message] = server.messages
    assert message["Subject"] == "【测试邮件】评审系统邮件设置"
    assert "可以正常发信" in message.get_content()
    assert any(e.action == str(ActionKind.MAIL_TEST) and e.detail["sent"] for e in storage.audit_log("system/mail"))


def test_a_test_mail_with_mail_off_says_to_set_it_up(tmp_path):
    storage = people_storage(tmp_path)

    with pytest.raises(MailError, match="尚未开启"):
        send_test(storage, ROOT, "admin@example.cn")
