"""What every page shares: the one storage of the process, the signed-in person, the pages their roles open,
the chosen batch, and how a refusal is shown."""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

import pandas as pd
import streamlit as st

from app_pages.widgets import sign_on
from scoring.common import accounts, browser_sessions, clock
from scoring.intake import batches, overview
from scoring.publicity import notices
from scoring.common.access import Permission, Principal
from scoring.common.accounts import ActiveSession
from scoring.common.errors import ReviewError
from scoring.common.models import DEFAULT_DB_PATH, Batch
from scoring.publicity.notices import PublishedNotice
from scoring.rounds.review_rounds import ReviewRound
from scoring.storage import Storage

BATCH_KEY = "batch_id"
SESSION_KEY = "session_token"
BROWSER_HANDOFF_KEY = "browser_handoff"
FORGET_BROWSER_KEY = "forget_browser"
FLASH_KEY = "flash_message"
SELECTED_APPLICATION_KEY = "selected_credit_code"
SELECTED_TASK_KEY = "selected_score_task"  # "round_id|credit_code": the sheet 我的评审 opens on the 评分 page


class PageSpec(NamedTuple):
    """A page of the navigation and the permission that opens it (any one of several; None: every signed-in
    person)."""

    path: str
    title: str
    icon: str
    permission: Permission | tuple[Permission, ...] | None
    section: str


# Add a page here and it appears for exactly the roles carrying its permission; the page itself calls
# require_page with the same permission, so opening it by URL checks again.
PAGES: list[PageSpec] = [
    PageSpec("app_pages/intake/overview.py", "审查概览", ":material/insights:", Permission.VIEW_APPLICATIONS, "申报与形式审查"),
    PageSpec("app_pages/intake/applications.py", "申报列表", ":material/list_alt:", Permission.VIEW_APPLICATIONS, "申报与形式审查"),
    PageSpec("app_pages/intake/application_detail.py", "申报详情", ":material/description:", Permission.VIEW_APPLICATIONS,
             "申报与形式审查"),
    PageSpec("app_pages/intake/import_page.py", "导入申报书", ":material/upload_file:", Permission.IMPORT_APPLICATIONS,
             "申报与形式审查"),
    PageSpec("app_pages/applying/call.py", "开放申报", ":material/event_available:", Permission.MANAGE_BATCHES, "申报"),
    PageSpec("app_pages/applying/unit_form.py", "填报申报书", ":material/edit_document:", Permission.APPLY, "申报"),
    PageSpec("app_pages/applying/city_review.py", "市局初审", ":material/fact_check:", Permission.RECOMMEND, "申报"),
    PageSpec("app_pages/applying/progress_page.py", "申报进度", ":material/timeline:", Permission.IMPORT_APPLICATIONS, "申报"),
    PageSpec("app_pages/review/experts.py", "专家库", ":material/groups:", Permission.VIEW_EXPERTS, "专家与评审"),
    PageSpec("app_pages/review/conflicts.py", "回避关系", ":material/block:", Permission.VIEW_EXPERTS, "专家与评审"),
    PageSpec("app_pages/review/rounds.py", "评审轮次", ":material/event_note:", Permission.VIEW_ASSIGNMENTS, "专家与评审"),
    PageSpec("app_pages/review/assignment.py", "评审分配", ":material/assignment_ind:", Permission.VIEW_ASSIGNMENTS,
             "专家与评审"),
    PageSpec("app_pages/review/review_progress.py", "评审进度", ":material/monitoring:", Permission.VIEW_ASSIGNMENTS,
             "专家与评审"),
    PageSpec("app_pages/review/rubrics_page.py", "评分标准", ":material/rule:", Permission.VIEW_ASSIGNMENTS, "专家与评审"),
    PageSpec("app_pages/results/ranking.py", "评审排名", ":material/leaderboard:", Permission.VIEW_ASSIGNMENTS, "评审结果"),
    PageSpec("app_pages/results/ranking_flags.py", "评审质量提示", ":material/flag:", Permission.VIEW_ASSIGNMENTS, "评审结果"),
    PageSpec("app_pages/results/explain.py", "排名说明", ":material/manage_search:", Permission.VIEW_ASSIGNMENTS, "评审结果"),
    PageSpec("app_pages/results/meeting.py", "会议决定", ":material/gavel:", Permission.VIEW_ASSIGNMENTS, "评审结果"),
    PageSpec("app_pages/results/shortlist_page.py", "拟入选名单", ":material/checklist:", Permission.VIEW_ASSIGNMENTS,
             "评审结果"),
    # Published notices are public: a city bureau reads them too, and the page shows it nothing else.
    PageSpec("app_pages/publicity/publicity_page.py", "公示", ":material/campaign:", Permission.VIEW_APPLICATIONS, "公示与确认"),
    PageSpec("app_pages/publicity/objections_page.py", "异议处理", ":material/report:", Permission.VIEW_ASSIGNMENTS, "公示与确认"),
    PageSpec("app_pages/publicity/confirmation_page.py", "确认通知", ":material/mark_email_read:", Permission.VIEW_ASSIGNMENTS,
             "公示与确认"),
    # An expert holds no permission of the pages above, so 我的评审 is the first page and where they land.
    PageSpec("app_pages/pilots/registry_page.py", "试点名录", ":material/apartment:", Permission.VIEW_PILOTS, "试点建设"),
    PageSpec("app_pages/pilots/pilot_page.py", "试点详情", ":material/query_stats:",
             (Permission.VIEW_PILOTS, Permission.REPORT), "试点建设"),
    PageSpec("app_pages/pilots/annual_report.py", "年度工作总结", ":material/summarize:", Permission.REPORT, "试点建设"),
    PageSpec("app_pages/pilots/report_review.py", "年度工作总结审核", ":material/task:", Permission.VIEW_PILOTS, "试点建设"),
    PageSpec("app_pages/pilots/outcomes_page.py", "验收与评估结果", ":material/verified:", Permission.VIEW_PILOTS,
             "试点建设"),
    PageSpec("app_pages/pilots/awards_page.py", "追加奖励", ":material/workspace_premium:", Permission.VIEW_PILOTS,
             "试点建设"),
    PageSpec("app_pages/expert/my_reviews.py", "我的评审", ":material/rate_review:", Permission.SCORE, "评审"),
    PageSpec("app_pages/expert/score.py", "评分", ":material/edit_note:", Permission.SCORE, "评审"),
    PageSpec("app_pages/system/users.py", "用户与角色", ":material/manage_accounts:", Permission.MANAGE_ACCOUNTS, "系统"),
    PageSpec("app_pages/system/backups.py", "备份与恢复", ":material/backup:", Permission.MANAGE_ACCOUNTS, "系统"),
    PageSpec("app_pages/system/mail_settings.py", "邮件设置", ":material/mail:", Permission.MANAGE_ACCOUNTS, "系统"),
    PageSpec("app_pages/system/messages.py", "消息", ":material/notifications:", None, "系统"),
    PageSpec("app_pages/system/account.py", "账号", ":material/account_circle:", None, "系统"),
]
LOGIN_PAGE = PageSpec("app_pages/system/login.py", "登录", ":material/login:", None, "")
SETUP_PAGE = PageSpec("app_pages/system/setup.py", "首次设置", ":material/key:", None, "")
ACCOUNT_PAGE = next(p for p in PAGES if p.path == "app_pages/system/account.py")


