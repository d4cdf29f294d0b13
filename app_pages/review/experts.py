"""专家库: the pool with filters, import with every problem named, the template, edit and deactivate with a reason."""
import pandas as pd
import streamlit as st

from app_pages.widgets import common, texts, uploader
from scoring.experts import pool
from scoring.common.access import Permission, Principal
from scoring.common.accounts import CredentialKind
from scoring.common.disciplines import Discipline
from scoring.documents.expert_workbook import expert_template_bytes
from scoring.experts.ratings import expert_ratings
from scoring.experts.pool import ExpertStatus
from scoring.common.models import AffiliationKind, City, Expert

REPORT_KEY = "last_expert_import_report"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AFFILIATION_COLUMNS = {"unit_name": "单位名称", "credit_code": "统一社会信用代码", "kind": "关系类型", "start": "起始日期",
                       "end": "终止日期"}

principal = common.require_page(Permission.VIEW_EXPERTS)
store = common.storage()
can_manage = principal.can(Permission.MANAGE_EXPERTS)
st.title("专家库")
experts = pool.list_experts(store, principal, include_inactive=True)


def show_list() -> None:
    left, middle, right = st.columns(3)
    fields = left.multiselect("专业领域", list(Discipline), key="filter_discipline", placeholder=texts.CHOOSE_MANY)
    cities = middle.multiselect("所在城市", list(City), key="filter_expert_city", placeholder=texts.CHOOSE_MANY)
    statuses = right.multiselect("状态", list(ExpertStatus), default=[ExpertStatus.AVAILABLE, ExpertStatus.UNAVAILABLE],
                                 key="filter_expert_status", placeholder=texts.CHOOSE_MANY)
    text = st.text_input("查找（编号、姓名、单位、职称）", key="filter_expert_text")
    shown = pool.filter_experts(experts, fields, cities, statuses, text)
    st.caption(f"共 {len(shown)} 位（专家库 {len(experts)} 位，其中已停用 "
               f"{sum(not e.active for e in experts)} 位）。")
    st.dataframe(pool.expert_table(shown), hide_index=True, key="experts_table")
    show_ratings()


def show_ratings() -> None:
    """Staff's ratings of the experts' work in earlier rounds (履职评价), for choosing the next round's experts."""
    ratings = expert_ratings(store, principal)
    if not ratings:
        return
    names = {e.expert_id: e.name for e in experts}
    with st.expander(f"履职评价（{len(ratings)} 条，供遴选下一轮评审专家参考）"):
        st.dataframe(pd.DataFrame([{
            "专家编号": r.expert_id, "专家": names.get(r.expert_id, r.expert_id), "评审轮次": r.round_id,
            "评价": str(r.rating), "说明": r.note, "履职数据": r.figures.summary(), "评价人": r.rated_by,
            "评价时间": f"{r.rated_at:%Y-%m-%d %H:%M}"} for r in ratings]), hide_index=True, key="ratings_table")


def show_import() -> None:
    st.markdown(
        "1. 下载专家导入模板，按“填表说明”填写：专家信息、兼职与工作经历（近三年）、回避关系；\n"
        "2. 上传填好的工作簿，或每张表一个 CSV 文件（第一行为列名，与模板一致）；\n"
        "3. 系统先校验全部内容：**有任何错误则不导入任何内容**；警告不阻止导入。"
        "同一专家编号再次导入即更新该专家；已停用的专家仍为停用。"
    )
    left, right = st.columns(2)
    left.download_button("下载专家导入模板（.xlsx）", cached_template(), file_name="专家导入模板.xlsx", mime=XLSX,
                         key="download_expert_template")
    right.download_button("导出专家库（.xlsx，可修改后再次导入）",
                          cached_export(store.data_version(), principal.model_dump_json()),
                          file_name="专家库.xlsx", mime=XLSX, key="export_experts")
    uploads = uploader.file_uploader("上传文件", ["xlsx", "xls", "csv"], accept_multiple_files=True, key="expert_files")
    reason = st.text_input("导入说明（可选，记入审计日志）", key="expert_import_reason")
    if st.button("校验并导入", type="primary", disabled=not uploads, key="run_expert_import"):
        with common.shown_errors():
            with st.spinner("正在校验……"):
                report = pool.import_experts(store, principal, [(f.name, f.getvalue()) for f in uploads], reason)
            st.session_state[REPORT_KEY] = report
            st.rerun()  # the list above must show what was just imported
    report = st.session_state.get(REPORT_KEY)
    if report is not None:
        show_report(report)


