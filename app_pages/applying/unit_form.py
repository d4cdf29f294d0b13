"""填报申报书: an applicant unit fills its own 申报书 for a batch open for applications, section by section in the
form's order; every change saves its section as a draft at once and the form's live problems (check_draft) stand
beside the field they name; the unit uploads its files, submits to its city bureau, and afterwards reads what it
submitted, each version and the city's reasons when the form came back.

Autosave: a changed field's on-change callback saves its whole section, built from the section as stored now
(re-read under a lock per browser session, as 评分 does) with the section's widgets laid over it. A table
(st.data_editor) gives its edits only to the run, so the run saves the table's section when its rows differ from
what was last saved, and reruns for the problems to follow; the table keeps the rows it was first given, since
Streamlit lays the edits over those (rows given anew would get added rows twice)."""
from __future__ import annotations

import re
import threading
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import pandas as pd
import streamlit as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from app_pages.widgets import application_view, common, texts, uploader
from scoring.applying import city_review, submissions
from scoring.applying.attachments import ALLOWED_SUFFIXES, UNIT_KINDS, attachment_content, attachments_of, \
    upload_attachment
from scoring.applying.calls import ApplicationCall, ApplyingError, find_call
from scoring.applying.drafts import CHECK_FIELDS, DraftProblem, FormStatus, as_application, check_draft, get_draft, \
    is_locked, save_section
from scoring.applying.units import require_own_unit
from scoring.common import clock
from scoring.common.access import Permission
from scoring.common.errors import ReviewError
from scoring.common.models import (Application, BasicInfo, BudgetRow, CreditCommitment, Funding, IpManagement,
                                   PriorityClaim, Recommendation, RuleDocument, YearAmount, YearConversion,
                                   YearPatents)

LOCK_KEY = "unit_form_lock"
NOTICE_KEY = "unit_form_notices"  # what a callback has to tell the next run: [(kind, text)]
SAVED_KEY = "unit_form_saved"  # {section: "HH:MM:SS"} saved in this session
OPEN_KEY = "unit_form_open"  # sections opened for attention once stay open while the unit types
UPLOADS_KEY = "unit_form_uploads"  # {kind: n}: a new uploader after each upload, so the file does not linger
CENT = Decimal("0.01")
NUMBER = re.compile(r"^\d+(\.\d+)?$")
ISO_DAY = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")
# The fields check_draft names once the form itself validates: the rules' findings and the missing files.
RULE_FIELDS = frozenset(CHECK_FIELDS.values()) | {"attachments"}
LONG_TEXTS = {"overall_situation", "operation_institution", "conversion_staff_situation"}
UNIT_ROLE_PART = ("unit_confirmation_signed", "unit_confirmation_date")  # 四、推荐意见 as the unit fills it
STATUS_ICONS = {FormStatus.SUBMITTED: ":material/send:", FormStatus.RETURNED: ":material/undo:",
                FormStatus.RECOMMENDED: ":material/thumb_up:", FormStatus.SENT: ":material/verified:"}

principal = common.require_page(Permission.APPLY)
store = common.storage()

st.title("填报申报书")
if principal.unit is None:
    st.info("本账号尚未关联申报单位，不能填报。请联系省知识产权局。")
    st.stop()
unit = principal.unit
code = unit.credit_code


# --- the batch: one with an open call ----------------------------------------------------------------------

open_calls: dict[str, tuple] = {b.batch_id: (b, c) for b in common.visible_batches(store, principal)
                                if (c := find_call(store, b.batch_id)) is not None}
if not open_calls:
    st.info("目前没有开放网上申报的批次。省知识产权局开放申报后，可在此填报本单位的申报书。",
            icon=":material/event_busy:")
    st.stop()
if len(open_calls) > 1:
    sidebar_batch = st.session_state.get(common.BATCH_KEY)
    ids = list(open_calls)
    batch_id = st.selectbox("申报批次", ids, index=ids.index(sidebar_batch) if sidebar_batch in ids else 0,
                            format_func=lambda i: open_calls[i][0].title, key="unit_form_batch")
else:
    batch_id = next(iter(open_calls))
batch, call = open_calls[batch_id]
call: ApplicationCall
with common.shown_errors(stop=True):
    require_own_unit(store, principal, batch_id, code)

lock: threading.RLock = st.session_state.get(LOCK_KEY) or st.session_state.setdefault(LOCK_KEY, threading.RLock())