@st.cache_resource(show_spinner="正在打开数据库……")
def _open_storage(path: str) -> Storage:
    """One DuckDB connection per process and file (DuckDB allows one read-write process per file)."""
    store = Storage(path)
    if store.latest_batch() is None:
        # The server process itself at its first start, like the command line on the server: no person's request.
        batches.ensure_database(store, Principal.command_line("system"),
                                with_sample=os.environ.get("SCORING_NO_SAMPLE") != "1")
    return store


def db_path() -> str:
    return os.environ.get("SCORING_DB", DEFAULT_DB_PATH)


def storage() -> Storage:
    """The database named by SCORING_DB (default data/review.duckdb); the sample batch loads on first start."""
    return _open_storage(db_path())


@contextmanager
def shown_errors(stop: bool = False) -> Iterator[None]:
    """Show a refusal (ReviewError) raised in the block as an error banner, then go on after the block, or stop the
    page with `stop`. Any other exception is a bug: it propagates as one and is never shown as a banner."""
    try:
        yield
    except ReviewError as exc:
        st.error(str(exc))
        if stop:
            st.stop()


# --- the signed-in person ----------------------------------------------------------------------------


def current_session() -> ActiveSession | None:
    """This tab's login, validated (and its idle clock restarted) on every run; a new tab or a reload of a browser
    that is signed in takes up the browser's session (its HttpOnly cookie, see browser_sessions)."""
    token = st.session_state.get(SESSION_KEY)
    if token:
        return accounts.current_session(storage(), token)
    kept = st.context.cookies.get(browser_sessions.COOKIE_NAME)
    # Only a real browser's request carries cookies (AppTest's context holds stand-ins, not strings).
    session = accounts.current_session(storage(), kept) if isinstance(kept, str) and kept else None
    if session:
        st.session_state[SESSION_KEY] = kept
    return session


