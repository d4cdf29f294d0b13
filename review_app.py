"""Streamlit entry, a role router: the login page, then the forced password change, then exactly the pages
the signed-in person's roles open."""
import streamlit as st

from app_pages.widgets import common, uploader
from scoring.common import accounts
from scoring.notifications import outbox

st.set_page_config(page_title="高校院所知识产权运营中心试点评审系统", page_icon=":material/fact_check:", layout="wide")
uploader.chinese_texts()


MESSAGES_PATH = "app_pages/system/messages.py"


def page(spec: common.PageSpec, default: bool = False, unread: int = 0) -> st.Page:
    # The menu says how many messages wait, wherever the person is (the page's address stays the same).
    title = f"{spec.title}（{unread} 条未读）" if spec.path == MESSAGES_PATH and unread else spec.title
    return st.Page(spec.path, title=title, icon=spec.icon, default=default)


def by_section(specs: list[common.PageSpec], landing: common.PageSpec, unread: int) -> dict[str, list[st.Page]]:
    sections: dict[str, list[st.Page]] = {}
    for spec in specs:
        sections.setdefault(spec.section, []).append(page(spec, default=spec == landing, unread=unread))
    return sections


store = common.storage()
session = common.current_session()
if session is None and st.session_state.get(common.SESSION_KEY):
    common.expire()
common.show_flash()
common.keep_browser_in_step()

if session is None and not accounts.admin_exists(store):
    # The first start: the set-up address the server printed (…/setup?setup=…) opens 首次设置.
    pages = [page(common.LOGIN_PAGE, default=True), page(common.SETUP_PAGE)]
elif session is None:
    pages = [page(common.LOGIN_PAGE, default=True)]
elif session.must_change_password:
    common.sidebar(store, session)
    pages = [page(common.ACCOUNT_PAGE, default=True)]
else:
    batch = common.sidebar(store, session)
    batch_id = batch.batch_id if batch else None
    specs = common.pages_for(session.principal, batch_id)
    pages = by_section(specs, common.landing_page(session.principal, batch_id, specs),
                       outbox.unread_count(store, session.principal))

st.navigation(pages, expanded=True).run()  # staff have ~20 pages: no "View more" fold
