"""评审轮次: the batch's review rounds; create and edit a round; panels with their members and routing."""
from datetime import datetime, time

import streamlit as st

from app_pages.widgets import common, texts
from scoring.experts import pool
from scoring.rounds import review_rounds
from scoring.common.access import Permission
from scoring.rounds.assignment import eligible_applications, suggested_load_bounds
from scoring.common.disciplines import Discipline
from scoring.common.models import ConflictRules
from scoring.rounds.review_rounds import Panel, ReviewRound, RoundKind, RoundMode, RoundSettings
from scoring.review.rubrics import rubric_files

principal = common.require_page(Permission.VIEW_ASSIGNMENTS)
store = common.storage()
batch = common.current_batch()
can_manage = principal.can(Permission.MANAGE_ROUNDS, batch.batch_id)
listed = review_rounds.list_rounds(store, principal, batch.batch_id)

st.title("评审轮次")
st.caption(f"{batch.title}｜每个评审轮次有评审类型、评分标准、评审时间和分配方式。"
           "评审组方式：评审组的每位成员（需回避的除外）评审分到本组的每份申报书；"
           "分布式：每份申报书分给k位专家，专家负荷在上下限之内，同一单位的专家不评审同一份申报书，专业匹配度最高。")


def moment_inputs(prefix: str, label: str, value: datetime | None, end_of_day: bool) -> datetime | None:
    left, right = st.columns(2)
    day = left.date_input(f"{label}日期", value=value.date() if value else None, key=f"{prefix}_date")
    default = time(17, 0) if end_of_day else time(9, 0)
    clock_time = right.time_input(f"{label}时间", value=value.time() if value else default, key=f"{prefix}_time")
    return datetime.combine(day, clock_time) if day else None


def rules_inputs(prefix: str, rules: ConflictRules) -> dict:
    titles = ConflictRules.model_fields
    columns = st.columns(5)
    return {
        "own_unit": columns[0].checkbox(titles["own_unit"].title, rules.own_unit, key=f"{prefix}_own_unit"),
        "affiliations_within_years": columns[1].number_input(
            "兼职与工作经历回避年限", 0, 10, rules.affiliations_within_years, key=f"{prefix}_affiliation_years"),
        "declared_pairs": columns[2].checkbox(titles["declared_pairs"].title, rules.declared_pairs,
                                              key=f"{prefix}_declared"),
        "recusals": columns[3].checkbox(titles["recusals"].title, rules.recusals, key=f"{prefix}_recusals"),
        "same_city": columns[4].checkbox(titles["same_city"].title, rules.same_city, key=f"{prefix}_same_city"),
    }


def rubric_input(column, prefix: str, current: str, kind: RoundKind) -> str:
    """A choice among the valid rubric files, those made for the round's kind first (the form sends the kind only
    on saving, so the others stay listed; saving refuses a rubric of another kind); the round freezes the chosen
    file's text when saved."""
    valid = {f.loaded.rubric.id: f.loaded.rubric for f in rubric_files() if f.loaded}
    options = sorted(valid, key=lambda i: (valid[i].kind != kind, i))
    options += [current] if current and current not in valid else []
    return column.selectbox("评分标准", options, index=options.index(current) if current in options else 0,
                            format_func=lambda rubric_id: valid[rubric_id].label if rubric_id in valid else rubric_id,
                            key=f"{prefix}_rubric", help="保存轮次时冻结评分标准文件的当前内容；之后修改文件不影响本轮次。")


