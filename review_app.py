"""Streamlit entry: the sidebar (batch, operator) and the navigation over the staff pages."""
import streamlit as st

from app_pages import common

st.set_page_config(page_title="高校院所知识产权运营中心试点评审系统", page_icon=":material/fact_check:", layout="wide")

store = common.storage()
common.sidebar(store)

PAGES = {
    "申报与形式审查": [
        st.Page("app_pages/overview.py", title="审查概览", icon=":material/insights:", default=True),
        st.Page("app_pages/applications.py", title="申报列表", icon=":material/list_alt:"),
        st.Page("app_pages/application_detail.py", title="申报详情", icon=":material/description:"),
        st.Page("app_pages/import_page.py", title="导入申报书", icon=":material/upload_file:"),
    ],
}

st.navigation(PAGES).run()