def sign_in(token: str) -> None:
    """Start from an empty session state: nothing a previous person chose or uploaded survives a login. The
    browser is then handed its own session (keep_browser_in_step, on the next run)."""
    st.session_state.clear()
    st.session_state[SESSION_KEY] = token
    remember_browser(token)


def remember_browser(token: str) -> None:
    """After a login or a password change (which ends the browser's other sessions): a one-time handoff that the
    next run posts to the server, which answers with this browser's session cookie."""
    st.session_state[BROWSER_HANDOFF_KEY] = browser_sessions.new_handoff(storage(), token)


def sign_out() -> None:
    accounts.logout(storage(), st.session_state.get(SESSION_KEY))
    st.session_state.clear()
    st.session_state[FORGET_BROWSER_KEY] = True
    flash("已退出登录（所有标签页与设备上的登录均已结束）。")
    sign_on.leave_provider()


def expire() -> None:
    """The session ended elsewhere (idle, too old, logged out, deactivated): forget everything of it."""
    st.session_state.clear()
    st.session_state[FORGET_BROWSER_KEY] = True
    flash("登录已失效（长时间未操作、已在别处退出或账号有变动），请重新登录。")


_BROWSER_SCRIPT = """<script>
fetch({path}, {{method: {method}, credentials: "same-origin", headers: {{"Content-Type": "text/plain"}}, body: {body}}});
</script>"""


def keep_browser_in_step() -> None:
    """Once after a login: post the handoff, so that the server sets the session cookie (HttpOnly: no page script,
    this one included, can read it back); once after a logout: have the server delete the cookie."""
    handoff = st.session_state.pop(BROWSER_HANDOFF_KEY, None)
    forget = st.session_state.pop(FORGET_BROWSER_KEY, None)
    if not handoff and not forget:
        return
    script = _BROWSER_SCRIPT.format(path=json.dumps(browser_sessions_path()),
                                    method=json.dumps("POST" if handoff else "DELETE"),
                                    body=json.dumps(handoff) if handoff else "null")
    st.html(script, unsafe_allow_javascript=True)