def settings_inputs(prefix: str, current: RoundSettings | None) -> dict:
    """The fields of a round's settings, filled with `current` when editing."""
    if current is None:
        # A new round starts from balanced load bounds for this batch's applications and experts (k = 5).
        low, high = suggested_load_bounds(store, principal, batch.batch_id, 5)
        current = RoundSettings(batch_id=batch.batch_id, kind=RoundKind.SELECTION, rubric_id="-",
                                min_load=low, max_load=high)
    left, middle, right = st.columns(3)
    data = {
        "batch_id": batch.batch_id,
        "title": left.text_input("轮次名称（可选）", current.title, key=f"{prefix}_title"),
        "kind": middle.selectbox("评审类型", list(RoundKind), index=list(RoundKind).index(current.kind),
                                 key=f"{prefix}_kind"),
        "rubric_id": rubric_input(right, prefix, current.rubric_id if prefix != "new" else "", current.kind),
        "mode": st.radio("分配方式", list(RoundMode), index=list(RoundMode).index(current.mode), horizontal=True,
                         key=f"{prefix}_mode"),
        "year": st.number_input("验收/评估年度（年度验收、综合评估填写；遴选不用）", 2000, 2100,
                                current.year or batch.year, key=f"{prefix}_year",
                                help="年度验收、综合评估轮次评审本批次试点在该年度的工作；综合评估在建设期最后一年。"),
    }
    left, middle, right = st.columns(3)
    data["experts_per_application"] = left.number_input(
        "每份申报书的评审专家数", 1, 50, current.experts_per_application, key=f"{prefix}_k",
        help="评审组方式下为每份申报书至少需要的可评审成员数，不足时预览会指出。")
    data["min_load"] = middle.number_input("每位专家评审数下限（分布式）", 0, 10_000, current.min_load,
                                           key=f"{prefix}_min")
    data["max_load"] = right.number_input("每位专家评审数上限（分布式）", 1, 10_000, current.max_load,
                                          key=f"{prefix}_max")
    data["opens_at"] = moment_inputs(f"{prefix}_opens", "评审开始", current.opens_at, end_of_day=False)
    data["closes_at"] = moment_inputs(f"{prefix}_closes", "评审截止", current.closes_at, end_of_day=True)
    st.markdown("**回避规则**")
    data["rules"] = rules_inputs(prefix, current.rules)
    return data


def create_form() -> None:
    with st.form("new_round_form"):
        data = settings_inputs("new", None)
        reason = st.text_input("说明（可选，记入审计日志）", key="new_reason")
        if st.form_submit_button("新建评审轮次", type="primary"):
            with common.shown_errors():
                created = review_rounds.create_round(store, principal, review_rounds.round_settings(data), reason)
                common.flash(f"已新建评审轮次 {created.label}。")
                st.rerun()


def choose_round(key: str) -> ReviewRound:
    by_id = {r.round_id: r for r in listed}
    chosen = st.selectbox("评审轮次", list(by_id), format_func=lambda i: by_id[i].label, key=key)
    return by_id[chosen]


def edit_form() -> None:
    review_round = choose_round("edit_round")
    with st.form("edit_round_form"):
        data = settings_inputs(f"edit_{review_round.round_id}", review_round)
        reason = st.text_input("修改理由（必填，记入审计日志）", key="edit_reason")
        if st.form_submit_button("保存修改", type="primary"):
            with common.shown_errors():
                settings = review_rounds.round_settings({**data, "panels": [p.model_dump() for p in review_round.panels]})
                changed = ReviewRound(round_id=review_round.round_id, **settings.model_dump())
                review_rounds.update_round(store, principal, changed, reason)
                common.flash(f"评审轮次 {review_round.round_id} 已保存。")
                st.rerun()


def show_panels(review_round: ReviewRound, names: dict[str, str]) -> None:
    if not review_round.panels:
        st.info("本轮尚未设置评审组。")
    for panel in review_round.panels:
        with st.container(border=True):
            st.markdown(f"**{panel.name}**（成员 {len(panel.members)} 名）")
            st.caption("成员：" + ("、".join(names.get(m, m) for m in panel.members) or "—"))
            st.caption("按领域分组：" + ("、".join(panel.fields) or "—")
                       + f"｜工作人员指定的申报单位：{len(panel.applications)} 家")