def key(name: str) -> str:
    return f"uf_{batch_id}_{name}"


def notice(kind: str, text: str) -> None:
    st.session_state.setdefault(NOTICE_KEY, []).append((kind, text))


def stored_data() -> dict:
    """The draft as stored now ({} before the first save)."""
    try:
        return get_draft(store, principal, batch_id, code).data
    except ApplyingError:  # no draft yet: the first save makes it
        return {}


def save(section: str, value) -> None:
    try:
        saved = save_section(store, principal, batch_id, code, section, value)
    except ReviewError as exc:  # refused (locked, past the deadline …): the next run says why
        notice("error", f"未能保存：{exc}")
    else:
        st.session_state.setdefault(SAVED_KEY, {})[section] = f"{saved.saved_at:%H:%M:%S}"


# --- fields: each kind of model field as a widget, read back as the draft's JSON ----------------------------


def inner(annotation):
    """X of X | None."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return next(a for a in typing.get_args(annotation) if a is not type(None))
    return annotation


def kind_of(info: FieldInfo) -> str:
    annotation = inner(info.annotation)
    if typing.get_origin(annotation) is list:
        (element,) = typing.get_args(annotation)
        return "choices" if isinstance(element, type) and issubclass(element, Enum) else "rows"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "choice"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "model"
    return {bool: "bool", int: "int", Decimal: "wan", date: "date"}.get(annotation, "text")


def max_items(info: FieldInfo) -> int | None:
    """A list field's max_length (优势学科: at most 2)."""
    return next((m.max_length for m in info.metadata if getattr(m, "max_length", None)), None)


def options_of(info: FieldInfo) -> list:
    annotation = inner(info.annotation)
    if typing.get_origin(annotation) is list:
        (annotation,) = typing.get_args(annotation)
    return list(annotation)


def model_of(info: FieldInfo) -> type[BaseModel] | None:
    annotation = inner(info.annotation)
    if typing.get_origin(annotation) is list:
        (annotation,) = typing.get_args(annotation)
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def shown(kind: str, value):
    """A stored (JSON) value as the widget shows it; one it cannot be (a draft saved from a file) shows blank, and
    check_draft names it."""
    if value is None:
        return None
    if kind in ("wan", "int"):
        if isinstance(value, bool) or not (isinstance(value, (int, float)) or NUMBER.match(str(value))):
            return None
        return float(value) if kind == "wan" else int(float(value))
    if kind == "date":
        if isinstance(value, date):
            return value
        return date(*map(int, str(value)[:10].split("-"))) if ISO_DAY.match(str(value)) else None
    return value


def stored(kind: str, value):
    """A widget's (or a table cell's) value as the draft keeps it; None: blank."""
    if value is None or (not isinstance(value, (list, str)) and pd.isna(value)):
        return None
    if kind == "wan":
        return str(Decimal(str(value)).quantize(CENT))
    if kind == "int":
        return int(value)
    if kind == "date":
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    if kind == "bool":
        return bool(value)
    if kind == "choices":
        return [str(v) for v in value]
    if kind == "choice":
        return str(value)
    return str(value).strip()


def widget(path: str, info: FieldInfo, value, on_change) -> None:
    """One field as its widget, labelled by the model's title, saving its section when changed."""
    kind, label, wkey = kind_of(info), info.title, key(path)
    value = shown(kind, value)
    if kind == "bool":
        st.checkbox(label, value=bool(value), key=wkey, on_change=on_change)
    elif kind == "int":
        st.number_input(label, min_value=0, step=1, value=value, key=wkey, on_change=on_change, placeholder="未填")
    elif kind == "wan":
        st.number_input(label, min_value=0.0, step=1.0, format="%.2f", value=value, key=wkey, on_change=on_change,
                        placeholder="未填")
    elif kind == "date":
        st.date_input(label, value=value, min_value=date(1950, 1, 1), max_value=date(2100, 12, 31), format="YYYY-MM-DD",
                      key=wkey, on_change=on_change)
    elif kind == "choice":
        options = options_of(info)
        index = next((i for i, o in enumerate(options) if str(o) == value), None)
        st.selectbox(label, options, index=index, format_func=str, key=wkey, on_change=on_change, placeholder="请选择")
    elif kind == "choices":
        options = options_of(info)
        st.multiselect(label, options, default=[o for o in options if str(o) in (value or [])], format_func=str,
                       key=wkey, on_change=on_change, placeholder=texts.CHOOSE_MANY, max_selections=max_items(info))
    elif path.rsplit(".", 1)[-1] in LONG_TEXTS:
        st.text_area(label, value=value or "", key=wkey, on_change=on_change, height=140, max_chars=5000)
    else:
        st.text_input(label, value=value or "", key=wkey, on_change=on_change)


