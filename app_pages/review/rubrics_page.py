"""评分标准: the rubric files of the server's rubrics folder, valid or not, one shown whole, and a YAML editor that
checks a draft at once (saving files stays on the server: staff edit them there)."""
import pandas as pd
import streamlit as st

from app_pages.widgets import common, sheet_view, uploader
from scoring.rounds import review_rounds
from scoring.common.access import Permission
from scoring.review.rubrics import Rubric, RubricError, RubricFile, RubricIssue, parse_rubric, points_text, rubric_files
from scoring.review.rubrics import rubrics_dir

EDITOR_KEY = "rubric_editor"
SOURCE_KEY = "rubric_editor_source"

principal = common.require_page(Permission.VIEW_ASSIGNMENTS)
batch = common.current_batch()

st.title("评分标准")
st.caption(f"评分标准文件位于服务器的 {rubrics_dir()} 目录，由工作人员在服务器上编辑（字段说明见该目录的 README.md）。"
           "新建或保存评审轮次时，系统冻结所选评分标准文件当时的全文（记录其 SHA-256）；之后修改文件不会改变已保存的轮次，"
           "只对之后新建或重新保存的轮次生效。")

files = rubric_files()


def issues_table(issues: list[RubricIssue]) -> pd.DataFrame:
    return pd.DataFrame([{"文件": i.file, "行": "" if i.line is None else i.line, "字段": i.field or "—",
                          "问题": i.message} for i in issues], columns=["文件", "行", "字段", "问题"])


def files_table(items: list[RubricFile]) -> pd.DataFrame:
    rows = []
    for item in items:
        rubric = item.loaded.rubric if item.loaded else None
        rows.append({"文件": item.path.name, "状态": "有效" if rubric else f"无效（{len(item.issues)} 个问题）",
                     "编号": rubric.id if rubric else "—", "版本": rubric.version if rubric else "—",
                     "名称": rubric.title if rubric else "—", "评审类型": str(rubric.kind) if rubric else "—",
                     "总分": points_text(rubric.total) if rubric else "—",
                     "SHA-256": item.loaded.sha256[:12] + "…" if item.loaded else "—"})
    return pd.DataFrame(rows)


def criteria_table(rubric: Rubric) -> pd.DataFrame:
    return pd.DataFrame([{
        "分组": group, "编号": c.id, "指标": c.name, "满分": points_text(c.max_points), "步长": points_text(c.step),
        "评语要求": c.comment_rule_text, "评分档次": "；".join(f"{b.label} {b.range_text}" for b in c.bands) or "—",
        "申报书数据": "、".join(str(f) for f in c.figures) or "—"}
        for group, criteria in sheet_view.groups(rubric) for c in criteria])


def show_rubric(rubric: Rubric, sha256: str, key: str) -> None:
    """One valid rubric whole: criteria, bands with their guidance, aggregation, bonuses."""
    st.markdown(f"**{rubric.label}**")
    columns = st.columns(4)
    columns[0].metric("评审类型", str(rubric.kind))
    columns[1].metric("总分", points_text(rubric.total))
    columns[2].metric("评分指标", len(rubric.criteria))
    columns[3].metric("须给出总体意见", "是" if rubric.opinion_required else "否")
    st.caption(f"SHA-256 {sha256}")
    if rubric.description:
        st.markdown(rubric.description)
    st.markdown("**评分指标**")
    st.dataframe(criteria_table(rubric), hide_index=True, key=f"{key}_criteria")
    with st.expander("各指标的说明、评分档次与评分要点"):
        for criterion in rubric.criteria:
            st.markdown(f"**{criterion.name}**（{criterion.id}，满分 {points_text(criterion.max_points)} 分）")
            if criterion.description:
                st.caption(criterion.description)
            if criterion.bands:
                st.table(sheet_view.bands_table(criterion), hide_index=True)
    rules = rubric.aggregation
    st.markdown("**汇总规则**")
    tie_breaks = [f"指标“{rubric.criterion(t.criterion).name}”平均分高者" if t.criterion else f"{t.figure}较大者"
                  for t in rules.tie_break]
    # One bullet a statement of describe(), which the CLI prints on one line.
    st.markdown("".join(f"- {statement}\n" for statement in rules.describe().split("；"))
                + f"- 并列规则：{' → '.join(tie_breaks) if tie_breaks else '无'}")
    st.markdown(f"**优先申报加分**（上限 {points_text(rubric.bonus.cap)} 分，须经工作人员核实证明材料，不由专家打分）")
    if rubric.bonus.items:
        st.dataframe(pd.DataFrame([{"编号": b.id, "加分项": b.name, "分值": points_text(b.points),
                                    "对应优先申报条件": str(b.claim) if b.claim else "—", "证明材料": b.evidence or "—"}
                                   for b in rubric.bonus.items]), hide_index=True, key=f"{key}_bonus")
    else:
        st.caption("无加分项。")


