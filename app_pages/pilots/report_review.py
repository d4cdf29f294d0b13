"""年度总结审核: the year's reports of the pilots a person may see — a city bureau its city's, staff and observers
every pilot's — with where each stands; open one to read it; the city bureau gives its opinion (agree, or return with
the reason); staff open the year's call, extend it for the batch or for one pilot, and record 整改 re-checks."""
from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import streamlit as st

from app_pages.widgets import common, report_view
from scoring.common import clock
from scoring.common.access import Permission, Role
from scoring.pilots import rectification, reports
from scoring.pilots.registry import PilotStatus, pilot_years, pilots
from scoring.pilots.reports import ProgressState, ReportStatus

principal = common.require_page(Permission.VIEW_PILOTS)
store = common.storage()
batch = common.current_batch()
is_city = Role.CITY in principal.roles_in(batch.batch_id)
is_staff = principal.can(Permission.MANAGE_PILOTS, batch.batch_id)

st.title("年度工作总结审核")
common.show_flash()
first_year, last_year = pilot_years(batch.year)
years = list(range(first_year, last_year + 1))
called = [y for y in years if reports.find_report_call(store, batch.batch_id, y)]
year = st.selectbox("年度", years, index=years.index(called[-1]) if called else 0, format_func=lambda y: f"{y} 年度",
                    key="rr_year")
call = reports.find_report_call(store, batch.batch_id, year)


def key(name: str) -> str:
    return f"rr_{batch.batch_id}_{year}_{name}"


def moment_input(label: str, value: datetime, name: str) -> datetime:
    day_column, time_column = st.columns(2)
    day = day_column.date_input(f"{label}（日期）", value=value.date(), format="YYYY-MM-DD", key=key(f"{name}_day"))
    at = time_column.time_input(f"{label}（时间）", value=value.time(), step=timedelta(minutes=30),
                                key=key(f"{name}_time"))
    return datetime.combine(day, at)


def call_block() -> None:
    """Staff: open (or set anew) the year's call; extend it for the batch or for one pilot."""
    default_unit = call.unit_deadline if call else datetime(year + 1, 1, 31, 17)
    default_city = call.city_deadline if call else datetime(year + 1, 2, 15, 17)
    with st.expander("报送安排" if call else "开放本年度报送", expanded=call is None, icon=":material/event_available:"):
        with st.form(key("call")):
            unit_deadline = moment_input("单位报送截止", default_unit, "unit")
            city_deadline = moment_input("市局审核截止", default_city, "city")
            note = st.text_input("说明（可选）", value=call.note if call else "", key=key("note"))
            reason = st.text_input("理由（记入审计日志）", key=key("call_reason"))
            opened = st.form_submit_button("保存报送安排" if call else "开放报送", icon=":material/save:")
        if opened:
            with common.shown_errors():
                reports.open_report_call(store, principal, batch.batch_id, year, unit_deadline, city_deadline, reason,
                                         note)
                common.flash(f"{year} 年度工作总结报送安排已保存。")
                st.rerun()
    if call is None:
        return
    with st.expander("单个试点延期", icon=":material/more_time:"):
        listed = pilots(store, principal, batch.batch_id)
        with st.form(key("extend")):
            index = st.selectbox("试点", range(len(listed)), format_func=lambda i: listed[i].unit_name,
                                 key=key("extend_pilot"))
            unit_deadline = moment_input("该试点的报送截止", call.unit_deadline + timedelta(days=7), "ext_unit")
            later_city = st.checkbox("同时延长该试点的市局审核截止", key=key("ext_city_too"))
            city_deadline = moment_input("该试点的市局审核截止", call.city_deadline + timedelta(days=7), "ext_city")
            reason = st.text_input("延期理由（必填）", key=key("extend_reason"))
            extended = st.form_submit_button("延期", icon=":material/more_time:")
        if extended and listed:
            with common.shown_errors():
                reports.extend_report_deadline(store, principal, batch.batch_id, year, reason,
                                               credit_code=listed[index].credit_code, unit_deadline=unit_deadline,
                                               city_deadline=city_deadline if later_city else None)
                common.flash(f"已为“{listed[index].unit_name}”延期。")
                st.rerun()


def progress_table(listed: list[reports.ReportProgress]) -> pd.DataFrame:
    return pd.DataFrame([{
        "单位名称": p.unit_name, "统一社会信用代码": p.credit_code, "所在市": p.city, "状态": str(p.state),
        "版本": f"第 {p.version} 版" if p.version else "—", "逾期": "是" if p.late else "",
        "提交时间": f"{p.submitted_at:%Y-%m-%d %H:%M}" if p.submitted_at else "",
        "报送截止": reports.shown_time(p.unit_deadline) if p.unit_deadline else "—"} for p in listed])


