"""回避关系: the conflict report of the batch under chosen rules, each pair explained; declare and withdraw pairs."""
import streamlit as st

from app_pages.widgets import common, texts
from scoring.experts import pool
from scoring.common.access import Permission
from scoring.intake.applications import visible_applications
from scoring.common.models import ConflictRule, ConflictRules, ConflictSource

principal = common.require_page(Permission.VIEW_EXPERTS)
store = common.storage()
batch = common.current_batch()
can_manage = principal.can(Permission.MANAGE_EXPERTS)
experts = pool.list_experts(store, principal)
applications = visible_applications(store, principal, batch.batch_id)

st.title("回避关系")
st.caption("专家不得评审与其存在回避关系的申报单位。以下规则是评审轮次的设置，在分配之前即可查看回避报告。"
           "每一对组合列出所依据的规则和说明。")


def chosen_rules() -> ConflictRules:
    defaults = ConflictRules()
    with st.container(border=True):
        st.markdown("**回避规则**")
        columns = st.columns(5)
        return ConflictRules(
            own_unit=columns[0].checkbox(ConflictRules.model_fields["own_unit"].title, defaults.own_unit,
                                         key="rule_own_unit"),
            affiliations_within_years=columns[1].number_input(
                "兼职与工作经历回避年限", min_value=0, max_value=10, value=defaults.affiliations_within_years,
                help="终止日期在此年数内（或仍在任职）的兼职、原工作单位构成回避；0为不按此回避。",
                key="rule_affiliation_years"),
            declared_pairs=columns[2].checkbox(ConflictRules.model_fields["declared_pairs"].title,
                                               defaults.declared_pairs, key="rule_declared"),
            recusals=columns[3].checkbox(ConflictRules.model_fields["recusals"].title, defaults.recusals,
                                         key="rule_recusals"),
            same_city=columns[4].checkbox(ConflictRules.model_fields["same_city"].title, defaults.same_city,
                                          help="默认关闭：专家与申报单位在同一城市即回避。", key="rule_same_city"),
        )


def show_report(rules: ConflictRules) -> None:
    conflicts = pool.conflict_report(store, principal, batch.batch_id, rules)
    pairs = {(c.expert_id, c.credit_code) for c in conflicts}
    left, middle, right = st.columns(3)
    left.metric("需回避的组合", len(pairs))
    middle.metric("涉及专家", len({e for e, _ in pairs}))
    right.metric("涉及申报单位", len({c for _, c in pairs}))
    shown_rules = st.multiselect("按规则筛选", list(ConflictRule), key="conflict_rule_filter", placeholder=texts.CHOOSE_MANY)
    text = st.text_input("查找（专家、单位、说明）", key="conflict_text")
    table = pool.conflict_table(conflicts, experts, applications)
    if shown_rules:
        table = table[table["回避规则"].isin([str(r) for r in shown_rules])]
    if text.strip():
        table = table[table.apply(lambda row: text.strip() in " ".join(map(str, row.values)), axis=1)]
    st.dataframe(table, hide_index=True, key="conflict_table",
                 column_config={"回避说明": st.column_config.TextColumn(width="large")})


def show_declared() -> None:
    st.subheader("登记的回避关系")
    pairs = pool.declared_conflicts(store, principal)
    if pairs:
        st.dataframe(pool.declared_table(pairs, experts, applications), hide_index=True, key="declared_table")
    else:
        st.caption("尚未登记任何回避关系。")
    if can_manage:
        declare_form()
        if pairs:
            withdraw_form(pairs)


def declare_form() -> None:
    by_id = {e.expert_id: e for e in experts}
    units = {a.credit_code: a.basic.unit_name for a in applications}
    with st.expander("登记回避关系", expanded=False):
        expert_id = st.selectbox("专家", list(by_id), format_func=lambda i: f"{i} {by_id[i].name}（{by_id[i].unit}）",
                                 key="declare_expert")
        code = st.selectbox("申报单位", list(units), format_func=lambda c: f"{units[c]}（{c}）", key="declare_unit")
        source = st.radio("来源", [ConflictSource.STAFF, ConflictSource.EXPERT], horizontal=True, key="declare_source")
        reason = st.text_input("回避原因（必填）", placeholder="如：配偶在该单位任职", key="declare_reason")
        if st.button("登记回避关系", key="declare_pair", disabled=not (expert_id and code)):
            with common.shown_errors():
                pool.declare_conflict(store, principal, expert_id, code, reason, ConflictSource(source))
                common.flash(f"已登记：专家{by_id[expert_id].name}不评审{units[code]}。")
                st.rerun()


def withdraw_form(pairs) -> None:
    labels = {f"{p.expert_id}|{p.credit_code}": f"{p.expert_id} × {p.credit_code}：{p.reason}" for p in pairs}
    with st.expander("撤销回避关系", expanded=False):
        chosen = st.selectbox("回避关系", list(labels), format_func=labels.get, key="withdraw_pair")
        reason = st.text_input("撤销理由（必填）", key="withdraw_reason")
        if st.button("撤销", key="withdraw_button"):
            expert_id, code = chosen.split("|")
            with common.shown_errors():
                pool.withdraw_conflict(store, principal, expert_id, code, reason)
                common.flash("已撤销该回避关系。")
                st.rerun()


show_report(chosen_rules())
st.divider()
show_declared()
