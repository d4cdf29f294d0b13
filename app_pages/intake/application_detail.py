"""申报详情: one application whole, its checks with reasons, and staff overrides."""
import streamlit as st

from app_pages.widgets import application_view, common
from scoring.intake import applications, overrides
from scoring.common import audit
from scoring.common.access import Permission
from scoring.common.models import CHECK_TITLES, CheckId, Outcome
from scoring.common.presentation import display_value

OUTCOME_BADGES = {
    Outcome.PASS: ":green-badge[:material/check_circle: 通过]",
    Outcome.FAIL: ":red-badge[:material/cancel: 不通过]",
    Outcome.DECIDE: ":orange-badge[:material/help: 需人工判定]",
}

principal = common.require_page(Permission.VIEW_APPLICATIONS)
store = common.storage()
batch = common.current_batch()
table = common.application_table(principal, batch)

st.title("申报详情")
if table.empty:
    st.info("本批次尚无申报书。")
    st.stop()

codes = table["统一社会信用代码"].tolist()
names = dict(zip(table["统一社会信用代码"], table["单位名称"]))
if st.session_state.get(common.SELECTED_APPLICATION_KEY) not in codes:
    st.session_state[common.SELECTED_APPLICATION_KEY] = codes[0]
code = st.selectbox("申报单位", codes, key=common.SELECTED_APPLICATION_KEY, format_func=lambda c: f"{names[c]}（{c}）")

app = applications.get_application(store, principal, batch.batch_id, code)
report = applications.check_report(store, principal, batch.batch_id, code)
overall = report.overall if report else None
st.header(app.basic.unit_name)
st.markdown(f"{OUTCOME_BADGES.get(overall, ':gray-badge[尚未审查]')}　{app.basic.unit_type}｜{app.recommendation.city}｜"
            f"提交于 {display_value(app.submitted_on)}｜统一社会信用代码 {app.credit_code}")
application_view.form_downloads(app, batch, key_prefix="detail")


def show_checks():
    if report is None:
        st.info("尚未运行审查。")
        return
    for item in report.results:
        with st.container(border=True):
            st.markdown(f"**{item.computed.title}**　{OUTCOME_BADGES[item.outcome]}")
            for reason in item.computed.reasons:
                st.markdown(f"- {reason}")
            if item.override:
                o = item.override
                st.warning(f"人工判定：{o.outcome}（系统结果：{item.computed.outcome}）。理由：{o.reason}。"
                           f"—— {o.decided_by}，{o.decided_at:%Y-%m-%d %H:%M}")
    if principal.can(Permission.OVERRIDE_CHECKS, batch.batch_id):
        show_override_form()


def show_override_form():
    st.subheader("人工判定")
    with st.form("override_form", clear_on_submit=True):
        check = st.selectbox("审查项", list(CheckId), format_func=lambda c: CHECK_TITLES[c],
                             key="override_check")
        outcome = st.radio("判定结果", list(Outcome), horizontal=True, key="override_outcome",
                           format_func=str)
        reason = st.text_area("理由（必填，记入审计日志）", key="override_reason")
        clear = st.checkbox("撤销该项已有的人工判定（恢复系统结果）", key="override_clear")
        if st.form_submit_button("保存判定"):
            with common.shown_errors():
                if clear:
                    overrides.clear_override(store, principal, batch.batch_id, code, check, reason)
                else:
                    overrides.override_check(store, principal, batch.batch_id, code, check, outcome, reason)
                st.rerun()


may_see_history = principal.can(Permission.VIEW_AUDIT, batch.batch_id)
tabs = st.tabs(["审查结果", *application_view.SECTIONS]
               + (["历史与日志"] if may_see_history else []))
with tabs[0]:
    st.subheader(f"近三年（{batch.window[0]}—{batch.window[-1]}年）数据")
    application_view.show_figures(app, batch)
    show_checks()
application_view.show_sections(
    tabs[1:6], app,
    lambda attachment: applications.attachment_content(store, principal, batch.batch_id, code, attachment.sha256))
if may_see_history:
    with tabs[6]:
        history = applications.application_history(store, principal, batch.batch_id, code)
        st.markdown(f"当前版本：第 {applications.application_version(store, principal, batch.batch_id, code)} 版")
        if history:
            st.dataframe(history, hide_index=True)
        st.markdown("**审计日志**")
        st.dataframe([{"时间": e.at, "操作人": e.actor, "操作": e.action, "理由": e.reason}
                      for e in audit.read_audit_log(store, principal, entity=f"application/{batch.batch_id}/{code}")],
                     hide_index=True)