def read_widgets(section: str, base: dict, fields: list[tuple[str, FieldInfo]]) -> dict:
    """The section as stored, with every drawn widget's value laid over it (a blank one removes the value)."""
    value = {k: (dict(v) if isinstance(v, dict) else v) for k, v in base.items()}
    for path, info in fields:
        wkey = key(f"{section}.{path}")
        if wkey not in st.session_state:
            continue
        parts = path.split(".")
        target = value
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        kept = stored(kind_of(info), st.session_state[wkey])
        if kept in (None, ""):  # blank: the model's default, or “required” until it is filled
            target.pop(parts[-1], None)
        else:
            target[parts[-1]] = kept
    return value


def scalar_fields(model: type[BaseModel], prefix: str = "", skip: tuple[str, ...] = ()) -> list[tuple[str, FieldInfo]]:
    """The model's fields a widget shows, nested models included (试点负责人, 试点联系人), tables left out."""
    fields = []
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        kind = kind_of(info)
        if kind == "model":
            fields += scalar_fields(model_of(info), f"{prefix}{name}.")
        elif kind != "rows":
            fields.append((f"{prefix}{name}", info))
    return fields


# --- problems: each beside the field its dotted path names ----------------------------------------------------


def field_label(path: str) -> str:
    """A dotted path (budget.rows.1.amount) in the form's words (经费预算 · 第 2 行 · 预算金额（万元）)."""
    model: type[BaseModel] | None = Application
    words = []
    for part in path.split("."):
        if part.isdigit():
            words.append(f"第 {int(part) + 1} 行")
            continue
        info = model.model_fields.get(part) if model else None
        if info is None:
            words.append(part)
            model = None
            continue
        words.append(info.title or part)
        model = model_of(info)
    return " · ".join(words)


class Problems:
    """The draft's problems, each shown once: beside its field, else at the top of its section, else of the form."""

    def __init__(self, listed: list[DraftProblem]):
        self.left = list(listed)

    def take(self, prefix: str, exact: bool = False) -> list[DraftProblem]:
        taken = [p for p in self.left if p.field == prefix or not exact and p.field.startswith(prefix + ".")]
        self.left = [p for p in self.left if p not in taken]
        return taken

    def show(self, prefix: str, exact: bool = True, label_from: str | None = None) -> None:
        for problem in self.take(prefix, exact):
            where = field_label(problem.field)
            if label_from is not None:  # the section's (or table's) own title stands above it already
                where = where.removeprefix(field_label(label_from)).lstrip(" ·") or where
            text = f"{where}：{problem.message}"
            (st.error if problem.blocking else st.warning)(text, icon=":material/error:" if problem.blocking
                                                           else ":material/warning:")

    def show_rest(self) -> None:
        for problem in list(self.left):
            self.show(problem.field)

    def blocking_in(self, section: str) -> bool:
        return any(p.blocking and (p.field == section or p.field.startswith(section + "."))
                   for p in self.left)


# --- tables -------------------------------------------------------------------------------------------------


def column_config(model: type[BaseModel], columns: list[str], fixed_years: bool) -> dict:
    config = {}
    for name in columns:
        info = model.model_fields[name]
        kind, label = kind_of(info), info.title
        if name == "year":
            config[name] = st.column_config.NumberColumn(label, min_value=1950, max_value=2100, step=1, format="%d",
                                                         disabled=fixed_years)
        elif kind == "int":
            config[name] = st.column_config.NumberColumn(label, min_value=0, step=1, format="%d")
        elif kind == "wan":
            config[name] = st.column_config.NumberColumn(label, min_value=0.0, step=0.01, format="%.2f")
        elif kind == "date":
            config[name] = st.column_config.DateColumn(label, format="YYYY-MM-DD")
        elif kind == "choice":
            config[name] = st.column_config.SelectboxColumn(label, options=[str(o) for o in options_of(info)])
        else:
            config[name] = st.column_config.TextColumn(label)
    return config


