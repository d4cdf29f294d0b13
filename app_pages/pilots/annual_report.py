"""年度总结: a pilot unit fills its 年度工作总结 for a year — the year's figures in the 申报书's own tables, the funds
received and spent by item (the plan's budget rows of the year already listed), the plan's tasks, the summary — saves
it as a draft with the problems shown beside the fields, and submits it to its city bureau; afterwards reads it with
the city's opinion. A pilot in 整改 also submits its 整改报告 here."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
import streamlit as st

from app_pages.widgets import common, report_view, uploader
from scoring.applying.attachments import ALLOWED_SUFFIXES
from scoring.common import clock
from scoring.common.access import Permission
from scoring.common.models import YearConversion, YearPatents
from scoring.pilots import rectification, reports
from scoring.pilots.registry import PilotStatus, own_pilots
from scoring.pilots.reports import FundLine, FundSource, PlanTask, ReportStatus, TaskState

CENT = Decimal("0.01")

principal = common.require_page(Permission.REPORT)
store = common.storage()

st.title("年度工作总结")
common.show_flash()
own = own_pilots(store, principal) if principal.unit else []
if not own:
    st.info("本账号不是试点单位的账号；确认为试点单位后，可在此报送年度工作总结。", icon=":material/info:")
    st.stop()
pilot = own[0] if len(own) == 1 else own[st.selectbox("试点", range(len(own)), key="ar_pilot",
                                                      format_func=lambda i: f"{own[i].batch_id} 批次 · {own[i].period}")]
called = [y for y in pilot.years if reports.find_report_call(store, pilot.batch_id, y)]
year = st.selectbox("年度", pilot.years, index=pilot.years.index(called[-1]) if called else 0,
                    format_func=lambda y: f"{y} 年度", key="ar_year")
st.caption(f"{pilot.unit_name}（{pilot.city}）｜试点建设期 {pilot.period}｜确认文号 {pilot.letter_number or '—'}｜"
           f"状态：{pilot.status}")


def key(name: str) -> str:
    return f"ar_{pilot.batch_id}_{year}_{name}"


def number(value) -> float:
    return float(value)


def wan(value) -> str:
    """A table cell's amount as the report keeps it (blank: 0)."""
    return "0" if value is None or pd.isna(value) else str(Decimal(str(value)).quantize(CENT))


def text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value).strip()


def figure_inputs(model, values, prefix: str) -> dict:
    """A row of the 申报书's year tables as number inputs, two to a row; counts whole, amounts in 万元."""
    read = {}
    names = [n for n in model.model_fields if n != "year"]
    for start in range(0, len(names), 2):
        for column, name in zip(st.columns(2), names[start:start + 2]):
            info, value = model.model_fields[name], getattr(values, name)
            with column:
                if isinstance(value, Decimal):
                    read[name] = str(Decimal(str(st.number_input(info.title, min_value=0.0, step=1.0, format="%.2f",
                                                                 value=number(value), key=key(f"{prefix}_{name}"))))
                                     .quantize(CENT))
                else:
                    read[name] = int(st.number_input(info.title, min_value=0, step=1, value=int(value),
                                                     key=key(f"{prefix}_{name}")))
    return read


def funds_frame(lines: list[FundLine]) -> pd.DataFrame:
    return pd.DataFrame([{"item": f.item, "source": str(f.source), "budget": number(f.budget),
                          "received": number(f.received), "spent": number(f.spent), "explanation": f.explanation}
                         for f in lines], columns=["item", "source", "budget", "received", "spent", "explanation"])


def tasks_frame(tasks: list[PlanTask]) -> pd.DataFrame:
    return pd.DataFrame([{"task": t.task, "state": str(t.state), "explanation": t.explanation} for t in tasks],
                        columns=["task", "state", "explanation"])


FUND_COLUMNS = {
    "item": st.column_config.TextColumn(FundLine.model_fields["item"].title, required=True),
    "source": st.column_config.SelectboxColumn(FundLine.model_fields["source"].title,
                                               options=[str(s) for s in FundSource], default=str(FundSource.START_UP)),
    **{name: st.column_config.NumberColumn(FundLine.model_fields[name].title, min_value=0.0, step=0.01, format="%.2f",
                                           default=0.0) for name in ("budget", "received", "spent")},
    "explanation": st.column_config.TextColumn(FundLine.model_fields["explanation"].title),
}
TASK_COLUMNS = {
    "task": st.column_config.TextColumn(PlanTask.model_fields["task"].title, required=True),
    "state": st.column_config.SelectboxColumn(PlanTask.model_fields["state"].title, options=[str(s) for s in TaskState],
                                              default=str(TaskState.DONE)),
    "explanation": st.column_config.TextColumn(PlanTask.model_fields["explanation"].title),
}


