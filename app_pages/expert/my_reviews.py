"""我的评审: the signed-in expert's assigned applications by round with the state of each score sheet; a row's
button opens it on the 评分 page; the expert's own score sheets to print and sign."""
from itertools import groupby

import pandas as pd
import streamlit as st

from app_pages.widgets import common, sheet_view
from scoring.review import score_sheets
from scoring.common.access import Permission
from scoring.common.models import SheetStatus
from scoring.review.rubrics import points_text
from scoring.review.score_sheets import ScoreTask

OPEN_KEY = "my_reviews_open"  # set by a row's button; the page then switches to 评分

principal = common.require_page(Permission.SCORE)
store = common.storage()
batch = common.current_batch()

st.title("我的评审")
if not principal.expert_id:
    st.info("只有关联了专家库专家的评审专家账号才有评审任务。")
    st.stop()

tasks = [t for t in score_sheets.my_tasks(store, principal) if t.batch_id == batch.batch_id]
if not tasks:
    st.info("目前没有分配给您的评审任务。省局工作人员确认分配后，您的评审任务将在此列出。")
    st.stop()

finished = [t for t in tasks if t.status in (SheetStatus.SUBMITTED, SheetStatus.RECUSED)]
columns = st.columns(4)
columns[0].metric("评审任务", len(tasks))
columns[1].metric("已提交", sum(t.status is SheetStatus.SUBMITTED for t in tasks))
columns[2].metric("草稿", sum(t.status is SheetStatus.DRAFT for t in tasks))
columns[3].metric("完成进度", f"{len(finished) / len(tasks):.0%}")
st.progress(len(finished) / len(tasks), text=f"已完成 {len(finished)} / {len(tasks)} 份（已提交或已回避）")
st.caption("点击“评分”打开该申报书的评分页面；评分时每项修改都会自动保存为草稿，全部完成后再提交。")


def open_task(round_id: str, codes: list[str], button_key: str) -> None:
    click = st.session_state.get(button_key)
    if click is not None:
        common.select_task(st.session_state, round_id, codes[click["row"]])
        st.session_state[OPEN_KEY] = True


def task_table(round_tasks: list[ScoreTask]) -> pd.DataFrame:
    return pd.DataFrame([{
        "操作": ":material/edit_note: 评分" if t.status in (SheetStatus.NOT_STARTED, SheetStatus.DRAFT)
        else ":material/visibility: 查看",
        "申报单位": t.unit_name,
        "状态": [str(t.status)],
        "进度": t.progress,
        "当前得分": "—" if t.total is None else points_text(t.total),
        "已评指标": f"{t.scored} / {t.criteria}",
        "截止时间": f"{t.closes_at:%Y-%m-%d %H:%M}" if t.closes_at else "未设定",
        "最后保存": f"{t.saved_at:%m-%d %H:%M:%S}" if t.saved_at else "—",
    } for t in round_tasks])


for round_id, grouped in groupby(sorted(tasks, key=lambda t: t.round_id), key=lambda t: t.round_id):
    round_tasks = list(grouped)
    st.subheader(round_tasks[0].round_label)
    button_key = f"open_{round_id}"
    codes = [t.credit_code for t in round_tasks]
    st.dataframe(
        task_table(round_tasks), hide_index=True, key=f"tasks_{round_id}",
        column_config={
            "操作": st.column_config.ButtonColumn("操作", key=button_key, on_click=open_task,
                                                args=(round_id, codes, button_key), width="small"),
            "状态": sheet_view.STATUS_COLUMN,
            "进度": st.column_config.ProgressColumn("进度", min_value=0, max_value=1, format="percent"),
            "当前得分": st.column_config.TextColumn("当前得分", alignment="right"),
        })
    with st.expander("打印本人评分表（签字用）", icon=":material/print:"):
        st.caption("评分表列出本轮您评审的全部申报书的得分、评语与意见，打印后签字交省局工作人员存档。")
        sheet_view.export_section(store, principal, round_id, key=f"export_{round_id}")

if st.session_state.pop(OPEN_KEY, False):
    st.switch_page("app_pages/expert/score.py")