def rows_of(frame: pd.DataFrame, model: type[BaseModel], columns: list[str], numbered: bool = False) -> list[dict]:
    """The table's rows as the draft keeps them: blank cells left out, blank rows dropped; `numbered`: 序号 in
    the order of the rows."""
    rows = []
    for record in frame.to_dict("records"):
        row = {}
        for name in columns:
            kept = stored(kind_of(model.model_fields[name]), record.get(name))
            if kept not in (None, ""):
                row[name] = kept
        if row:
            rows.append(row)
    if numbered:
        rows = [{"seq": n, **row} for n, row in enumerate(rows, start=1)]
    return rows


def rows_table(section: str, path: str, model: type[BaseModel], rows: list[dict], *, years: list[int] | None = None,
               numbered: bool = False, disabled: bool = False) -> list[dict]:
    """A table of `model` rows (one per year when `years` is given); its rows once the unit has changed them (the
    caller saves them), else the rows as stored. `numbered`: the 序号 column follows the row order."""
    columns = [n for n in model.model_fields if not (numbered and n == "seq")]
    base_key = key(f"{section}.{path}.base")
    if base_key not in st.session_state:
        if years is not None:
            by_year = {r.get("year"): r for r in rows if isinstance(r, dict)}
            rows = [by_year.get(y, {"year": y}) for y in years]
        shown_rows = [{n: shown(kind_of(model.model_fields[n]), r.get(n)) for n in columns} for r in rows]
        frame = pd.DataFrame(shown_rows, columns=columns)
        for name in columns:
            if kind_of(model.model_fields[name]) == "int":
                frame[name] = frame[name].astype("Int64")
            elif kind_of(model.model_fields[name]) == "wan":
                frame[name] = frame[name].astype("Float64")
            elif kind_of(model.model_fields[name]) == "date":
                frame[name] = pd.to_datetime(frame[name])
            else:  # typed even when empty: Streamlit does not let a cell of an all-blank column be edited
                frame[name] = frame[name].astype("string")
        st.session_state[base_key] = frame
        st.session_state[key(f"{section}.{path}.last")] = rows_of(frame, model, columns, numbered)
    if years is None:
        st.caption("在末行填写即新增一行；勾选行首后点表格右上角的删除图标可删除。")
    edited = st.data_editor(st.session_state[base_key], key=key(f"{section}.{path}.table"), hide_index=True,
                            num_rows="fixed" if years is not None else "dynamic", disabled=disabled,
                            column_config=column_config(model, columns, years is not None), placeholder="")
    return rows_of(edited, model, columns, numbered)


def budget_sums(rows: list[dict]) -> tuple[Decimal, Decimal, Decimal]:
    """合计, 拟定申请 and 拟定配套 of the rows as typed (a row without an amount counts nothing)."""
    amounts = [(Decimal(r["amount"]), r.get("funding")) for r in rows if "amount" in r]
    return (sum((a for a, _ in amounts), Decimal("0")),
            sum((a for a, f in amounts if f == Funding.REQUESTED), Decimal("0")),
            sum((a for a, f in amounts if f == Funding.MATCHING), Decimal("0")))


def save_table(section: str, path: str, rows: list[dict], value_of) -> None:
    """Save the table's section when its rows differ from what was last saved, then rerun for the problems."""
    last_key = key(f"{section}.{path}.last")
    last = st.session_state.get(last_key)
    if rows == last:
        return
    with lock:
        save(section, value_of(stored_data().get(section), rows))
        st.session_state[last_key] = rows
    st.rerun()


# --- the page -------------------------------------------------------------------------------------------------

data = stored_data()
versions = submissions.versions_of(store, principal, batch_id, code) if data else []
latest = versions[-1] if versions else None
locked = is_locked(store, batch_id, code)
listed_problems = check_draft(store, principal, batch_id, code) if data else []
problems = Problems(listed_problems)
now = clock.now()


def header() -> None:
    st.caption(f"{batch.title}｜{unit.unit_name}（{unit.city}）｜统一社会信用代码 {code}")
    # A returned form may come back until the city deadline: the deadline shown is the one this submission meets.
    deadline, _ = submissions.submission_deadline(call, [v.status for v in versions])
    st.markdown(f"**提交截止**：{deadline:%Y-%m-%d %H:%M}"
                + ("　:red[（已过截止时间）]" if now > deadline and not locked else "")
                + (f"　**必须上传**：{'、'.join(call.required_attachments)}" if call.required_attachments else ""))
    if call.guideline or call.guideline_link:
        with st.expander("申报指南", icon=":material/menu_book:"):
            if call.guideline:
                st.text(call.guideline)
            if call.guideline_link:
                st.markdown(f"[查看申报指南全文]({call.guideline_link})")
    for kind, text in st.session_state.pop(NOTICE_KEY, []):
        getattr(st, kind)(text)
    common.show_flash()


