"""Reading applications with the reader's rights checked: the batch's list, one application, its checks and files."""
from __future__ import annotations

from scoring.common.access import AccessDenied, Permission, Principal, may_see_application, require, sees_every_application
from scoring.common.models import Application, CheckReport
from scoring.storage import Storage, StorageError


def visible_applications(storage: Storage, principal: Principal, batch_id: str) -> list[Application]:
    """The batch's applications this person may see: all for staff and observers, one city for a city bureau."""
    require(principal, Permission.VIEW_APPLICATIONS, batch_id)
    return [app for app in storage.list_applications(batch_id)
            if may_see_application(principal, batch_id, app.recommendation.city)]


def get_application(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> Application:
    """One application, or AccessDenied when it is not this person's to see.

    Whoever does not see the whole batch gets the same refusal for another city's unit and for a unit that
    did not apply, so the answer does not reveal who applied elsewhere.
    """
    require(principal, Permission.VIEW_APPLICATIONS, batch_id)
    app = storage.get_application(batch_id, credit_code)
    if app is not None and may_see_application(principal, batch_id, app.recommendation.city):
        return app
    if sees_every_application(principal, batch_id):
        raise StorageError(f"批次 {batch_id} 中没有统一社会信用代码为 {credit_code} 的申报书。")
    raise AccessDenied(f"{principal.display_name}无权查看统一社会信用代码为 {credit_code} 的申报书。")


def check_report(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> CheckReport | None:
    get_application(storage, principal, batch_id, credit_code)
    return storage.check_report(batch_id, credit_code)


def attachment_content(storage: Storage, principal: Principal, batch_id: str, credit_code: str,
                       sha256: str) -> bytes | None:
    """The file of one of the application's own attachments (never any other file by its hash)."""
    app = get_application(storage, principal, batch_id, credit_code)
    if not any(a.sha256 == sha256 for a in app.attachments):
        raise AccessDenied("该文件不是这份申报书的附件。")
    return storage.attachment_content(sha256)


def application_history(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> list[dict]:
    """Earlier versions of the application (who saved them, when); part of the audit trail."""
    require(principal, Permission.VIEW_AUDIT, batch_id)
    get_application(storage, principal, batch_id, credit_code)
    return storage.application_history(batch_id, credit_code)


def application_version(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> int | None:
    get_application(storage, principal, batch_id, credit_code)
    return storage.application_version(batch_id, credit_code)
