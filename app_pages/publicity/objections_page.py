"""异议处理: the register of the objections to the notice in force — every one received is recorded (anonymous, late
or unsigned ones as 不予受理 with the reasons), handled with notes and decided with a reason — and the confirmed list
that the decisions so far would give."""
import pandas as pd
import streamlit as st

from app_pages.widgets import common
from scoring.common import clock
from scoring.publicity import objections
from scoring.rounds import review_rounds
from scoring.common.access import Permission
from scoring.publicity.confirmation import confirmations, confirmed_units
from scoring.common.normalize import validated
from scoring.publicity.objections import Objection, ObjectionDecision, ObjectionInput, ObjectionStatus, ObjectorKind
from scoring.publicity.notices import PublishedNotice

principal = common.require_page(Permission.VIEW_ASSIGNMENTS)
store = common.storage()
batch = common.current_batch()
can_manage = principal.can(Permission.MANAGE_ROUNDS, batch.batch_id)
REGISTERED_KEY = "objection_registered"  # (round id, number, accepted, reasons) of the objection just registered


def register_table(register: list[Objection]) -> pd.DataFrame:
    return pd.DataFrame([{
        "编号": o.objection_id, "收到日期": f"{o.received.received_on:%Y-%m-%d}",
        "异议人": o.received.objector_name or "（匿名）", "类型": str(o.received.objector_kind), "涉及单位": o.unit_name,
        "状态": str(o.status), "不予受理原因": o.not_accepted_reason, "决定": str(o.decision or ""),
        "理由": o.decision_reason, "决定人": o.decided_by} for o in register])


# --- registering ---------------------------------------------------------------------------------------------------


def show_registered() -> None:
    done = st.session_state.get(REGISTERED_KEY)
    if not done or done[0] != round_id:
        return
    _, number, accepted, reasons = done
    if accepted:
        st.success(f"已登记第 {number} 号异议：已受理，待处理。", icon=":material/task_alt:")
    else:
        st.warning(f"已登记第 {number} 号异议：不予受理（{reasons}）。记录保留在异议登记表中。",
                   icon=":material/do_not_disturb_on:")


def register_form(notice: PublishedNotice) -> None:
    st.subheader("登记异议")
    show_registered()
    units = {u.credit_code: u.unit_name for u in notice.units}
    kind = ObjectorKind(st.radio("异议人类型", [str(k) for k in ObjectorKind], horizontal=True, key="objector_kind"))
    with st.form("objection_form", clear_on_submit=True, border=True):
        left, middle, right = st.columns(3)
        received_on = left.date_input("收到日期", value=clock.today(), format="YYYY-MM-DD", key="objection_received")
        name_label = "单位名称" if kind is ObjectorKind.UNIT else "真实姓名"
        name = middle.text_input(f"异议人（{name_label}，匿名留空）", key="objector_name")
        phone = right.text_input("联系电话", key="objector_phone")
        email = left.text_input("电子邮箱", key="objector_email")
        address = middle.text_input("通讯地址", key="objector_address")
        sealed_label = "异议材料已加盖单位公章" if kind is ObjectorKind.UNIT else "异议材料已由本人签名"
        sealed = right.checkbox(sealed_label, key="objection_sealed")
        code = st.selectbox("异议涉及单位", list(units), format_func=units.get, key="objection_unit")
        content = st.text_area("异议内容", key="objection_content")
        files = st.file_uploader("证明材料（可多选）", accept_multiple_files=True, key="objection_evidence")
        submitted = st.form_submit_button("登记异议", type="primary", key="register_objection",
                                          icon=":material/post_add:")
    if submitted:
        register(dict(received_on=received_on, objector_kind=kind, objector_name=name, phone=phone, email=email,
                      address=address, sealed_or_signed=sealed, credit_code=code, content=content),
                 [(f.name, f.getvalue()) for f in files or []])


def register(values: dict, evidence: list[tuple[str, bytes]]) -> None:
    with common.shown_errors():
        received = validated(ObjectionInput, values)
        filed = objections.register_objection(store, principal, round_id, received, evidence)
        st.session_state[REGISTERED_KEY] = (round_id, filed.objection_id, filed.accepted, filed.not_accepted_reason)
        st.rerun()


# --- one objection -------------------------------------------------------------------------------------------------