def status_banner() -> None:
    if latest is None:
        saved_at = get_draft(store, principal, batch_id, code).saved_at if data else None
        st.markdown(f":green[:material/cloud_done: 草稿已保存 {saved_at:%H:%M:%S}]" if saved_at else
                    ":gray[:material/cloud_off: 尚未保存：填写任一项后自动保存为草稿]")
        return
    text = f"第 {latest.version} 版{latest.status}（{latest.submitted_at:%Y-%m-%d %H:%M}）"
    if latest.status is FormStatus.RETURNED:
        deadline, _ = submissions.submission_deadline(call, [v.status for v in versions])
        reason = city_review.return_reason(store, principal, batch_id, code)
        st.warning(f"{text}。{unit.city}知识产权局退回的理由：{reason or '（未说明）'}"
                   + f"。请修改后重新提交（截止 {deadline:%Y-%m-%d %H:%M}）。", icon=STATUS_ICONS[latest.status])
    elif latest.status is FormStatus.SUBMITTED:
        st.success(f"{text}，等待{unit.city}知识产权局初审。申报书已锁定，市局退回后方可修改。",
                   icon=STATUS_ICONS[latest.status])
    else:
        st.success(f"{text}。", icon=STATUS_ICONS[latest.status])


def saved_line(section: str) -> None:
    at = st.session_state.get(SAVED_KEY, {}).get(section)
    if at:
        st.caption(f":green[:material/cloud_done: 已保存 {at}]")


def section_box(title: str, sections: tuple[str, ...]):
    """An expander for part of the form, opened when any of its sections is unsaved or has a blocking problem, and
    then left open while the unit types (it would close under their hands once the section is saved)."""
    opened = st.session_state.setdefault(OPEN_KEY, set())
    if any((s not in data and s != "attachments") or problems.blocking_in(s) for s in sections):
        opened.add(title)
    return st.expander(title, expanded=title in opened)


def fields_section(section: str, model: type[BaseModel], skip: tuple[str, ...] = (), only: tuple[str, ...] = (),
                   groups: dict[str, str] | None = None,
                   defaults: dict[str, str] | None = None) -> list[tuple[str, FieldInfo]]:
    """The section's scalar fields as widgets, each with its problems under it; autosaved as a whole. Short fields
    go two to a row, row by row, so that a phone (where the columns stack) keeps the form's order. `defaults`:
    what a field shows while the draft has nothing for it (the unit's own name, known from the invitation)."""
    fields = [(p, i) for p, i in scalar_fields(model, skip=skip) if not only or p in only]

    def autosave() -> None:
        with lock:
            save(section, read_widgets(section, stored_data().get(section) or {}, fields))

    value = data.get(section) or {}
    group, row = None, []
    for path, info in fields:
        head = path.split(".")[0] if "." in path else None
        if head != group and head is not None and groups:
            row = []
            st.markdown(f"**{groups[head]}**")
        group = head
        current = value
        for part in path.split("."):
            current = current.get(part) if isinstance(current, dict) else None
        if current is None and defaults and path in defaults:
            current = defaults[path]
        if path.rsplit(".", 1)[-1] in LONG_TEXTS or kind_of(info) == "choices":
            row, place = [], st.container()
        else:
            if not row:
                row = list(st.columns(2))
            place = row.pop(0)
        with place:
            widget(f"{section}.{path}", info, current, autosave)
            problems.show(f"{section}.{path}", label_from=section)
    return fields


def scalar_section(section: str) -> None:
    """A section that is one value (a text or a count)."""
    info = Application.model_fields[section]

    def autosave() -> None:
        with lock:
            save(section, stored(kind_of(info), st.session_state.get(key(section))))

    widget(section, info, data.get(section), autosave)
    problems.show(section)


