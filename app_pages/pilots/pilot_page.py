"""试点详情: one pilot — its facts and goals, its figures year by year against the year's goal and the guideline's aim
(每年转化50—100件), the three years' cumulative figures against the period's goals, its status history and every
version of its yearly reports, its acceptance and evaluation results and its extra awards. A unit's account sees its own
pilot only, a city bureau its city's."""
import pandas as pd
import streamlit as st

from app_pages.widgets import common, pilot_charts
from scoring.common.access import Permission
from scoring.pilots import registry
from scoring.pilots.pilot_detail import PilotDetail, pilot_detail
from scoring.pilots.registry import Pilot


# Staff, observers and city bureaus (查看试点), or a unit's account (报送年度总结) for its own pilot.
principal = common.require_page((Permission.VIEW_PILOTS, Permission.REPORT))
store = common.storage()


def visible_pilots() -> list[Pilot]:
    if principal.unit is not None and not principal.can(Permission.VIEW_PILOTS, st.session_state.get(common.BATCH_KEY)):
        return registry.own_pilots(store, principal)
    return registry.pilots(store, principal)


def choose(pilots: list[Pilot]) -> Pilot:
    by_key = {f"{p.batch_id}|{p.credit_code}": p for p in pilots}
    chosen = st.selectbox("试点单位", list(by_key), key="pilot_detail_pilot", disabled=len(by_key) == 1,
                          format_func=lambda k: f"{by_key[k].batch_id} 批次｜{by_key[k].unit_name}（{by_key[k].city}）")
    return by_key[chosen]


def facts(detail: PilotDetail) -> None:
    pilot = detail.pilot
    columns = st.columns(4)
    columns[0].metric("当前状态", str(pilot.status))
    columns[1].metric("建设期", pilot.period)
    columns[2].metric("启动资金", f"{pilot.funding_wan:.2f} 万元" if pilot.funding_wan is not None else "未定")
    reported = sum(1 for y in detail.progress.years if y.reported)
    columns[3].metric("已报送年度总结", f"{reported} / {len(detail.progress.years)} 年")
    st.caption(f"{pilot.unit_name}｜{pilot.unit_type}｜{pilot.city}｜统一社会信用代码 {pilot.credit_code}｜"
               f"批次 {pilot.batch_id}，名单序号 {pilot.list_order}｜确认通知文号 {pilot.letter_number or '（未编号）'}")


def goals(detail: PilotDetail) -> None:
    st.subheader("目标")
    if not detail.goals:
        st.info("尚无目标：建设方案中未读出目标数值，工作人员可在“试点名录”中设定。")
        return
    st.dataframe(pd.DataFrame([{"指标": str(g.key), "年度": f"{g.year}年" if g.year else "三年累计",
                                "目标值": f"{g.value.normalize():f}{g.key.unit}", "来源": str(g.source),
                                "方案原文": g.quote} for g in detail.goals]), hide_index=True, width="stretch")


def figures(detail: PilotDetail) -> None:
    progress = detail.progress
    st.subheader("年度数据与目标")
    st.caption(f"数据取各年度现行的年度工作总结（最新提交的版本）；转化专利为转让、许可、作价入股之和；"
               f"转化金额目标按{progress.basis}计。未报送的年度不计为 0。")
    st.altair_chart(pilot_charts.converted_chart(progress), width="stretch", key="pilot_chart_converted")
    left, right = st.columns(2)
    left.altair_chart(pilot_charts.amount_chart(progress), width="stretch", key="pilot_chart_amount")
    right.altair_chart(pilot_charts.enterprises_chart(progress), width="stretch", key="pilot_chart_enterprises")
    st.dataframe(pilot_charts.year_table(progress), hide_index=True, width="stretch")
    st.subheader("三年累计对照目标")
    if progress.converted_per_year is not None:
        st.caption(f"已报送年度年均转化专利 {progress.converted_per_year} 件：{progress.aim}。")
    st.dataframe(pilot_charts.period_table(progress), hide_index=True, width="stretch")


def history(detail: PilotDetail) -> None:
    st.subheader("状态变化")
    st.dataframe(pd.DataFrame([{"时间": f"{c.changed_at:%Y-%m-%d %H:%M}", "年度": f"{c.year}年", "状态": str(c.status),
                                "理由": c.reason, "操作人": c.changed_by} for c in detail.history]),
                 hide_index=True, width="stretch")


def report_versions(detail: PilotDetail) -> None:
    st.subheader("年度工作总结")
    if not detail.versions:
        st.info("尚无年度工作总结。")
        return
    in_force = {y.year: y.report_version for y in detail.progress.years if y.reported}
    st.dataframe(pd.DataFrame([{
        "年度": f"{v.report.year}年", "版本": f"第 {v.version} 版" if v.version else "草稿（未提交）",
        "状态": str(v.status), "现行": "是" if in_force.get(v.report.year) == v.version else "",
        "逾期": ("是" + (f"（{v.late_reason}）" if v.late_reason else "")) if v.late else "",
        "保存时间": f"{v.saved_at:%Y-%m-%d %H:%M}", "转化专利（件）": v.report.converted,
        "对接企业（家）": v.report.enterprises_connected,
        "市局意见": "" if v.opinion is None else ("同意：" if v.agrees else "不同意：" if v.agrees is False else "")
        + v.opinion} for v in reversed(detail.versions)]), hide_index=True, width="stretch")


def results(detail: PilotDetail) -> None:
    st.subheader("年度验收与综合评估")
    if not detail.results:
        st.info("尚无已公布的验收或评估结果。" if principal.unit is not None else "尚无验收或评估轮次。")
        return
    st.dataframe(pd.DataFrame([{
        "评审轮次": r.round_label, "年度": f"{r.year}年", "类型": r.kind,
        "最终得分": f"{r.score:.2f}" if r.score is not None else "—",
        "结果": r.outcome.outcome if r.outcome else "（未决定）", "理由": r.outcome.reason if r.outcome else "",
        "整改要求": r.outcome.rectify if r.outcome else "",
        "整改期限": f"{r.outcome.rectify_by:%Y-%m-%d}" if r.outcome and r.outcome.rectify_by else "",
        "已公布": "是" if r.published else "否"} for r in detail.results]), hide_index=True, width="stretch")


def awards(detail: PilotDetail) -> None:
    st.subheader("追加奖励")
    if not detail.awards:
        st.info("尚无已确认的追加奖励。")
        return
    for award in detail.awards:
        computation = award.computation
        with st.expander(f"{computation.year} 年度：{computation.amount:.2f} 万元", icon=":material/workspace_premium:"):
            st.caption(f"{award.confirmed_at:%Y-%m-%d %H:%M} 由 {award.confirmed_by} 确认；{award.standard.rate_line()}")
            st.text(computation.process)


st.title("试点详情")
with common.shown_errors(stop=True):
    listed = visible_pilots()
if not listed:
    st.info("没有可查看的试点单位。" if principal.unit is None else "本单位尚未成为试点单位。")
    st.stop()
pilot = choose(listed)
with common.shown_errors(stop=True):
    detail = pilot_detail(store, principal, pilot.batch_id, pilot.credit_code)
facts(detail)
goals(detail)
figures(detail)
history(detail)
report_versions(detail)
results(detail)
awards(detail)
