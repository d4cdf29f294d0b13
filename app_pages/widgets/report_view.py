"""A pilot's yearly report (年度工作总结) as people read it: shared by 年度总结 (the unit, after submitting) and
年度总结审核 (city bureaus and staff)."""
from __future__ import annotations

import streamlit as st

from app_pages.widgets.application_view import plain_markdown, show_pairs
from scoring.common.models import YearConversion, YearPatents
from scoring.common.presentation import labelled_fields, rows_table
from scoring.pilots.reports import FundSource, ReportStatus, ReportVersion, report_problems


def status_line(version: ReportVersion) -> str:
    text = f"第 {version.version} 版　{version.status}　提交于 {version.saved_at:%Y-%m-%d %H:%M}"
    if version.late:
        text += f"　:orange-badge[逾期提交（单独延期：{version.late_reason or '已批准'}）]"
    return text


def show_opinion(version: ReportVersion) -> None:
    """The city bureau's opinion on this version, if it gave one."""
    if version.opinion is None:
        return
    if version.status is ReportStatus.RETURNED:
        st.warning(f"市局退回，意见：{version.opinion}", icon=":material/undo:")
    else:
        st.success(f"市局意见：{version.opinion}", icon=":material/verified:")


def show_report(version: ReportVersion, with_problems: bool = True) -> None:
    """The report's figures, funds, tasks and summary, read-only; the problems staff should see as warnings."""
    report = version.report
    st.markdown(status_line(version))
    show_opinion(version)
    if with_problems:
        for problem in report_problems(report):
            (st.error if problem.blocking else st.warning)(problem.message)
    st.markdown("**本年度专利授权与有效专利**")
    show_pairs(labelled_fields(report.patents, skip=("year",)))
    st.markdown("**本年度专利转化运用**")
    show_pairs(labelled_fields(report.conversion, skip=("year",)) + [("本年度对接企业数", str(report.enterprises_connected))])
    st.markdown("**资金到位与使用情况**（万元）")
    if report.funds:
        st.dataframe(rows_table(report.funds), hide_index=True)
        st.caption("；".join(f"{s}：到位 {report.received(s):.2f}，支出 {report.spent(s):.2f}" for s in FundSource))
    else:
        st.caption("未填写。")
    st.markdown("**年度任务完成情况**")
    if report.tasks:
        st.dataframe(rows_table(report.tasks), hide_index=True)
    else:
        st.caption("未填写。")
    st.markdown("**年度工作总结**")
    st.markdown(plain_markdown(report.summary) or "—")


PATENT_FIELDS = [n for n in YearPatents.model_fields if n != "year"]
CONVERSION_FIELDS = [n for n in YearConversion.model_fields if n != "year"]
