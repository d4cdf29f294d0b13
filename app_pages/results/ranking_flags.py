"""评审质量提示: what staff should look at before the meeting — flags grouped by kind, each with what it saw and the
sheets it names — and any named sheet opened read-only."""
import pandas as pd
import streamlit as st

from app_pages.widgets import common, sheet_view
from scoring.results import quality_flags
from scoring.rounds import review_rounds
from scoring.review import score_sheets
from scoring.common.access import Permission
from scoring.results.quality_flags import Flag, FlagKind

principal = common.require_page(Permission.VIEW_ASSIGNMENTS)
store = common.storage()
batch = common.current_batch()

KIND_ICONS = {FlagKind.INCOMPLETE: ":material/pending_actions:", FlagKind.DISAGREEMENT: ":material/call_split:",
              FlagKind.LENIENT: ":material/trending_up:", FlagKind.SEVERE: ":material/trending_down:",
              FlagKind.SAME_TOTAL: ":material/drag_handle:",
              FlagKind.EXTREME_WITHOUT_COMMENT: ":material/comments_disabled:"}

st.title("评审质量提示")
review_round = common.choose_round(review_rounds.list_rounds(store, principal, batch.batch_id), "flags_round")
flags = quality_flags.round_flags(store, principal, review_round.round_id)
progress = score_sheets.round_progress(store, principal, review_round.round_id)
experts = {e.expert_id: e.name for e in progress.experts}
units = dict(zip(*[common.application_table(principal, batch)[c] for c in ("统一社会信用代码", "单位名称")]))


def expert_text(expert_id: str) -> str:
    return f"{experts.get(expert_id, expert_id)}（{expert_id}）" if expert_id else "—"


def sheet_text(sheet: tuple[str, str]) -> str:
    code, expert_id = sheet
    return f"{units.get(code, code)} — {experts.get(expert_id, expert_id)}"


columns = st.columns(len(FlagKind))
for column, kind in zip(columns, FlagKind):
    column.metric(str(kind), sum(1 for f in flags if f.kind is kind))
st.caption("提示只说明看到了什么，供会议前核对；是否退回评分表由工作人员在“评审进度”页面决定。")
if not flags:
    st.success("本轮没有需要注意的评审质量问题。", icon=":material/task_alt:")
    st.stop()


def flag_table(kind_flags: list[Flag]) -> pd.DataFrame:
    return pd.DataFrame([{"申报单位": units.get(f.credit_code, f.credit_code) if f.credit_code else "—",
                          "专家": expert_text(f.expert_id), "说明": f.message,
                          "涉及评分表": "；".join(sheet_text(s) for s in f.sheets) or "—"} for f in kind_flags])


# The first kind with flags stands open, and any kind short enough to read at a glance.
first = flags[0].kind
for kind in FlagKind:
    kind_flags = [f for f in flags if f.kind is kind]
    if kind_flags:
        with st.expander(f"{kind}（{len(kind_flags)}）", icon=KIND_ICONS[kind],
                         expanded=kind is first or len(kind_flags) <= 10):
            st.dataframe(flag_table(kind_flags), hide_index=True, key=f"flags_{kind.name.lower()}")

st.subheader("查看涉及的评分表")
named = sorted({s for f in flags for s in f.sheets}, key=sheet_text)
if not named:
    st.info("以上提示没有指向具体的评分表。")
    st.stop()
chosen = st.selectbox("评分表", [f"{code}|{expert_id}" for code, expert_id in named], key="flag_sheet",
                      format_func=lambda k: sheet_text(tuple(k.split("|"))))
code, expert_id = chosen.split("|")
submitted = score_sheets.submitted_sheets(store, principal, review_round.round_id, expert_id=expert_id,
                                          credit_code=code)
if submitted:
    sheet_view.show_sheet(score_sheets.rubric_of(store, principal, review_round.round_id), submitted[0])
else:
    st.info("该评分表尚未提交（草稿不对工作人员显示）。")
