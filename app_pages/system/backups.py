"""备份与恢复: back up the database and the exports now, the generations kept with their SHA-256, the schedule, and
how to restore (the command line, with the app stopped)."""
from datetime import timedelta

import pandas as pd
import streamlit as st

from app_pages.widgets import common
from scoring.common import clock
from scoring.common.access import Permission
from scoring.storage import backup
from scoring.storage.backup import BackupSettings

# A backup holds every account's password hash and all applications: the same trust as managing accounts.
principal = common.require_page(Permission.MANAGE_ACCOUNTS)
store = common.storage()
directory = backup.backups_dir()

st.title("备份与恢复")
st.caption(f"备份目录：{directory.resolve()}（环境变量 SCORING_BACKUPS）。每份备份是一个 zip 文件，包括数据库与导出文件"
           "（exports），旁附 SHA-256 校验文件；应用运行时备份，数据保持一致（备份期间写入操作稍候）。")


def attempt(action, success: str) -> None:
    with common.shown_errors():
        result = action()
        common.flash(success.format(result=result))
        st.rerun()


with st.form("backup_now", clear_on_submit=True):
    reason = st.text_input("备份理由（记入审计日志）", value="手动备份", key="backup_reason")
    if st.form_submit_button("立即备份", type="primary", icon=":material/backup:"):
        attempt(lambda: backup.create_backup(store, principal, reason),
                "已备份：{result.name}")

st.subheader("已有备份")
kept = backup.list_backups(directory)
current = backup.settings(store)
if not kept:
    st.info("尚无备份。")
else:
    st.dataframe(pd.DataFrame([{"文件": b.name, "时间": b.created_at, "大小（MB）": round(b.size / 1e6, 2),
                                "SHA-256": b.sha256 or "（缺少校验文件）"} for b in kept]),
                 hide_index=True, width="stretch")
    chosen = st.selectbox("选择备份", [b.name for b in kept], key="chosen_backup")
    picked = next(b for b in kept if b.name == chosen)
    left, right = st.columns(2)
    left.download_button("下载所选备份", data=picked.path.read_bytes, file_name=picked.name, mime="application/zip",
                         key="download_backup", icon=":material/download:", on_click="ignore")
    if right.button("核对所选备份的 SHA-256", key="verify_backup", icon=":material/verified:"):
        problems = backup.verify(picked.path)
        if problems:
            st.error("；".join(problems))
        else:
            st.success(f"{picked.name} 校验通过：文件与清单中每个文件的 SHA-256 均一致。")

st.subheader("保留与自动备份")
if current.interval_hours and kept:
    st.caption(f"下次自动备份约在 {kept[0].created_at + timedelta(hours=current.interval_hours):%Y-%m-%d %H:%M}"
               f"（现在 {clock.now():%H:%M}）。")
elif current.interval_hours:
    st.caption("自动备份已开启：一分钟内进行第一次备份。")
with st.form("backup_settings"):
    keep = st.number_input(BackupSettings.model_fields["keep"].title, min_value=1, max_value=365, value=current.keep,
                           key="backup_keep")
    interval = st.number_input(BackupSettings.model_fields["interval_hours"].title, min_value=0, max_value=24 * 30,
                               value=current.interval_hours, key="backup_interval")
    settings_reason = st.text_input("修改理由（记入审计日志）", key="backup_settings_reason")
    if st.form_submit_button("保存备份设置", icon=":material/save:"):
        attempt(lambda: backup.set_settings(store, principal, BackupSettings(keep=int(keep), interval_hours=int(interval)),
                                            settings_reason), "备份设置已保存。")

st.subheader("恢复")
st.info("恢复会用备份替换全部数据（包括账号与登录状态）和导出文件，因此在应用停止时用命令行进行："
        "先停止应用，再在项目目录运行\n\n"
        "`.venv/bin/python -m scoring system restore backups/<备份文件> --reason \"恢复原因\" --yes`\n\n"
        "命令先核对 SHA-256 与清单，原数据库保留为 `review.duckdb.before-restore-<时间>`；然后重新启动应用。")