def rounds_using() -> None:
    """Which version each round of the batch froze, and whether the file still has that text."""
    listed = review_rounds.list_rounds(common.storage(), principal, batch.batch_id)
    if not listed:
        return
    current = {f.loaded.rubric.id: f.loaded.sha256 for f in files if f.loaded}
    st.markdown("**本批次评审轮次使用的版本**")
    st.dataframe(pd.DataFrame([{
        "轮次": r.label, "评分标准": r.rubric_id, "冻结版本 SHA-256": r.rubric_sha256[:12] + "…",
        "与当前文件": "一致" if current.get(r.rubric_id) == r.rubric_sha256 else "文件已修改（轮次仍用冻结版本）"}
        for r in listed]), hide_index=True, key="rounds_using")


def show_files() -> None:
    if not files:
        st.warning(f"{rubrics_dir()} 中没有评分标准文件（*.yaml）。")
        return
    st.dataframe(files_table(files), hide_index=True, key="rubric_files")
    rounds_using()
    names = [f.path.name for f in files]
    chosen = files[names.index(st.selectbox("查看文件", names, key="rubric_view"))]
    if chosen.loaded:
        show_rubric(chosen.loaded.rubric, chosen.loaded.sha256, key="view")
    else:
        st.error(f"{chosen.path.name} 无效，不能用于评审轮次：", icon=":material/error:")
        st.table(issues_table(chosen.issues), hide_index=True)


def load_into_editor() -> None:
    chosen = st.session_state.get(SOURCE_KEY)
    item = next((f for f in files if f.path.name == chosen), None)
    if item is not None:
        st.session_state[EDITOR_KEY] = item.loaded.text if item.loaded else item.path.read_text(encoding="utf-8")


def upload_into_editor() -> None:
    uploaded = st.session_state.get("rubric_upload")
    if uploaded is not None:
        try:
            st.session_state[EDITOR_KEY] = uploaded.getvalue().decode("utf-8")
        except UnicodeDecodeError:
            st.session_state[EDITOR_KEY] = ""
            st.session_state["rubric_upload_error"] = f"{uploaded.name} 不是 UTF-8 编码的文本文件。"


def show_editor() -> None:
    st.caption("在此修改或粘贴评分标准的 YAML 全文并校验；校验不会保存任何文件。确认无误后，请在服务器上把内容保存到评分标准目录。")
    names = [f.path.name for f in files]
    left, right = st.columns(2)
    left.selectbox("以现有文件为起点", names, index=None, key=SOURCE_KEY, on_change=load_into_editor,
                   placeholder="选择一个文件载入编辑框")
    with right:
        uploader.file_uploader("或上传 .yaml 文件", ["yaml", "yml"], key="rubric_upload", on_change=upload_into_editor)
    if message := st.session_state.pop("rubric_upload_error", None):
        st.error(message)
    text = st.text_area("评分标准（YAML）", key=EDITOR_KEY, height=420)
    source = st.session_state.get(SOURCE_KEY) or "编辑框"
    if st.button("校验", type="primary", key="validate_rubric", icon=":material/fact_check:"):
        try:
            loaded = parse_rubric(text, source)
        except RubricError as exc:
            st.error(f"无效：共 {len(exc.issues)} 个问题。", icon=":material/error:")
            st.table(issues_table(exc.issues), hide_index=True)
        else:
            st.success("有效", icon=":material/check_circle:")
            show_rubric(loaded.rubric, loaded.sha256, key="checked")


files_tab, editor_tab = st.tabs(["评分标准文件", "编辑与校验"])
with files_tab:
    show_files()
with editor_tab:
    show_editor()