def browser_sessions_path() -> str:
    """The server's route for the session cookie (serve.py), under the configured base path."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/api/session" if base else "/api/session"


def flash(message: str) -> None:
    st.session_state[FLASH_KEY] = message


def show_flash() -> None:
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.toast(message)


def require_session() -> ActiveSession:
    session = current_session()
    if session is None:
        st.error("请先登录。")
        st.stop()
    return session


def holds(principal: Principal, permission: Permission | tuple[Permission, ...] | None, batch_id: str | None) -> bool:
    """Whether the principal holds the permission (any one of a tuple) for the batch; None: everyone signed in."""
    if permission is None:
        return True
    wanted = permission if isinstance(permission, tuple) else (permission,)
    return any(principal.can(p, batch_id) for p in wanted)


def require_page(permission: Permission | tuple[Permission, ...]) -> Principal:
    """The signed-in principal if they hold `permission` (any one of a tuple) for the chosen batch; else an error,
    and the page stops."""
    session = require_session()
    if session.must_change_password:
        st.error("请先在“账号”页面修改初始密码。")
        st.stop()
    principal = session.principal
    if not holds(principal, permission, st.session_state.get(BATCH_KEY)):
        named = "”或“".join(permission) if isinstance(permission, tuple) else permission
        st.error(f"您没有“{named}”的权限，不能打开此页面。")
        st.stop()
    return principal


def pages_for(principal: Principal, batch_id: str | None) -> list[PageSpec]:
    return [p for p in PAGES if holds(principal, p.permission, batch_id)]


CITY_REVIEW_PAGE = "app_pages/applying/city_review.py"


def landing_page(principal: Principal, batch_id: str | None, specs: list[PageSpec]) -> PageSpec:
    """Where a person lands after signing in: a city bureau on its 初审 list (its work), everyone else on the first
    page they may open."""
    if not principal.can(Permission.IMPORT_APPLICATIONS, batch_id):
        city = next((p for p in specs if p.path == CITY_REVIEW_PAGE), None)
        if city is not None:
            return city
    return specs[0]


# --- batch and sidebar -------------------------------------------------------------------------------


def visible_batches(store: Storage, principal: Principal) -> list[Batch]:
    """Every batch for a role granted across batches; otherwise only the batches named in the grants."""
    if any(g.batch_id is None for g in principal.grants):
        return store.list_batches()
    granted = {g.batch_id for g in principal.grants}
    return [b for b in store.list_batches() if b.batch_id in granted]


def sidebar(store: Storage, session: ActiveSession) -> Batch | None:
    """The batch selector and the signed-in person with a logout button; returns the batch the pages work on."""
    principal = session.principal
    shown = visible_batches(store, principal)
    ids = [b.batch_id for b in shown]
    if ids and st.session_state.get(BATCH_KEY) not in ids:
        st.session_state[BATCH_KEY] = ids[0]
    with st.sidebar:
        if ids and not session.must_change_password:
            titles = {b.batch_id: b.title for b in shown}
            st.selectbox("批次", ids, key=BATCH_KEY, format_func=titles.get)
        with st.container(border=True):
            st.markdown(f"**{principal.display_name}**（{principal.login}）")
            roles = "、".join(str(r) for r in sorted(principal.roles_in(st.session_state.get(BATCH_KEY)))) or "（无角色）"
            st.caption(f"角色：{roles}" if not session.must_change_password else "须先修改初始密码")
            st.button("退出登录", key="logout", icon=":material/logout:", on_click=sign_out)
    return next((b for b in shown if b.batch_id == st.session_state.get(BATCH_KEY)), None)


def current_batch() -> Batch:
    return storage().get_batch(st.session_state[BATCH_KEY])


NO_ROUNDS = "本批次尚无评审轮次，请先在“评审轮次”页面新建。"


def choose_round(listed: list[ReviewRound], key: str, empty: str = NO_ROUNDS) -> ReviewRound:
    """The round a page works on, chosen among `listed`; the page stops with `empty` when there is none."""
    if not listed:
        st.info(empty)
        st.stop()
    by_id = {r.round_id: r for r in listed}
    return by_id[st.selectbox("评审轮次", list(by_id), format_func=lambda i: by_id[i].label, key=key)]


def notice_in_force(store: Storage, principal: Principal, round_id: str, missing: str,
                    note: str = "") -> PublishedNotice:
    """The round's notice in force, its version, status and period said under the title; the page stops with
    `missing` when there is none."""
    notice = notices.current_notice(store, principal, round_id)
    if notice is None:
        st.info(missing, icon=":material/campaign:")
        st.stop()
    st.caption(f"第 {notice.version} 版公示（{notice.status(clock.today())}），公示期 {notice.start:%Y-%m-%d} 至 "
               f"{notice.end:%Y-%m-%d}。{note}")
    return notice


def select_task(session_state, round_id: str, credit_code: str) -> None:
    """The sheet the 评分 page opens next (what 我的评审 leaves in the session when a row is opened)."""
    session_state[SELECTED_TASK_KEY] = f"{round_id}|{credit_code}"


@st.cache_data(max_entries=32, show_spinner=False)
def _application_table(db_path: str, batch_id: str, data_version: int, principal_json: str):
    store = _open_storage(db_path)
    principal = Principal.model_validate_json(principal_json)
    return overview.application_table(store, principal, store.get_batch(batch_id))


def application_table(principal: Principal, batch: Batch):
    """The batch's overview table as this person may see it, recomputed only when the audit log says
    something changed. The principal is part of the key: one person's rows never reach another."""
    return _application_table(db_path(), batch.batch_id, storage().data_version(), principal.model_dump_json())


def show_import_problems(report) -> None:
    """The rejection or success banner is the page's; this is the located problem list under it.

    A table, not a grid: every message must be readable in full, and errors come first."""
    from scoring.common.models import Severity

    st.subheader(f"问题清单（错误 {len(report.errors)} 个，警告 {len(report.warnings)} 个）")
    st.table(pd.DataFrame([{"类别": str(i.severity), "文件": i.file, "工作表": i.sheet,
                            "行": "" if i.row is None else i.row, "列": i.column, "问题": i.message}
                           for i in sorted(report.issues, key=lambda i: i.severity != Severity.ERROR)]))
