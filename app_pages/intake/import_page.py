"""导入申报书: template download, upload, every problem named, all-or-nothing import."""
import streamlit as st

from app_pages.widgets import common, uploader
from scoring.common.access import Permission
from scoring.documents.application_form_docx import form_docx
from scoring.documents.application_workbook import template_bytes
from scoring.intake.importer import import_files

REPORT_KEY = "last_import_report"
ACCEPTED_TYPES = ["xlsx", "xls", "csv", "json", "pdf", "doc", "docx", "txt", "md", "ofd", "wps"]

principal = common.require_page(Permission.IMPORT_APPLICATIONS)
batch = common.current_batch()
st.title("导入申报书")
st.markdown(
    "1. 下载导入模板，按“填表说明”填写（一个工作簿可填写多份申报书）；\n"
    "2. 将填好的工作簿（或 JSON 文件、按本系统 Word 模板填好的申报书 .docx）与其引用的附件（三年建设方案、市局推荐函）"
    "一并上传；\n"
    "3. 系统先校验全部内容：**有任何错误则不导入任何内容**，请按错误清单修改后重新上传；"
    "警告不阻止导入。同一单位（统一社会信用代码）再次导入时更新原申报书并保留历史版本。"
)


@st.cache_data(show_spinner=False)
def cached_template() -> bytes:
    return template_bytes()


left, right = st.columns(2)
left.download_button("下载导入模板（.xlsx）", cached_template(), file_name="申报书导入模板.xlsx",
                     mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="download_template")
# Made when clicked: a Word form for one unit to fill in by hand and upload here.
right.download_button("下载空白申报书（Word）", lambda: form_docx(None, batch.title, batch.window),
                      file_name="申报书（空白）.docx", key="download_blank_form", icon=":material/description:")

uploads = uploader.file_uploader(f"上传文件（导入到：{batch.title}）", ACCEPTED_TYPES, accept_multiple_files=True,
                                 key="import_files")
reason = st.text_input("导入说明（可选，记入审计日志）", key="import_reason")

if st.button("校验并导入", type="primary", disabled=not uploads, key="run_import"):
    with common.shown_errors():
        with st.spinner("正在校验……"):
            report = import_files(common.storage(), batch, [(f.name, f.getvalue()) for f in uploads], principal, reason)
        st.session_state[REPORT_KEY] = report

report = st.session_state.get(REPORT_KEY)
if report is not None:
    if report.imported:
        st.success(f"导入成功：新增 {len(report.created)} 份，更新 {len(report.updated)} 份，"
                   f"内容未变 {len(report.unchanged)} 份。审查结果已自动生成。")
    else:
        st.error(f"发现 {len(report.errors)} 个错误，未导入任何内容。请按下表修改后重新上传。")
    if report.issues:
        common.show_import_problems(report)