def editable_form() -> None:
    top = st.container()  # problems no field shows, filled last
    basic_titles = {n: BasicInfo.model_fields[n].title for n in ("lead", "contact")}

    with section_box("基本信息", ("basic",)):
        head = st.container()
        st.text_input(BasicInfo.model_fields["credit_code"].title, value=code, disabled=True, key=key("code_shown"))
        fields_section("basic", BasicInfo, skip=("credit_code",), groups=basic_titles,
                       defaults={"unit_name": unit.unit_name})
        with head:
            problems.show("basic", exact=False, label_from="basic")
        saved_line("basic")

    with section_box("信用承诺", ("commitment",)):
        st.caption("信用承诺书签署并加盖公章后，请在下方“附件”中上传扫描件。")
        fields_section("commitment", CreditCommitment)
        problems.show("commitment", exact=False, label_from="commitment")
        saved_line("commitment")

    with section_box("知识产权管理情况", ("ip_management",)):
        head = st.container()
        management = fields_section("ip_management", IpManagement)
        fields = IpManagement.model_fields
        st.markdown(f"**{fields['rule_documents'].title}**")
        rules = rows_table("ip_management", "rule_documents", RuleDocument,
                           (data.get("ip_management") or {}).get("rule_documents") or [])
        problems.show("ip_management.rule_documents", exact=False, label_from="ip_management.rule_documents")
        st.markdown(f"**{fields['spending'].title}**")
        spending = rows_table("ip_management", "spending", YearAmount,
                              (data.get("ip_management") or {}).get("spending") or [], years=batch.window)
        problems.show("ip_management.spending", exact=False, label_from="ip_management.spending")
        with head:
            problems.show("ip_management", exact=False, label_from="ip_management")
        saved_line("ip_management")
        save_table("ip_management", "rule_documents", rules,
                   lambda old, rows: read_widgets("ip_management", old or {}, management) | {"rule_documents": rows})
        save_table("ip_management", "spending", spending,
                   lambda old, rows: read_widgets("ip_management", old or {}, management) | {"spending": rows})

    with section_box("专利创造产出", ("patents",)):
        st.caption(f"近 {len(batch.window)} 年（{batch.window[0]}—{batch.window[-1]} 年）每年一行，单位：件。")
        patents = rows_table("patents", "rows", YearPatents, data.get("patents") or [], years=batch.window)
        problems.show("patents", exact=False, label_from="patents")
        saved_line("patents")
        save_table("patents", "rows", patents, lambda old, rows: rows)

    with section_box("专利转化运用", ("conversions", "enterprises_connected")):
        st.caption("每年一行；金额单位：万元。")
        conversions = rows_table("conversions", "rows", YearConversion, data.get("conversions") or [],
                                 years=batch.window)
        problems.show("conversions", exact=False, label_from="conversions")
        scalar_section("enterprises_connected")
        saved_line("conversions")
        saved_line("enterprises_connected")
        save_table("conversions", "rows", conversions, lambda old, rows: rows)

    with section_box("运营机构与转化人员", ("operation_institution", "conversion_staff_situation")):
        scalar_section("operation_institution")
        scalar_section("conversion_staff_situation")
        saved_line("operation_institution")
        saved_line("conversion_staff_situation")

    with section_box("经费预算", ("budget",)):
        st.caption(f"金额单位：万元。拟定申请的经费合计不超过 {batch.settings.requested_budget_cap} 万元，"
                   "且不得用于征地拆迁、人员经费和专利管理等经常性开支。")
        budget_rows = rows_table("budget", "rows", BudgetRow, (data.get("budget") or {}).get("rows") or [],
                                 numbered=True)
        total, requested, matching = budget_sums(budget_rows)
        st.markdown(f"**合计 {total:.2f} 万元**（拟定申请 {requested:.2f}，拟定配套 {matching:.2f}）")
        problems.show("budget", exact=False, label_from="budget")
        saved_line("budget")
        # Online the 合计 is the rows' sum shown above, not a figure typed beside them: none is declared.
        save_table("budget", "rows", budget_rows,
                   lambda old, rows: {**(old or {}), "rows": rows, "declared_total": None})

    with section_box("优先申报条件", ("priority_claims",)):
        st.caption("具备的优先申报条件每项一行，写明证明材料（如证书、文件名称）；无则不填。")
        claims = rows_table("priority_claims", "rows", PriorityClaim, data.get("priority_claims") or [])
        problems.show("priority_claims", exact=False, label_from="priority_claims")
        saved_line("priority_claims")
        save_table("priority_claims", "rows", claims, lambda old, rows: rows)

    with section_box("推荐意见", ("recommendation",)):
        st.caption(f"申报单位意见由本单位签章确认；推荐市局为{unit.city}知识产权局，推荐函由市局出具。")
        fields_section("recommendation", Recommendation, only=UNIT_ROLE_PART)
        problems.show("recommendation", exact=False, label_from="recommendation")
        saved_line("recommendation")

    with section_box("优势学科", ("disciplines",)):
        scalar_section("disciplines")
        saved_line("disciplines")

    with section_box("附件", ("attachments",)):
        attachments_block()
        problems.show("attachments", exact=False, label_from="attachments")

    with top:
        problems.show_rest()


