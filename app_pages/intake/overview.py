"""审查概览: counts of check results and a chart by city."""
import altair as alt
import streamlit as st

from app_pages.widgets import common
from scoring.intake import batches, overview
from scoring.common.access import Permission, sees_every_application
from scoring.common.models import AmountBasis, Outcome

principal = common.require_page(Permission.VIEW_APPLICATIONS)
batch = common.current_batch()
table = common.application_table(principal, batch)

st.title("审查概览")
if not sees_every_application(principal, batch.batch_id):
    st.info("您看到的是本市推荐的申报书。")
st.caption(f"{batch.title}｜申报截止 {batch.deadline:%Y年%m月%d日}｜考察年度 {batch.window[0]}—{batch.window[-1]}年｜"
           f"转化金额口径：{batch.settings.amount_basis}")

counts = overview.outcome_counts(table)
columns = st.columns(4)
columns[0].metric("申报书", len(table))
for column, outcome in zip(columns[1:], Outcome):
    column.metric(str(outcome), counts.get(str(outcome), 0))

if table.empty:
    st.info("本批次尚无申报书。请到“导入申报书”页面导入。")
else:
    by_city = overview.counts_by_city(table)
    chart = (
        alt.Chart(by_city)
        .mark_bar()
        .encode(
            x=alt.X("推荐市局:N", sort=overview.CITY_ORDER, title="推荐市局"),
            y=alt.Y("份数:Q", title="申报书（份）"),
            color=alt.Color("审查结果:N", scale=alt.Scale(domain=[str(o) for o in Outcome],
                                                       range=["#2e7d32", "#c62828", "#f9a825"]), title="审查结果"),
            tooltip=["推荐市局", "审查结果", "份数"],
        )
        .properties(height=360)
    )
    st.altair_chart(chart, width="stretch")
    st.subheader("各审查项结果")
    st.dataframe(overview.counts_by_check(table), hide_index=True)


def show_batch_settings():
    with st.expander("批次设置（修改后全部申报书重新审查）"):
        with st.form("batch_settings"):
            basis = st.radio("条件（三）转化金额口径", list(AmountBasis), format_func=str, horizontal=True,
                             index=list(AmountBasis).index(batch.settings.amount_basis), key="settings_basis")
            deadline = st.date_input("申报截止日期", value=batch.deadline, key="settings_deadline")
            reason = st.text_input("修改理由（必填，记入审计日志）", key="settings_reason")
            if st.form_submit_button("保存并重新审查"):
                changed = batch.model_copy(update={
                    "deadline": deadline, "settings": batch.settings.model_copy(update={"amount_basis": basis})})
                with common.shown_errors():
                    count = batches.change_batch(common.storage(), changed, principal, reason)
                    common.flash(f"已保存，{count} 份申报书已重新审查。")
                    st.rerun()


if principal.can(Permission.MANAGE_BATCHES, batch.batch_id):
    show_batch_settings()