def table_rows(frame: pd.DataFrame, required: str) -> list[dict]:
    return [row for row in frame.to_dict("records") if text(row.get(required))]


def show_problems(problems: list[reports.ReportProblem], prefix: str) -> None:
    for problem in problems:
        if problem.field == prefix or problem.field.startswith(prefix + "."):
            (st.error if problem.blocking else st.warning)(problem.message, icon=":material/error:" if problem.blocking
                                                           else ":material/warning:")


def editable(base: reports.AnnualReport, problems: list[reports.ReportProblem], edition: int) -> None:
    """The report as a form: saving builds the whole report from the widgets and stores it as the draft. The tables
    are keyed by the `edition`, counted up at each save: Streamlit lays a table's edits over the rows it was first
    given, so after a save the saved rows come in a new table, not under the old edits (added rows would double)."""
    with st.form(key("form")):
        st.markdown("#### 本年度专利授权与有效专利")
        patents = figure_inputs(YearPatents, base.patents, "patents")
        st.markdown("#### 本年度专利转化运用")
        st.caption("金额单位：万元。")
        conversion = figure_inputs(YearConversion, base.conversion, "conversion")
        enterprises = st.number_input("本年度对接企业数", min_value=0, step=1, value=base.enterprises_connected,
                                      key=key("enterprises"))
        st.markdown("#### 资金到位与使用情况")
        st.caption("已列出三年建设方案中本年度的预算；请填写到位金额与支出金额（万元）。省启动资金不得用于征地拆迁、人员经费和"
                   "专利管理等经常性开支。")
        funds = st.data_editor(funds_frame(base.funds), column_config=FUND_COLUMNS, num_rows="dynamic",
                               hide_index=True, key=key(f"funds_{edition}"))
        show_problems(problems, "funds")
        st.markdown("#### 年度任务完成情况")
        st.caption("三年建设方案中本年度的任务，每项一行；延期或取消的须说明原因。")
        tasks = st.data_editor(tasks_frame(base.tasks), column_config=TASK_COLUMNS, num_rows="dynamic",
                               hide_index=True, key=key(f"tasks_{edition}"))
        show_problems(problems, "tasks")
        st.markdown("#### 年度工作总结")
        summary = st.text_area("年度工作总结", value=base.summary, height=220, max_chars=20_000, key=key("summary"),
                               label_visibility="collapsed")
        show_problems(problems, "summary")
        saved = st.form_submit_button("保存草稿", icon=":material/save:")
    if saved:
        data = {"batch_id": pilot.batch_id, "credit_code": pilot.credit_code, "year": year, "summary": summary,
                "patents": {"year": year, **patents}, "conversion": {"year": year, **conversion},
                "enterprises_connected": int(enterprises),
                "funds": [{"item": text(r["item"]), "source": text(r["source"]) or str(FundSource.START_UP),
                           "budget": wan(r["budget"]), "received": wan(r["received"]), "spent": wan(r["spent"]),
                           "explanation": text(r["explanation"])} for r in table_rows(funds, "item")],
                "tasks": [{"task": text(r["task"]), "state": text(r["state"]) or str(TaskState.DONE),
                           "explanation": text(r["explanation"])} for r in table_rows(tasks, "task")]}
        with common.shown_errors():
            report = reports.report_from_data(data)
            reports.save_report(store, principal, pilot.batch_id, year, report)
            st.session_state[key("edition")] = edition + 1
            common.flash("草稿已保存。")
            st.rerun()


def submit_block(draft: reports.ReportVersion | None, problems: list[reports.ReportProblem]) -> None:
    blocking = [p for p in problems if p.blocking]
    if draft is None:
        st.info("请先填写并保存草稿，再提交。", icon=":material/info:")
    elif blocking:
        st.info(f"尚有 {len(blocking)} 处问题须改正（见红色提示），改正并保存后方可提交。", icon=":material/info:")
    if st.button("提交市局", type="primary", icon=":material/send:", key=key("submit"),
                 disabled=draft is None or bool(blocking)):
        with common.shown_errors():
            done = reports.submit_report(store, principal, pilot.batch_id, pilot.credit_code, year)
            common.flash(f"已提交第 {done.version} 版，等待{pilot.city}知识产权局审核。")
            st.rerun()