def opinion_form(code: str, version: reports.ReportVersion) -> None:
    """The pilot's city bureau: agree (on to the province) or return with the opinion as the reason."""
    st.subheader("市局意见")
    with st.form(key(f"opinion_{code}_{version.version}")):
        verdict = st.radio("审核结论", ["同意报送省局", "退回单位修改"], horizontal=True,
                           key=key(f"verdict_{code}_{version.version}"))
        opinion = st.text_area("意见（退回时即退回理由）", key=key(f"opinion_text_{code}_{version.version}"))
        given = st.form_submit_button("提交意见", type="primary", icon=":material/gavel:")
    if given:
        with common.shown_errors():
            done = reports.give_opinion(store, principal, batch.batch_id, code, year, verdict == "同意报送省局",
                                        opinion)
            common.flash(f"已提交意见：{done.status}。")
            st.rerun()


def recheck_block() -> None:
    """Staff: the 整改 pilots' latest 整改报告 and the re-check."""
    rectifying = [p for p in pilots(store, principal, batch.batch_id) if p.status is PilotStatus.RECTIFYING]
    if not rectifying:
        return
    st.subheader("整改复核")
    for pilot in rectifying:
        found = rectification.rectifications(store, principal, batch.batch_id, pilot.credit_code, pilot.status_year)
        with st.expander(f"{pilot.unit_name}（{pilot.status_year} 年度整改：{pilot.status_reason}）"):
            if not found:
                st.caption("尚未提交整改报告。")
                continue
            latest = found[-1]
            st.markdown(f"**第 {latest.version} 版**　提交于 {latest.submitted_at:%Y-%m-%d %H:%M}")
            st.text(latest.text)
            if latest.file:
                name, content = rectification.rectification_file(store, principal, batch.batch_id,
                                                                 pilot.credit_code, latest.file.sha256)
                st.download_button(f"下载 {name}", content, file_name=name, key=key(f"rect_file_{pilot.credit_code}"))
            if latest.recheck or not is_staff:
                continue
            with st.form(key(f"recheck_{pilot.credit_code}")):
                passed = st.radio("复核结论", ["通过", "未通过"], horizontal=True,
                                  key=key(f"recheck_result_{pilot.credit_code}"))
                reason = st.text_input("复核意见（必填）", key=key(f"recheck_reason_{pilot.credit_code}"))
                done = st.form_submit_button("记录复核结果")
            if done:
                with common.shown_errors():
                    rectification.record_recheck(store, principal, batch.batch_id, pilot.credit_code,
                                                 pilot.status_year, passed == "通过", reason)
                    common.flash(f"已记录“{pilot.unit_name}”的整改复核。")
                    st.rerun()


if is_staff:
    call_block()
if call is None:
    st.info(f"{year} 年度工作总结尚未开放报送。", icon=":material/event_busy:")
else:
    st.caption(f"单位报送截止 {reports.shown_time(call.unit_deadline)}｜市局审核截止 {reports.shown_time(call.city_deadline)}"
               + (f"｜单独延期 {len(call.extensions)} 个试点" if call.extensions else ""))
    with common.shown_errors(stop=True):
        progress = reports.report_progress(store, principal, batch.batch_id, year)
        in_force = reports.reports_of_year(store, principal, batch.batch_id, year)
    if not progress:
        st.info("没有可查看的试点。")
    else:
        counts = {s: sum(p.state is s for p in progress) for s in ProgressState}
        st.markdown("　".join(f"**{s}** {n}" for s, n in counts.items()))
        st.dataframe(progress_table(progress), hide_index=True)
    if in_force:
        names = {p.credit_code: p.unit_name for p in progress}
        codes = list(in_force)
        code = st.selectbox("查看总结", codes, format_func=lambda c: f"{names.get(c, c)}（{in_force[c].status}）",
                            key=key("open"))
        version = in_force[code]
        st.subheader(f"{names.get(code, code)}　{year} 年度工作总结")
        report_view.show_report(version)
        if is_city and version.status is ReportStatus.SUBMITTED:
            if clock.now() > call.city_deadline_of(code):
                st.warning(f"已过市局审核截止时间（{reports.shown_time(call.city_deadline_of(code))}）。")
            else:
                opinion_form(code, version)
if not is_city:
    recheck_block()
