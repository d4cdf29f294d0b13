"""验收与评估结果: a yearly acceptance's or final evaluation's pilots with their score, report, funds finding and the
outcome the rubric proposes; staff record a funds finding, the meeting's decisions (all as proposed, or one by one
with reasons), publish the results, and download the results list, the final list and the letters."""
from datetime import date

import pandas as pd
import streamlit as st

from app_pages.widgets import common
from scoring.common import clock
from scoring.common.access import Permission
from scoring.pilots import outcome_files, outcomes
from scoring.pilots.outcomes import OutcomeRequest, ProposedOutcome
from scoring.review.rubrics import points_text
from scoring.rounds import review_rounds

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

principal = common.require_page(Permission.VIEW_PILOTS)
store = common.storage()
batch = common.current_batch()
can_manage = principal.can(Permission.MANAGE_PILOTS, batch.batch_id)

st.title("验收与评估结果")
if not principal.can(Permission.VIEW_ASSIGNMENTS, batch.batch_id):
    st.info("验收与评估结果公布后，可在“试点详情”页面查看本单位或本市试点的结果。")
    st.stop()
rounds = [r for r in review_rounds.list_rounds(store, principal, batch.batch_id) if r.reviews_pilots]
review_round = common.choose_round(rounds, "outcome_round",
                                   "本批次尚无年度验收或综合评估轮次，请先在“评审轮次”页面新建（评审类型选“年度验收”或“综合评估”）。")
round_id = review_round.round_id
with common.shown_errors(stop=True):
    _, rules = outcomes.pilot_round(store, round_id)
    proposals = outcomes.proposed_outcomes(store, principal, round_id)
    published = outcomes.publication(store, principal, round_id)
if not proposals:
    st.info("本轮没有在建的试点。")
    st.stop()
st.caption("结果规则：" + "；".join(rules.rule_text(b) + ("（须整改）" if b.rectify else "") for b in rules.bands)
           + (f"；资金违规使用的为“{rules.misused_funds}”" if rules.misused_funds else "")
           + (f"；未报送年度工作总结的为“{rules.no_report}”" if rules.no_report else "") + "。")
if not review_round.closed_at:
    st.warning("评审尚未结束，得分仍可能变化；结束评审后方可记录会议决定。", icon=":material/lock_open:")
if published:
    st.success(f"本轮结果已于 {published.published_at:%Y-%m-%d %H:%M} 公布，不能再改变。", icon=":material/campaign:")


def table(listed: list[ProposedOutcome]) -> pd.DataFrame:
    return pd.DataFrame([{
        "单位名称": p.unit_name, "所在市": p.city, "最终得分": points_text(p.score) if p.score is not None else "—",
        "评分表": f"{p.sheets}/{p.expected}", "年度总结": ("已报送（逾期）" if p.late else "已报送") if p.reported else "未报送",
        "资金使用": "违规" if p.misused else "", "建议结果": p.proposed or "—", "依据": p.rule,
        "决定结果": p.decided.outcome if p.decided else "", "决定理由": p.decided.reason if p.decided else "",
        "整改要求": p.decided.rectify if p.decided else "",
        "整改期限": f"{p.decided.rectify_by:%Y-%m-%d}" if p.decided and p.decided.rectify_by else ""}
        for p in listed])


decided = sum(p.decided is not None for p in proposals)
columns = st.columns(3)
columns[0].metric("试点", len(proposals))
columns[1].metric("已决定", decided)
columns[2].metric("建议与决定不同", sum(bool(p.decided and p.decided.against_proposal) for p in proposals))
st.dataframe(table(proposals), hide_index=True, key="outcome_table")
by_code = {p.credit_code: p for p in proposals}


def name_of(code: str) -> str:
    return by_code[code].unit_name


def finding_form() -> None:
    with st.form("funds_finding_form"):
        st.markdown(f"**启动资金使用认定（{review_round.year} 年度）**")
        code = st.selectbox("试点单位", list(by_code), format_func=name_of, key="finding_pilot")
        misused = st.checkbox("认定为违规使用（验收结果按规则确定，无论得分）", key="finding_misused")
        reason = st.text_input("认定理由（必填）", key="finding_reason")
        if st.form_submit_button("保存认定"):
            with common.shown_errors():
                outcomes.record_funds_finding(store, principal, batch.batch_id, code, review_round.year, misused,
                                              reason)
                common.flash(f"已保存对“{name_of(code)}”的资金使用认定。")
                st.rerun()