def report_block() -> None:
    call = reports.find_report_call(store, pilot.batch_id, year)
    if call is None:
        st.info(f"{year} 年度工作总结尚未开放报送；省知识产权局开放后可在此填报。", icon=":material/event_busy:")
        return
    deadline = call.unit_deadline_of(pilot.credit_code)
    extension = call.extensions.get(pilot.credit_code)
    st.markdown(f"**报送截止**：{reports.shown_time(deadline)}"
                + (f"（单独延期：{extension.reason}）" if extension else "")
                + ("　:red[（已过截止时间）]" if clock.now() > deadline else "")
                + f"　**市局审核截止**：{reports.shown_time(call.city_deadline_of(pilot.credit_code))}")
    if call.note:
        st.caption(call.note)
    with common.shown_errors(stop=True):
        versions = [v for v in reports.year_reports(store, principal, pilot.batch_id, pilot.credit_code)
                    if v.report.year == year]
    draft = next((v for v in versions if v.version == 0), None)
    submitted = [v for v in versions if v.version >= 1]
    latest = submitted[-1] if submitted else None
    if latest is not None and latest.status is not ReportStatus.RETURNED:
        st.success(f"已提交第 {latest.version} 版（{latest.status}）。提交后不能修改，市局退回后方可修改。",
                   icon=":material/send:")
        report_view.show_report(latest, with_problems=False)
    else:
        if latest is not None:
            st.warning(f"第 {latest.version} 版被{pilot.city}知识产权局退回，意见：{latest.opinion}。请修改后重新提交。",
                       icon=":material/undo:")
        if not pilot.active:
            st.info(f"试点状态为{pilot.status}，不再报送年度工作总结。")
            return
        base = draft.report if draft else reports.new_report(store, principal, pilot.batch_id, year)
        problems = reports.report_problems(draft.report) if draft else []
        if draft:
            st.caption(f":green[:material/cloud_done: 草稿已保存 {draft.saved_at:%Y-%m-%d %H:%M:%S}]")
        editable(base, problems, st.session_state.get(key("edition"), 0))
        submit_block(draft, problems)
    if submitted:
        st.subheader("提交记录")
        st.dataframe(pd.DataFrame([{"版本": f"第 {v.version} 版", "提交时间": f"{v.saved_at:%Y-%m-%d %H:%M}",
                                    "状态": str(v.status), "逾期": "是" if v.late else "否",
                                    "市局意见": v.opinion or "—"} for v in reversed(submitted)]), hide_index=True)


def rectification_block() -> None:
    """The 整改报告 of the year the pilot was put in 整改, and the ones before."""
    rect_year = pilot.status_year or year
    st.subheader(f"整改报告（{rect_year} 年度）")
    st.caption(f"整改原因：{pilot.status_reason or '—'}。请逐项写明整改情况，可附整改材料。")
    for done in rectification.rectifications(store, principal, pilot.batch_id, pilot.credit_code, rect_year):
        with st.container(border=True):
            st.markdown(f"**第 {done.version} 版**　提交于 {done.submitted_at:%Y-%m-%d %H:%M}"
                        + (f"　附件：{done.file.filename}" if done.file else "")
                        + (f"　复核：{'通过' if done.recheck.passed else '未通过'}（{done.recheck.reason}）"
                           if done.recheck else "　等待省局复核"))
            st.text(done.text)
    with st.form(key("rectify")):
        body = st.text_area("整改情况", height=180, key=key("rectify_text"))
        file = uploader.file_uploader("整改材料（可选）", [s.lstrip(".") for s in ALLOWED_SUFFIXES],
                                      key=key("rectify_file"))
        sent = st.form_submit_button("提交整改报告", icon=":material/task_alt:")
    if sent:
        with common.shown_errors():
            done = rectification.submit_rectification(store, principal, pilot.batch_id, pilot.credit_code, rect_year,
                                                      body, (file.name, file.getvalue()) if file else None)
            common.flash(f"已提交第 {done.version} 版整改报告。")
            st.rerun()


if pilot.status is PilotStatus.RECTIFYING:
    summary_tab, rectify_tab = st.tabs(["年度工作总结", "整改报告"])
    with rectify_tab:
        rectification_block()
    with summary_tab:
        report_block()
else:
    report_block()