@st.cache_data(show_spinner=False)
def cached_template() -> bytes:
    return expert_template_bytes()


@st.cache_data(max_entries=4, show_spinner=False)
def cached_export(data_version: int, principal_json: str) -> bytes:
    """The pool as a workbook, rebuilt only when the audit log says something changed; the person is part of
    the key so that one person's export is never served to another."""
    return pool.expert_workbook(store, Principal.model_validate_json(principal_json), include_inactive=True)


def show_report(report: pool.ExpertImportReport) -> None:
    if report.imported:
        st.success(f"导入成功：新增 {len(report.created)} 位，更新 {len(report.updated)} 位，内容未变 "
                   f"{len(report.unchanged)} 位；新登记回避关系 {report.pairs_added} 项。")
    else:
        st.error(f"发现 {len(report.errors)} 个错误，未导入任何内容。请按下表修改后重新上传。")
    if report.issues:
        common.show_import_problems(report)


def show_edit() -> None:
    if not experts:
        st.info("专家库为空，请先导入专家。")
        return
    by_id = {e.expert_id: e for e in experts}
    chosen = st.selectbox("专家", list(by_id), key="edit_expert",
                          format_func=lambda i: f"{i} {by_id[i].name}（{by_id[i].unit}）"
                                                f"{'，已停用' if not by_id[i].active else ''}")
    expert = by_id[chosen]
    edit_form(expert)
    st.divider()
    deactivate_form(expert)


def edit_form(expert: Expert) -> None:
    def key(name: str) -> str:
        # The expert's number in every key: another expert's form must not inherit what was typed for this one.
        return f"{name}_{expert.expert_id}"

    with st.form(f"edit_form_{expert.expert_id}"):
        left, right = st.columns(2)
        values = {
            "name": left.text_input("姓名", expert.name, key=key("edit_name")),
            "unit": right.text_input("工作单位", expert.unit, key=key("edit_unit")),
            "unit_credit_code": left.text_input("工作单位统一社会信用代码", expert.unit_credit_code,
                                                key=key("edit_unit_code")),
            "title": right.text_input("职称", expert.title, key=key("edit_title")),
            "disciplines": left.multiselect("专业领域（1—3项）", list(Discipline), expert.disciplines, max_selections=3,
                                            key=key("edit_disciplines"), placeholder=texts.CHOOSE_MANY),
            "city": right.selectbox("所在城市", list(City), list(City).index(expert.city), key=key("edit_city")),
            "phone": left.text_input("联系电话", expert.phone, key=key("edit_phone")),
            "email": right.text_input("电子邮箱", expert.email, key=key("edit_email")),
            "available": left.checkbox("是否可参评", expert.available, key=key("edit_available")),
            "active": right.checkbox("在库（取消勾选即停用，勾选即恢复）", expert.active,
                                     key=key("edit_active")),
            "note": st.text_area("备注", expert.note, key=key("edit_note")),
        }
        st.caption("兼职与工作经历（近三年；仍在任职的不填终止日期）")
        table = st.data_editor(affiliation_frame(expert), num_rows="dynamic", hide_index=True,
                               key=key("edit_affiliations"), column_config=affiliation_columns())
        reason = st.text_input("修改理由（必填，记入审计日志）", key=key("edit_reason"))
        if st.form_submit_button("保存修改", type="primary"):
            save(expert, values, table, reason)


def affiliation_frame(expert: Expert) -> pd.DataFrame:
    rows = [{title: getattr(a, name) for name, title in AFFILIATION_COLUMNS.items()} for a in expert.affiliations]
    frame = pd.DataFrame(rows, columns=list(AFFILIATION_COLUMNS.values()))
    for name in ("start", "end"):
        frame[AFFILIATION_COLUMNS[name]] = pd.to_datetime(frame[AFFILIATION_COLUMNS[name]]).dt.date
    return frame


