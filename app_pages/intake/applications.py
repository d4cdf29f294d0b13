"""申报列表: every application of the batch with its three-year figures and check results."""
import streamlit as st

from app_pages.widgets import common, texts
from scoring.intake import overview
from scoring.common.access import Permission, may_see_application
from scoring.common.models import City, Outcome, UnitType

principal = common.require_page(Permission.VIEW_APPLICATIONS)
batch = common.current_batch()
table = common.application_table(principal, batch)

st.title("申报列表")
left, middle, right = st.columns(3)
cities = left.multiselect("推荐市局", [str(c) for c in City if may_see_application(principal, batch.batch_id, c)],
                          key="filter_city", placeholder=texts.CHOOSE_MANY)
types = middle.multiselect("单位类型", [str(t) for t in UnitType], key="filter_type", placeholder=texts.CHOOSE_MANY)
results = right.multiselect("审查结果", [str(o) for o in Outcome], key="filter_result", placeholder=texts.CHOOSE_MANY)

shown = overview.filter_table(table, city=cities, unit_type=types, result=results)
st.caption(f"共 {len(shown)} 份（本批次 {len(table)} 份）。点选一行查看申报详情。")
event = st.dataframe(
    shown,
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key="applications_table",
    column_config={name: st.column_config.NumberColumn(name, format="%.2f") for name in overview.MONEY_COLUMNS},
)
if event.selection.rows:
    st.session_state[common.SELECTED_APPLICATION_KEY] = shown.iloc[event.selection.rows[0]]["统一社会信用代码"]
    st.switch_page("app_pages/intake/application_detail.py")
