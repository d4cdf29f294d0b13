"""消息: the signed-in person's own notices, unread first; open one to read it, mark read one by one or all."""
import streamlit as st

from app_pages.widgets import common
from scoring.notifications import outbox

session = common.require_session()
principal = session.principal
store = common.storage()

common.show_flash()
unread = outbox.unread_count(store, principal)
st.title(f"消息（{unread} 条未读）" if unread else "消息")
found = outbox.notices_for(store, principal)
if not found:
    st.info("暂无消息。分配评审任务、评审截止前等需要您办理的事项会在这里通知您，设置了通知邮箱时也发送邮件。")
    st.stop()
if unread and st.button("全部标为已读", key="mark_all_read"):
    with common.shown_errors():
        common.flash(f"已将 {outbox.mark_all_read(store, principal)} 条消息标为已读。")
        st.rerun()
for notice in found:
    label = f"{'（未读）' if notice.unread else ''}{notice.subject}　{notice.created_at:%Y-%m-%d %H:%M}"
    with st.expander(label, expanded=notice.unread):
        st.text(notice.body)
        st.caption(f"{notice.kind}　{notice.state}" + (f"（{notice.address}）" if notice.address else ""))
        if notice.unread and st.button("标为已读", key=f"read_{notice.notice_id}"):
            with common.shown_errors():
                outbox.mark_read(store, principal, notice.notice_id)
                st.rerun()