def panel_form(review_round: ReviewRound, names: dict[str, str], units: dict[str, str]) -> None:
    by_name = {p.name: p for p in review_round.panels}
    with st.expander("新增或修改评审组", expanded=not review_round.panels):
        chosen = st.selectbox("评审组", ["（新增评审组）", *by_name], key=f"panel_choice_{review_round.round_id}")
        current = by_name.get(chosen) or Panel(name="第一组" if not by_name else f"第{len(by_name) + 1}组")
        prefix = f"panel_{review_round.round_id}_{chosen}"
        name = st.text_input("评审组名称", current.name, key=f"{prefix}_name")
        members = st.multiselect("成员", list(names), default=[m for m in current.members if m in names],
                                 format_func=names.get, key=f"{prefix}_members", placeholder=texts.CHOOSE_MANY)
        fields = st.multiselect("按领域分组：本组评审这些领域的申报书", list(Discipline), default=current.fields,
                                key=f"{prefix}_fields", placeholder=texts.CHOOSE_MANY)
        listed_codes = st.multiselect("工作人员指定的申报单位（优先于按领域分组）", list(units),
                                      default=[c for c in current.applications if c in units],
                                      format_func=units.get, key=f"{prefix}_applications", placeholder=texts.CHOOSE_MANY)
        reason = st.text_input("理由（必填，记入审计日志）", key=f"{prefix}_reason")
        if st.button("保存评审组", type="primary", key="save_panel"):
            with common.shown_errors():
                panel = review_rounds.panel_from({"name": name, "members": members, "fields": fields,
                                           "applications": listed_codes})
                others = [p for p in review_round.panels if p.name not in (chosen, panel.name)]
                save_panels(review_round, [*others, panel], reason, f"评审组“{panel.name}”已保存。")
        if chosen in by_name and st.button("删除该评审组", key="delete_panel"):
            save_panels(review_round, [p for p in review_round.panels if p.name != chosen], reason,
                        f"评审组“{chosen}”已删除。")


def save_panels(review_round: ReviewRound, panels: list[Panel], reason: str, done: str) -> None:
    with common.shown_errors():
        review_rounds.update_round(store, principal, review_round.model_copy(update={"panels": panels}), reason)
        common.flash(done)
        st.rerun()


def panels_section() -> None:
    review_round = choose_round("panel_round")
    experts = pool.list_experts(store, principal) if principal.can(Permission.VIEW_EXPERTS) else []
    names = {e.expert_id: f"{e.name}（{e.unit}，{'、'.join(e.disciplines)}）" for e in experts}
    applications = eligible_applications(store, principal, batch.batch_id, review_round)
    units = {a.credit_code: a.basic.unit_name for a in applications}
    if review_round.mode is not RoundMode.PANEL:
        st.info("该轮次为分布式分配，评审组不参与分配；改为评审组方式后生效。")
    show_panels(review_round, names)
    if can_manage:
        panel_form(review_round, names, units)
    st.subheader("申报书分组")
    st.caption("通过形式审查的申报书分到哪个评审组：工作人员指定的优先，其余按领域分到领域重合最多的评审组。")
    st.dataframe(review_rounds.routing_table(review_round, applications), hide_index=True, key="routing_table")


if not listed:
    st.info("本批次尚无评审轮次。" + ("请在“新建轮次”中新建。" if can_manage else ""))
titles = ["轮次列表", *(["新建轮次", "修改轮次"] if can_manage else []), "评审组"]
tabs = dict(zip(titles, st.tabs(titles)))
with tabs["轮次列表"]:
    st.dataframe(review_rounds.rounds_table(listed), hide_index=True, key="rounds_table")
with tabs["评审组"]:
    if listed:
        panels_section()
if can_manage:
    with tabs["新建轮次"]:
        create_form()
    with tabs["修改轮次"]:
        if listed:
            edit_form()
