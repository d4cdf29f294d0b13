"""评审排名: a round's ranked list — the experts' score and the verified bonus apart, the final score, ties as ties,
what changed after the close — with the charts the meeting looks at, closing the round, and the downloads."""

import pandas as pd
import streamlit as st

from app_pages.widgets import common, ranking_charts
from scoring.results import aggregation, shortlist
from scoring.rounds import review_rounds
from scoring.review import score_sheets
from scoring.common.access import Permission
from scoring.results.ranking import RoundRanking, round_ranking, tie_break_text
from scoring.results.ranking_files import export_panel_summary, export_ranking
from scoring.results.shortlist import ShortlistMode, ShortlistRule

principal = common.require_page(Permission.VIEW_ASSIGNMENTS)
store = common.storage()
batch = common.current_batch()
can_manage = principal.can(Permission.MANAGE_ROUNDS, batch.batch_id)
PROFILE_TOP_N = 10


def moment(value) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else "—"


st.title("评审排名")
review_round = common.choose_round(review_rounds.list_rounds(store, principal, batch.batch_id), "ranking_round")


def close_section() -> None:
    if review_round.closed_at:
        st.markdown(f":gray-badge[:material/lock: 评审已结束] {moment(review_round.closed_at)}，"
                    f"操作人 {review_round.closed_by}。此后评分表只能经退回后修改，变动列在下方。")
        return
    st.markdown(":green-badge[:material/play_circle: 评审进行中] 排名随专家提交实时变化，仅供参考。")
    if not can_manage:
        return
    with st.expander("结束评审", icon=":material/lock:"):
        st.caption("结束后专家不能再修改评分表（工作人员退回的除外），结束后的每次变动都会在排名中标出。")
        reason = st.text_input("结束理由（必填，记入审计日志）", key="close_reason")
        if st.button("结束评审", type="primary", key="close_round", icon=":material/lock:"):
            with common.shown_errors():
                review_rounds.close_round(store, principal, review_round.round_id, reason)
                common.flash("已结束评审。")
                st.rerun()


close_section()
ranking: RoundRanking = round_ranking(store, principal, review_round.round_id)
if not ranking.rows:
    st.info("本轮尚未确认分配，暂无排名。")
    st.stop()
rows = ranking.rows
ranked = [r for r in rows if r.rank is not None]
columns = st.columns(5)
columns[0].metric("申报书", len(rows))
columns[1].metric("已排名", len(ranked))
columns[2].metric("评分表（已交/应交）", f"{sum(r.sheets for r in rows)} / {sum(r.expected for r in rows)}")
columns[3].metric("并列", sum(1 for r in ranked if r.tied_with))
columns[4].metric("结束后变动", len(ranking.changes))
if len(ranked) < len(rows):
    st.caption(f"{len(rows) - len(ranked)} 份申报书尚无已提交的评分表，不参加排名。")


def ranking_table() -> pd.DataFrame:
    show_normalised = any(r.normalised is not None for r in rows)
    records = []
    for r in rows:
        record = {"排名": ranking_charts.rank_text(r), "申报单位": r.unit_name, "城市": r.city,
                  "已交/应交": f"{r.sheets}/{r.expected}", "平均分": ranking_charts.number(r.mean),
                  "专家评分": ranking_charts.number(r.expert_score),
                  "去高低": "去掉最高最低" if r.trimmed else "", "加分": ranking_charts.number(r.bonus),
                  "最终得分": ranking_charts.number(r.final), "同分判定": r.decided_by or ("并列" if r.tied_with else ""),
                  "结束后变动": "有变动" if r.changed_after_close else "", "统一社会信用代码": r.credit_code}
        if show_normalised:
            record["标准化得分"] = ranking_charts.number(r.normalised)
        records.append(record)
    return pd.DataFrame(records)


POINTS = st.column_config.NumberColumn(format="%.2f")
st.dataframe(ranking_table(), hide_index=True, key="ranking_table",
             column_order=["排名", "申报单位", "城市", "已交/应交", "平均分", "专家评分", "去高低", "标准化得分",
                           "加分", "最终得分", "同分判定", "结束后变动", "统一社会信用代码"],
             column_config={"平均分": POINTS, "专家评分": POINTS, "加分": POINTS, "最终得分": POINTS,
                            "标准化得分": st.column_config.NumberColumn("标准化得分（参考）", format="%.2f")})