def detail_section(register: list[Objection], final: bool) -> None:
    st.subheader("异议详情与处理")
    by_id = {o.objection_id: o for o in register}
    chosen = by_id[st.selectbox("异议", list(by_id), key="objection_detail",
                                format_func=lambda i: f"第 {i} 号　{by_id[i].unit_name}　{by_id[i].status}")]
    received = chosen.received
    contact = "；".join(p for p in (received.phone, received.email, received.address) if p) or "（未留）"
    st.markdown(f"**异议人**：{received.objector_name or '（匿名）'}（{received.objector_kind}，"
                f"{'已盖章/签名' if received.sealed_or_signed else '未盖章/签名'}）　**联系方式**：{contact}")
    st.caption(f"{received.received_on:%Y-%m-%d} 收到，{chosen.registered_at:%Y-%m-%d %H:%M} 由 "
               f"{chosen.registered_by} 登记；针对第 {chosen.notice_version} 版公示。")
    with st.container(border=True):
        st.text(received.content)
    for n, file in enumerate(chosen.evidence):
        st.download_button(f"{file.name}（{file.size:,} 字节）",
                           lambda sha256=file.sha256: objections.evidence_content(store, principal,
                                                                                  chosen.objection_id, sha256),
                           file_name=file.name, key=f"evidence_{chosen.objection_id}_{n}",
                           icon=":material/attach_file:", on_click="ignore")
    notes_part(chosen)
    if chosen.status is ObjectionStatus.NOT_ACCEPTED:
        st.warning(f"不予受理：{chosen.not_accepted_reason}", icon=":material/do_not_disturb_on:")
    elif chosen.decision is not None:
        st.info(f"处理决定：{chosen.decision}（{chosen.decision_reason}）——{chosen.decided_by}，"
                f"{chosen.decided_at:%Y-%m-%d %H:%M}", icon=":material/gavel:")
    if can_manage and chosen.accepted and not final:
        decision_form(chosen)


def notes_part(chosen: Objection) -> None:
    st.markdown("**处理记录**")
    for note in chosen.notes:
        st.markdown(f"- {note.at:%Y-%m-%d %H:%M} {note.actor}：{note.text}")
    if not chosen.notes:
        st.caption("尚无处理记录。")
    if not can_manage:
        return
    text = st.text_area("新的处理记录（调查核实情况）", key="objection_note", height=68)
    if st.button("添加处理记录", key="add_note", icon=":material/note_add:"):
        with common.shown_errors():
            objections.add_note(store, principal, chosen.objection_id, text)
            common.flash(f"已为第 {chosen.objection_id} 号异议添加处理记录。")
            st.rerun()


def decision_form(chosen: Objection) -> None:
    with st.container(border=True):
        st.markdown("**处理决定**（确认名单前可改变；异议成立的单位不列入确认名单）")
        decision = st.radio("决定", [str(d) for d in ObjectionDecision], horizontal=True, key="objection_decision")
        reason = st.text_input("理由（必填，记入审计日志）", key="objection_decision_reason")
        if st.button("记录处理决定", key="decide_objection", icon=":material/gavel:"):
            with common.shown_errors():
                objections.decide_objection(store, principal, chosen.objection_id, ObjectionDecision(decision), reason)
                common.flash(f"已记录第 {chosen.objection_id} 号异议的处理决定：{decision}。")
                st.rerun()


def outcome_section(notice: PublishedNotice, register: list[Objection]) -> None:
    kept, removed = confirmed_units(notice.units, register)
    st.subheader(f"按目前决定的确认名单（{len(kept)} 个单位）")
    st.dataframe(pd.DataFrame([{"序号": u.order, "单位名称": u.unit_name, "所在市": u.city} for u in kept]),
                 hide_index=True, key="confirmed_so_far")
    if removed:
        st.warning("因异议成立将不予确认：" + "；".join(
            f"{r.unit_name}（第 {'、'.join(map(str, r.objection_ids))} 号异议：{'；'.join(r.reasons)}）" for r in removed),
            icon=":material/person_remove:")


# --- the page ------------------------------------------------------------------------------------------------------


st.title("异议处理")
review_round = common.choose_round(review_rounds.list_rounds(store, principal, batch.batch_id), "objections_round")
round_id = review_round.round_id
notice = common.notice_in_force(store, principal, round_id, "本轮次没有发布中的公示，发布公示后才能登记异议。",
                                "匿名、超出公示期、未盖章或未签名的异议照常登记，标记为不予受理。")
register_list = [o for o in objections.objections(store, principal, round_id) if o.notice_version == notice.version]
final = any(c.notice_version == notice.version for c in confirmations(store, principal, round_id))
if final:
    st.info("名单已确认，异议处理决定不再改变。", icon=":material/lock:")

if can_manage and not final:
    register_form(notice)
st.subheader(f"异议登记表（{len(register_list)} 件）")
if register_list:
    st.dataframe(register_table(register_list), hide_index=True, key="objection_register")
    detail_section(register_list, final)
else:
    st.info("尚未收到异议。")
outcome_section(notice, register_list)