def upload(kind) -> None:
    """On-change of a kind's uploader: the file replaces the current one at once."""
    file = st.session_state.get(key(f"file_{kind.name}_{st.session_state.get(UPLOADS_KEY, {}).get(kind.name, 0)}"))
    if file is None:
        return
    try:
        upload_attachment(store, principal, batch_id, code, kind, file.name, file.getvalue())
    except ReviewError as exc:
        notice("error", f"未能上传：{exc}")
    else:
        counts = st.session_state.setdefault(UPLOADS_KEY, {})
        counts[kind.name] = counts.get(kind.name, 0) + 1
        notice("success", f"已上传{kind}：{file.name}")


def attachments_block() -> None:
    current = {a.kind: a for a in attachments_of(store, principal, batch_id, code)}
    for kind in UNIT_KINDS:
        with st.container(border=True):
            required = kind in call.required_attachments
            st.markdown(f"**{kind}**" + ("　:red-badge[必须上传]" if required else "　:gray-badge[可选]"))
            have = current.get(kind)
            if have:
                st.markdown(f":material/attach_file: {have.filename}　:gray[{have.size:,} 字节，"
                            f"{have.uploaded_at:%Y-%m-%d %H:%M}]")
            n = st.session_state.get(UPLOADS_KEY, {}).get(kind.name, 0)
            uploader.file_uploader(("更换" if have else "上传") + str(kind), [s.lstrip(".") for s in ALLOWED_SUFFIXES],
                                   key=key(f"file_{kind.name}_{n}"), on_change=upload, args=(kind,),
                                   label_visibility="collapsed")


def submit_block() -> None:
    blocking = [p for p in listed_problems if p.blocking] if data else [None]
    if blocking:
        st.info(f"尚有 {len(blocking)} 处问题须改正（见各部分红色提示），改正后方可提交。" if data else
                "请先填写申报书。", icon=":material/info:")
    confirmed = st.checkbox("本单位确认申报书内容真实、准确；提交后申报书锁定，市局退回后方可修改。",
                            key=key("submit_confirm"), disabled=bool(blocking))
    if st.button("提交给市局", type="primary", key="submit_form", icon=":material/send:",
                 disabled=bool(blocking) or not confirmed):
        with common.shown_errors():
            done = submissions.submit(store, principal, batch_id, code)
            common.flash(f"已提交第 {done.version} 版，{unit.city}知识产权局已收到通知。")
            st.rerun()


def submitted_form() -> None:
    app = latest.application

    def content_of(attachment):
        return attachment_content(store, principal, batch_id, code, attachment.sha256)

    application_view.show_sections(st.tabs(list(application_view.SECTIONS)), app, content_of, key_prefix="unit")


def versions_block() -> None:
    if not versions:
        return
    st.subheader("提交记录")
    st.dataframe(pd.DataFrame([{"版本": f"第 {v.version} 版", "提交时间": f"{v.submitted_at:%Y-%m-%d %H:%M:%S}",
                                "状态": str(v.status)} for v in reversed(versions)]), hide_index=True)


def downloads_block() -> None:
    if locked:
        application = latest.application
    elif data and all(p.field in RULE_FIELDS for p in listed_problems):
        # The form validates (only the rules' own findings remain): the draft as it would be submitted today.
        application = as_application(store, get_draft(store, principal, batch_id, code), clock.today())
    else:
        st.caption("申报书填写完整后，可在此下载 Word / PDF 版本，打印盖章。")
        return
    st.caption("下载申报书打印、签章后，扫描件作为“盖章扫描件”上传。")
    application_view.form_downloads(application, batch, key_prefix="unit")

header()
status_banner()
if locked:
    submitted_form()
else:
    editable_form()
    st.divider()
    submit_block()
downloads_block()
versions_block()
