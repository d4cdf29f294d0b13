"""申报进度: per city, what its units are filling in, have submitted, were returned, are recommended and sent, and
when; below, every unit's form. Staff who import applications see every city."""
import pandas as pd
import streamlit as st

from app_pages.widgets import common, texts
from scoring.applying.calls import find_call
from scoring.applying.progress import city_progress
from scoring.common.access import Permission
from scoring.common.models import City

principal = common.require_page(Permission.IMPORT_APPLICATIONS)
store = common.storage()
batch = common.current_batch()


def moment(at) -> str:
    return f"{at:%Y-%m-%d %H:%M}" if at else ""


st.title("申报进度")
call = find_call(store, batch.batch_id)
if call is None:
    st.info("本批次尚未开放网上申报，请先在“开放申报”页面开放。")
    st.stop()
with common.shown_errors(stop=True):
    rows, forms = city_progress(store, principal, batch.batch_id)
st.caption(f"单位提交截止 {moment(call.unit_deadline)}｜市局推荐截止 {moment(call.city_deadline)}。"
           "报送省局的申报书已进入本批次，在“申报列表”中与导入的申报书一同审查。")
if not rows:
    st.info("尚无单位开始填报。")
    st.stop()

totals = {label: sum(getattr(r, field) for r in rows) for field, label in
          (("drafting", "填报中"), ("submitted", "待初审"), ("returned", "已退回"), ("recommended", "已推荐待报送"),
           ("sent", "已报送省局"))}
for column, (label, value) in zip(st.columns(len(totals)), totals.items()):
    column.metric(label, value)
st.dataframe(pd.DataFrame([{"市": str(r.city), "填报中": r.drafting, "待初审": r.submitted, "已退回": r.returned,
                            "已推荐待报送": r.recommended, "已报送省局": r.sent,
                            "最近提交": moment(r.last_submitted_at), "最近报送": moment(r.last_sent_at)}
                           for r in rows]), hide_index=True)

st.subheader("各单位申报书")
shown_cities = [str(r.city) for r in rows]
chosen = st.multiselect("市（不选即全部）", shown_cities, key="progress_cities", placeholder=texts.CHOOSE_MANY)
listed = [f for f in forms if not chosen or f.unit.city in {City(c) for c in chosen}]
st.dataframe(pd.DataFrame([{
    "市": str(f.unit.city), "单位名称": f.unit.unit_name, "统一社会信用代码": f.unit.credit_code, "状态": f.status_text,
    "版本": f.version, "首次提交": moment(f.first_submitted_at), "最近提交": moment(f.submitted_at),
    "草稿保存": moment(f.draft_saved_at), "市局处理": moment(f.review.saved_at) if f.review else "",
    "退回理由": (f.review.return_reason or "") if f.review else "",
    "推荐排序": f.review.rank if f.review else None} for f in listed]), hide_index=True)