def affiliation_columns() -> dict:
    return {
        "单位名称": st.column_config.TextColumn(required=True),
        "关系类型": st.column_config.SelectboxColumn(options=[k.value for k in AffiliationKind], required=True),
        "起始日期": st.column_config.DateColumn(format="YYYY-MM-DD"),
        "终止日期": st.column_config.DateColumn(format="YYYY-MM-DD"),
    }


def affiliation_rows(table: pd.DataFrame) -> list[dict]:
    """The edited rows by field; a row without a unit name is an empty row the editor left behind."""
    rows = []
    for row in table.to_dict("records"):
        values = {name: None if pd.isna(row.get(title)) else row.get(title)
                  for name, title in AFFILIATION_COLUMNS.items()}
        if not (values["unit_name"] or "").strip():
            continue
        rows.append({**values, "credit_code": values["credit_code"] or ""})
    return rows


def save(expert: Expert, values: dict, table: pd.DataFrame, reason: str) -> None:
    with common.shown_errors():
        edited = pool.edited_expert(expert, values, affiliation_rows(table))
        pool.update_expert(store, principal, edited, reason)
        common.flash(f"已保存专家{edited.name}的修改。")
        st.rerun()


def deactivate_form(expert: Expert) -> None:
    if not expert.active:
        st.info(f"专家{expert.name}已停用。如需恢复，请在上方勾选“在库”并填写理由后保存。")
        return
    st.subheader("停用专家")
    st.caption("停用后该专家保留在专家库中（含全部历史），但不再参加分配。")
    reason = st.text_area("停用理由（必填，记入审计日志）", key=f"deactivate_reason_{expert.expert_id}")
    if st.button("停用该专家", key=f"deactivate_expert_{expert.expert_id}"):
        with common.shown_errors():
            pool.deactivate_expert(store, principal, expert.expert_id, reason)
            common.flash(f"已停用专家{expert.name}。")
            st.rerun()


CREDENTIALS_KEY = "issued_expert_credentials"


def show_accounts() -> None:
    """Open accounts for experts without one; the credentials are shown once, to be handed out."""
    candidates = [e for e in experts if e.active]
    chosen = st.multiselect("专家（已有账号的专家会被跳过）", [e.expert_id for e in candidates], key="account_experts",
                            format_func=lambda i: next(f"{e.name}（{e.expert_id}，{e.unit}）" for e in candidates
                                                       if e.expert_id == i), placeholder=texts.CHOOSE_MANY)
    kind = st.radio("发放方式", list(CredentialKind), format_func=str, horizontal=True, key="account_kind")
    if st.button("开通账号", disabled=not chosen, key="open_accounts"):
        with common.shown_errors():
            st.session_state[CREDENTIALS_KEY] = pool.open_expert_accounts(store, principal, chosen, kind)
    issued = st.session_state.get(CREDENTIALS_KEY)
    if issued is not None:
        if not issued:
            st.info("所选专家均已有账号。需要重新发放凭据时，请到“用户与角色”页面重置。")
        else:
            table = pd.DataFrame(issued, columns=["姓名", "登录名", str(kind)])
            st.warning("凭据只显示这一次：请下载或抄录后分发给专家本人，专家首次登录须修改密码。")
            st.table(table)
            st.download_button("下载凭据清单（.csv）", table.to_csv(index=False).encode("utf-8-sig"),
                               file_name="专家账号凭据.csv", mime="text/csv", key="download_credentials")


if can_manage:
    tabs = ["专家列表", "导入专家", "修改与停用"]
    if principal.can(Permission.MANAGE_ACCOUNTS):
        tabs.append("开通专家账号")
    sections = st.tabs(tabs)
    with sections[0]:
        show_list()
    with sections[1]:
        show_import()
    with sections[2]:
        show_edit()
    if len(sections) > 3:
        with sections[3]:
            show_accounts()
else:
    show_list()
