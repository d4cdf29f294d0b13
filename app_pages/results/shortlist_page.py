"""拟入选名单: a rule (top N, threshold, or the meeting's decisions; per-city limit) proposes the shortlist with its
warnings and pending decisions; staff freeze it with a reason as a new version; every version stays listed."""
import pandas as pd
import streamlit as st

from app_pages.widgets import common
from scoring.results import ranking_files, shortlist
from scoring.rounds import review_rounds
from scoring.common.access import Permission
from scoring.common.normalize import validated
from scoring.results.shortlist import Proposal, ShortlistEntry, ShortlistMode, ShortlistRule

principal = common.require_page(Permission.VIEW_ASSIGNMENTS)
store = common.storage()
batch = common.current_batch()
can_manage = principal.can(Permission.MANAGE_ROUNDS, batch.batch_id)

st.title("拟入选名单")
review_round = common.choose_round(review_rounds.list_rounds(store, principal, batch.batch_id), "shortlist_round")
round_id = review_round.round_id


def entries_table(entries: list[ShortlistEntry]) -> pd.DataFrame:
    return pd.DataFrame([{"序号": e.order, "申报单位": e.unit_name, "单位类型": e.unit_type or "—", "城市": e.city,
                          "排名": e.rank if e.rank is not None else "—",
                          "最终得分": float(e.final) if e.final is not None else None, "入选依据": e.basis,
                          "统一社会信用代码": e.credit_code} for e in entries])


SCORE = {"最终得分": st.column_config.NumberColumn(format="%.2f")}


def rule_inputs() -> ShortlistRule | None:
    st.subheader("入选规则")
    mode = ShortlistMode(st.radio("规则", [str(m) for m in ShortlistMode], horizontal=True, key="rule_mode"))
    left, right = st.columns(2)
    top_n = threshold = None
    if mode is ShortlistMode.TOP_N:
        top_n = int(left.number_input("入选名额", min_value=1, max_value=10_000, value=10, step=1, key="rule_top_n"))
    elif mode is ShortlistMode.THRESHOLD:
        threshold = left.number_input("分数线（最终得分不低于）", min_value=0.0, max_value=1000.0, value=80.0,
                                      step=0.5, key="rule_threshold")
    limit = int(right.number_input("每市名额上限（0 为不限）", min_value=0, max_value=1000, value=0, step=1,
                                   key="rule_city_limit"))
    with common.shown_errors():
        rule = validated(ShortlistRule, {"mode": mode, "top_n": top_n,
                                         "threshold": None if threshold is None else str(threshold),
                                         "per_city_limit": limit or None})
        st.caption(f"规则：{rule.describe()}。会议决定“入选”的单位总在名单中，“不入选”的总不在。")
        return rule
    return None


def show_proposal(proposed: Proposal) -> None:
    st.subheader(f"按规则生成的名单（{len(proposed.entries)} 个单位）")
    for warning in proposed.warnings:
        st.warning(warning, icon=":material/warning:")
    if proposed.pending:
        st.error("尚有待定的会议决定，不能确定名单：" + "、".join(proposed.pending), icon=":material/pending:")
    if proposed.entries:
        st.dataframe(entries_table(proposed.entries), hide_index=True, key="proposal_table", column_config=SCORE)
    else:
        st.info("按此规则没有入选单位。")


def freeze_form(rule: ShortlistRule, proposed: Proposal) -> None:
    if not review_round.closed_at:
        st.info("评审尚未结束，请先在“评审排名”页面结束评审，再确定拟入选名单。", icon=":material/lock_open:")
        return
    with st.container(border=True):
        st.markdown("**确定名单**：保存为新的版本（内容不再改变，记录 SHA-256、操作人和时间），公示使用最新版本。")
        reason = st.text_input("确定理由（必填，记入审计日志）", key="freeze_reason")
        if st.button("确定拟入选名单", type="primary", key="freeze_shortlist", icon=":material/verified:",
                     disabled=bool(proposed.pending) or not proposed.entries):
            with common.shown_errors():
                frozen = shortlist.freeze_shortlist(store, principal, round_id, rule, reason)
                common.flash(f"已确定拟入选名单第 {frozen.version} 版（{len(frozen.entries)} 个单位）。")
                st.rerun()


def versions_section() -> None:
    versions = shortlist.shortlists(store, principal, round_id)
    st.subheader(f"已确定的版本（{len(versions)}）")
    if not versions:
        st.info("尚未确定拟入选名单。")
        return
    st.dataframe(pd.DataFrame([{
        "版本": f"第 {v.version} 版", "规则": v.rule.describe(), "入选单位": len(v.entries),
        "SHA-256": v.sha256[:16] + "…", "操作人": v.created_by, "时间": f"{v.created_at:%Y-%m-%d %H:%M}",
        "理由": v.reason} for v in reversed(versions)]), hide_index=True, key="shortlist_versions")
    by_version = {v.version: v for v in versions}
    chosen = st.selectbox("查看版本", sorted(by_version, reverse=True), key="shortlist_version",
                          format_func=lambda n: f"第 {n} 版（{by_version[n].created_at:%Y-%m-%d %H:%M}）")
    version = by_version[chosen]
    st.caption(f"第 {version.version} 版完整 SHA-256：{version.sha256}")
    st.dataframe(entries_table(version.entries), hide_index=True, key="shortlist_version_entries",
                 column_config=SCORE)
    if st.button("导出此版本（.xlsx）", key="export_shortlist", icon=":material/description:"):
        with common.shown_errors():
            written = ranking_files.export_shortlist(store, principal, round_id, version.version)
            st.download_button(f"下载 {written.filename}", written.content, file_name=written.filename,
                               mime=written.media_type, key="download_shortlist", icon=":material/download:")
            st.caption(f"SHA-256 {written.sha256[:16]}…（已存档并记入审计日志）")


rule = rule_inputs()
if rule is not None:
    proposed = shortlist.proposal(store, principal, round_id, rule)
    show_proposal(proposed)
    if can_manage:
        freeze_form(rule, proposed)
st.divider()
versions_section()