def rectification_inputs(prefix: str) -> tuple[str, date]:
    left, right = st.columns([3, 1])
    text = left.text_input("整改要求（结果须整改时必填）", key=f"{prefix}_rectify")
    by = right.date_input("整改期限", clock.today().replace(month=3, day=31, year=clock.today().year + 1),
                          key=f"{prefix}_rectify_by", format="YYYY-MM-DD")
    return text, by


def bulk_form() -> None:
    open_ones = [p for p in proposals if p.decided is None and p.proposed]
    with st.form("outcome_bulk_form"):
        st.markdown(f"**按建议结果决定尚未决定的 {len(open_ones)} 个试点**")
        text, by = rectification_inputs("bulk")
        reason = st.text_input("会议研究决定的理由（必填）", key="bulk_reason")
        if st.form_submit_button("按建议结果决定", type="primary", disabled=not open_ones):
            rectify = {b.label for b in rules.bands if b.rectify}
            requests = [OutcomeRequest(credit_code=p.credit_code, outcome=p.proposed,
                                       rectify=text if p.proposed in rectify else "",
                                       rectify_by=by if p.proposed in rectify else None) for p in open_ones]
            with common.shown_errors():
                outcomes.decide_outcomes(store, principal, round_id, requests, reason)
                common.flash(f"已按建议结果决定 {len(requests)} 个试点。")
                st.rerun()


def single_form() -> None:
    with st.form("outcome_single_form"):
        st.markdown("**逐个决定**（与建议结果不同时须写明理由）")
        left, right = st.columns([3, 1])
        code = left.selectbox("试点单位", list(by_code), format_func=name_of, key="single_pilot")
        labels = [b.label for b in rules.bands]
        outcome = right.selectbox("结果", labels, key="single_outcome")
        why = st.text_input("理由", key="single_reason")
        text, by = rectification_inputs("single")
        if st.form_submit_button("记录决定"):
            request = OutcomeRequest(credit_code=code, outcome=outcome, reason=why, rectify=text, rectify_by=by)
            with common.shown_errors():
                outcomes.decide_outcomes(store, principal, round_id, [request], why or "会议研究决定")
                common.flash(f"已记录“{name_of(code)}”的结果：{outcome}。")
                st.rerun()


def publish_form() -> None:
    with st.form("outcome_publish_form"):
        st.markdown("**公布结果**（全部试点决定后；公布后试点单位可查看本单位结果，结果不能再改）")
        reason = st.text_input("公布理由（必填）", key="publish_reason")
        if st.form_submit_button("公布结果", disabled=decided < len(proposals)):
            with common.shown_errors():
                outcomes.publish_outcomes(store, principal, round_id, reason)
                common.flash("结果已公布。")
                st.rerun()


if can_manage and not published:
    st.subheader("会议研究")
    finding_form()
    bulk_form()
    single_form()
    publish_form()

if decided and can_manage:
    st.subheader("文件")
    left, middle, right = st.columns(3)
    # made when clicked, not on every rerun of the page
    left.download_button("下载结果名单（Excel）", lambda: outcome_files.results_list(store, principal, round_id),
                         f"{review_round.year_and_kind}结果-{round_id}.xlsx", XLSX, key="results_download")
    if review_round.kind == "综合评估":
        middle.download_button("下载通过名单（Excel）", lambda: outcome_files.final_list_file(store, principal, round_id),
                               f"综合评估通过名单-{round_id}.xlsx", XLSX, key="final_download")
    issued_on = right.date_input("结果通知成文日期", clock.today(), key="letters_date", format="YYYY-MM-DD")
    if right.button("生成结果通知（Word 与 PDF）", key="letters_make"):
        with common.shown_errors(), st.spinner("正在生成结果通知……"):
            st.session_state["outcome_letters"] = (round_id, outcome_files.letters_zip(store, principal, round_id,
                                                                                        issued_on))
    made = st.session_state.get("outcome_letters")
    if made and made[0] == round_id:
        right.download_button("下载结果通知（zip）", made[1], f"结果通知-{round_id}.zip", "application/zip",
                              key="letters_download")