rules = [tie_break_text(rule, ranking.rubric) for rule in ranking.rubric.aggregation.tie_break]
st.caption(f"{ranking.rubric.aggregation.expert_score_rule()}；"
           "最终得分 = 专家评分 + 经核实的加分。最终得分相同时依次比较："
           + ("；".join(rules) if rules else "（无）") + "；仍相同者并列。")


def show_changes() -> None:
    if not ranking.changes:
        st.caption("评审结束后没有评分表变动。" if review_round.closed_at else "评审结束后的评分表变动将列在这里。")
        return
    names = {r.credit_code: r.unit_name for r in rows}
    st.dataframe(pd.DataFrame([{
        "申报单位": names.get(c.credit_code, c.credit_code), "专家编号": c.expert_id,
        "原总分": ranking_charts.number(c.before), "新总分": ranking_charts.number(c.after), "退回人": c.reopened_by,
        "退回理由": c.reason, "重新提交": c.changed_by, "时间": moment(c.changed_at)} for c in ranking.changes]),
        hide_index=True, key="ranking_changes")


def shortlisted_entries() -> tuple[list, str]:
    """The latest frozen shortlist, else what the top-N rule would propose now."""
    frozen = shortlist.shortlists(store, principal, review_round.round_id)
    if frozen:
        return frozen[-1].entries, f"入选单位按城市（拟入选名单第 {frozen[-1].version} 版）"
    proposed = shortlist.proposal(store, principal, review_round.round_id,
                                  ShortlistRule(mode=ShortlistMode.TOP_N, top_n=min(PROFILE_TOP_N, len(ranked))))
    return proposed.entries, f"入选单位按城市（尚未确定名单：按前 {min(PROFILE_TOP_N, len(ranked))} 名预估）"


def show_charts() -> None:
    names = {e.expert_id: e.name for e in score_sheets.round_progress(store, principal, review_round.round_id).experts}
    leniency = ranking_charts.expert_leniency(aggregation.sheet_totals(store, principal, review_round.round_id))
    profile = ranking_charts.criteria_profile(aggregation.aggregate_round(store, principal, review_round.round_id),
                                              rows, ranking.rubric, PROFILE_TOP_N)
    entries, city_title = shortlisted_entries()
    left, right = st.columns(2)
    left.altair_chart(ranking_charts.distribution_chart(rows), width="stretch", key="chart_distribution")
    if leniency.empty:
        right.info("尚无两位及以上专家评过的申报书，无法比较专家宽严。")
    else:
        right.altair_chart(ranking_charts.leniency_chart(leniency, names), width="stretch", key="chart_leniency")
    left, right = st.columns(2)
    left.altair_chart(ranking_charts.profile_chart(profile), width="stretch", key="chart_profile")
    if entries:
        right.altair_chart(ranking_charts.city_chart(ranking_charts.per_city(entries), city_title), width="stretch",
                           key="chart_cities")
    else:
        right.info("尚无入选单位。")




def download(label: str, key: str, make) -> None:
    """A button that makes the file, then offers it (the export archives and audits it)."""
    state_key = f"{key}_{review_round.round_id}_file"
    if st.button(label, key=key, icon=":material/description:"):
        with common.shown_errors():
            st.session_state[state_key] = make()
    exported = st.session_state.get(state_key)
    if exported is not None:
        st.download_button(f"下载 {exported.filename}", exported.content, file_name=exported.filename,
                           mime=exported.media_type, key=f"{key}_download", icon=":material/download:")
        st.caption(f"SHA-256 {exported.sha256[:16]}…（已存档并记入审计日志）")


def show_downloads() -> None:
    columns = st.columns(3)
    with columns[0]:
        download("生成排名表（.xlsx）", "export_ranking",
                 lambda: export_ranking(store, principal, review_round.round_id))
    with columns[1]:
        download("生成评审情况汇总（PDF）", "export_summary_pdf",
                 lambda: export_panel_summary(store, principal, review_round.round_id, fmt="pdf"))
    with columns[2]:
        download("生成评审情况汇总（Word）", "export_summary_docx",
                 lambda: export_panel_summary(store, principal, review_round.round_id, fmt="docx"))


st.subheader(f"评审结束后的变动（{len(ranking.changes)}）")
show_changes()
st.subheader("图表")
if ranked:
    show_charts()
else:
    st.info("尚无已提交的评分表，暂无图表。")
st.subheader("下载")
show_downloads()
