"""The expert pool: import, list, edit and deactivate experts; declared pairs and recusals; a batch's conflict report."""
from __future__ import annotations

import hashlib
from datetime import date
from enum import StrEnum

import duckdb
import pandas as pd
from pydantic import BaseModel, ValidationError

from scoring.common import clock
from scoring.common.access import Grant, Permission, Principal, Role, require
from scoring.common.errors import ReviewError
from scoring.experts.conflicts import find_conflicts
from scoring.intake.credit_code import CodeStatus, read_credit_code
from scoring.common.disciplines import Discipline
from scoring.documents import IssueLog
from scoring.documents.expert_workbook import ParsedExperts, read_expert_files, write_expert_workbook
from scoring.intake.importer import distinct_uploads
from scoring.common.models import (
    ActionKind,
    Affiliation,
    Application,
    City,
    Conflict,
    ConflictDeclaration,
    ConflictRules,
    ConflictSource,
    DeclaredConflict,
    Expert,
    ImportIssue,
    IssueCounts,
    Severity,
    compact_code,
)
from scoring.common.normalize import explain_validation_error
from scoring.common.presentation import display_value
from scoring.storage import Storage, StorageError, Transaction
from scoring.storage import expert_store as store

POOL_ENTITY = "experts"


class ExpertError(ReviewError):
    """A request about the pool that cannot be done; the message is for users."""


def expert_entity(expert_id: str) -> str:
    return f"expert/{expert_id}"


def _checked_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ExpertError(f"{what}必须填写理由（至少两个字，记入审计日志）。")
    return reason


# --- import --------------------------------------------------------------------------------


class ExpertImportReport(IssueCounts, BaseModel):
    """What an import of expert files found and did: every problem located, the experts and pairs it saved."""

    files: list[str] = []
    issues: list[ImportIssue] = []
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    pairs_added: int = 0
    pairs_known: int = 0  # already recorded, not recorded again
    imported: bool = False


def import_experts(storage: Storage, principal: Principal, files: list[tuple[str, bytes]],
                   reason: str = "") -> ExpertImportReport:
    """Validate every file first; import nothing if any error was found, else save every expert and pair in one
    transaction. Re-importing an expert number updates that expert; deactivated experts stay deactivated."""
    require(principal, Permission.MANAGE_EXPERTS)
    report = ExpertImportReport(files=[name for name, _ in files])
    log = IssueLog("")
    uploads = distinct_uploads(files, log)
    if not uploads:
        log.error("没有上传任何文件：请上传专家导入模板（.xlsx）或 CSV 文件")
    pool_ids = {e.expert_id for e in store.load_experts(storage, include_inactive=True)}
    parsed = read_expert_files(list(uploads.items()), known_expert_ids=pool_ids)
    report.issues = log.issues + parsed.issues
    if report.errors:
        return report
    try:
        _save_import(storage, principal, parsed, uploads, reason, report)
    except (StorageError, duckdb.Error) as exc:
        report.issues.append(ImportIssue(severity=Severity.ERROR, file="",
                                         message=f"保存时出错，本次导入已全部撤销：{exc}"))
    return report


def _merged(expert: Expert, previous: Expert | None, affiliations_given: bool) -> Expert:
    """The imported expert with what an import does not decide kept from the stored one: whether staff
    deactivated the expert, and the affiliations when the upload had no affiliation sheet."""
    if previous is None:
        return expert
    kept = {"active": previous.active}
    if not affiliations_given:
        kept["affiliations"] = previous.affiliations
    return expert.model_copy(update=kept)


def _still_inactive(experts: list[Expert], stored: dict[str, Expert], parsed: ParsedExperts) -> list[ImportIssue]:
    issues = []
    for expert in experts:
        if expert.expert_id in stored and not expert.active:
            file, sheet, row = parsed.origins[expert.expert_id]
            issues.append(ImportIssue(severity=Severity.WARNING, file=file, sheet=sheet, row=row, column="专家编号",
                                      message=f"专家{expert.name}已停用：本次导入更新了其信息，仍为停用"))
    return issues


def _save_import(storage: Storage, principal: Principal, parsed: ParsedExperts, uploads: dict[str, bytes],
                 reason: str, report: ExpertImportReport) -> None:
    with storage.transaction(principal.actor) as tx:
        stored = {e.expert_id: e for e in store.load_experts(tx, include_inactive=True)}
        experts = [_merged(e, stored.get(e.expert_id), parsed.affiliations_given) for e in parsed.experts]
        report.issues += _still_inactive(experts, stored, parsed)
        summary = store.save_experts(tx, experts)
        audits = [(ActionKind.EXPERT_CREATE, expert_entity(i), reason, {"source": "导入"}) for i in summary.created]
        by_id = {e.expert_id: e for e in experts}
        audits += [(ActionKind.EXPERT_UPDATE, expert_entity(i), reason,
                    {"source": "导入", "changes": changes(summary.previous[i], by_id[i])}) for i in summary.updated]
        added, known = _record_pairs(tx, [p.declaration for p in parsed.pairs], ConflictSource.IMPORT)
        audits += [(ActionKind.CONFLICT_DECLARE, pair_entity(p.expert_id, p.credit_code), p.reason,
                    {"source": str(ConflictSource.IMPORT)}) for p in added]
        audits.append((ActionKind.EXPERT_IMPORT, POOL_ENTITY, reason, {
            "files": [{"name": name, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
                      for name, content in uploads.items()],
            "experts": len(experts), "created": summary.created, "updated": summary.updated,
            "unchanged": len(summary.unchanged), "pairs_added": len(added), "pairs_known": known,
            "warnings": len(report.warnings),
        }))
        tx.audit_many(audits)
    report.created, report.updated, report.unchanged = summary.created, summary.updated, summary.unchanged
    report.pairs_added, report.pairs_known = len(added), known
    report.imported = True


def _record_pairs(tx: Transaction, declarations: list[ConflictDeclaration], source: ConflictSource
                  ) -> tuple[list[DeclaredConflict], int]:
    """Record the pairs not yet in force; returns those recorded and how many were already there."""
    added, known = [], 0
    for declaration in declarations:
        if store.load_declared_pair(tx, declaration.expert_id, declaration.credit_code):
            known += 1
            continue
        pair = DeclaredConflict(**declaration.model_dump(), source=source, declared_by=tx.actor, declared_at=tx.now)
        store.insert_declared(tx, pair)
        added.append(pair)
    return added, known


def changes(before: Expert, after: Expert) -> dict[str, list]:
    """The fields that differ, each as [before, after] in JSON form, for the audit log."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    return {name: [old[name], new[name]] for name in new if old[name] != new[name]}


def pair_entity(expert_id: str, credit_code: str) -> str:
    return f"{expert_entity(expert_id)}/conflict/{credit_code}"


def expert_workbook(storage: Storage, principal: Principal, include_inactive: bool = False) -> bytes:
    """The pool as an import workbook (experts, affiliations, declared pairs), e.g. to edit and import again."""
    experts = list_experts(storage, principal, include_inactive)
    ids = {e.expert_id for e in experts}
    return write_expert_workbook(experts, [p for p in store.load_declared(storage) if p.expert_id in ids])


# --- the pool ------------------------------------------------------------------------------


def list_experts(storage: Storage, principal: Principal, include_inactive: bool = False) -> list[Expert]:
    """The pool by expert number; deactivated experts only when asked for."""
    require(principal, Permission.VIEW_EXPERTS)
    return store.load_experts(storage, include_inactive)


def get_expert(storage: Storage, principal: Principal, expert_id: str) -> Expert | None:
    """One expert; an expert may see their own record, staff and observers every record."""
    expert_id = compact_code(expert_id)
    if principal.expert_id != expert_id:
        require(principal, Permission.VIEW_EXPERTS)
    return store.load_expert(storage, expert_id)


def edited_expert(expert: Expert, values: dict, affiliations: list[dict]) -> Expert:
    """The expert with the fields and the affiliation rows of the edit form, or ExpertError naming each field that
    is wrong (a problem of an affiliation row under “兼职与工作经历”)."""
    def title(loc: tuple) -> str:
        field = Expert.model_fields.get(str(loc[0])) if loc else None
        return field.title if field else "兼职与工作经历"

    try:
        return Expert.model_validate({**expert.model_dump(), **values,
                                      "affiliations": [Affiliation.model_validate(a) for a in affiliations]})
    except ValidationError as exc:
        problems = "；".join(f"{title(e['loc'])}：{explain_validation_error(e)}" for e in exc.errors())
        raise ExpertError(problems) from None


def update_expert(storage: Storage, principal: Principal, expert: Expert, reason: str) -> Expert:
    """Save an edited expert (any field, also 在库 to restore a deactivated one); the audit entry holds every change."""
    require(principal, Permission.MANAGE_EXPERTS)
    reason = _checked_reason(reason, "修改专家信息")
    expert = Expert.model_validate(expert.model_dump())
    with storage.transaction(principal.actor) as tx:
        before = _stored(tx, expert.expert_id)
        difference = changes(before, expert)
        if not difference:
            raise ExpertError("内容没有变化，未保存。")
        store.replace_expert(tx, expert)
        tx.audit(ActionKind.EXPERT_UPDATE, expert_entity(expert.expert_id), reason, {"changes": difference})
    return expert


def deactivate_expert(storage: Storage, principal: Principal, expert_id: str, reason: str) -> Expert:
    """Take an expert out of the pool (停用): kept with their history, never assigned again until restored."""
    require(principal, Permission.MANAGE_EXPERTS)
    reason = _checked_reason(reason, "停用专家")
    with storage.transaction(principal.actor) as tx:
        expert = _stored(tx, compact_code(expert_id))
        if not expert.active:
            raise ExpertError(f"专家{expert.name}（{expert.expert_id}）已是停用状态。")
        expert = expert.model_copy(update={"active": False})
        store.replace_expert(tx, expert)
        tx.audit(ActionKind.EXPERT_DEACTIVATE, expert_entity(expert.expert_id), reason)
    return expert


def _stored(source: Storage | Transaction, expert_id: str) -> Expert:
    expert = store.load_expert(source, expert_id)
    if expert is None:
        raise ExpertError(f"专家库中没有编号为 {expert_id} 的专家。")
    return expert


# --- declared pairs ------------------------------------------------------------------------


def declare_conflict(storage: Storage, principal: Principal, expert_id: str, credit_code: str, reason: str,
                     source: ConflictSource = ConflictSource.STAFF) -> DeclaredConflict:
    """Record that an expert may not review an applicant. Staff record any pair; an expert may declare their own
    (source 专家申报). Imported pairs come only from import_experts."""
    expert_id = compact_code(expert_id)
    if source is ConflictSource.IMPORT:
        raise ExpertError("来源为“导入”的回避关系只能通过导入专家文件登记。")
    if not (source is ConflictSource.EXPERT and principal.expert_id == expert_id):
        require(principal, Permission.MANAGE_EXPERTS)
    declaration = ConflictDeclaration(expert_id=expert_id, credit_code=credit_code,
                                      reason=_checked_reason(reason, "登记回避关系"))
    _refuse_invalid_code(declaration.credit_code)
    with storage.transaction(principal.actor) as tx:
        expert = _stored(tx, expert_id)
        existing = store.load_declared_pair(tx, expert_id, declaration.credit_code)
        if existing:
            raise ExpertError(f"专家{expert.name}与统一社会信用代码为 {declaration.credit_code} 的单位的回避关系已于"
                              f"{existing.declared_at:%Y-%m-%d}登记（{existing.reason}）。")
        (pair,), _ = _record_pairs(tx, [declaration], source)
        tx.audit(ActionKind.CONFLICT_DECLARE, pair_entity(expert_id, pair.credit_code), pair.reason,
                 {"source": str(source)})
    return pair


def _refuse_invalid_code(credit_code: str) -> None:
    """A pair with a mistyped code would never match an applicant, and nobody would notice."""
    reading = read_credit_code(credit_code)
    if reading.status is CodeStatus.INVALID:
        raise ExpertError(f"统一社会信用代码 {credit_code} 有误：{reading.problem}")


def withdraw_conflict(storage: Storage, principal: Principal, expert_id: str, credit_code: str, reason: str) -> None:
    """Withdraw a recorded pair (e.g. recorded by mistake); it stays in the history with who withdrew it and why."""
    require(principal, Permission.MANAGE_EXPERTS)
    reason = _checked_reason(reason, "撤销回避关系")
    expert_id, credit_code = compact_code(expert_id), compact_code(credit_code)
    with storage.transaction(principal.actor) as tx:
        if store.load_declared_pair(tx, expert_id, credit_code) is None:
            raise ExpertError(f"没有专家 {expert_id} 与单位 {credit_code} 的回避关系。")
        store.withdraw_declared(tx, expert_id, credit_code, reason)
        tx.audit(ActionKind.CONFLICT_WITHDRAW, pair_entity(expert_id, credit_code), reason)


def declared_conflicts(storage: Storage, principal: Principal, expert_id: str | None = None) -> list[DeclaredConflict]:
    """The pairs in force, of one expert or of all; an expert may list their own."""
    if expert_id is None or principal.expert_id != compact_code(expert_id):
        require(principal, Permission.VIEW_EXPERTS)
    return store.load_declared(storage, compact_code(expert_id) if expert_id else None)


# --- the conflict report -------------------------------------------------------------------


def conflict_report(storage: Storage, principal: Principal, batch_id: str, rules: ConflictRules,
                    today: date | None = None) -> list[Conflict]:
    """Every conflicted pair of the batch's applications and the pool's active experts, each with its reason;
    runs on its own, before any assignment. Needs both the experts and the applications in view."""
    require(principal, Permission.VIEW_EXPERTS, batch_id)
    require(principal, Permission.VIEW_APPLICATIONS, batch_id)
    applications = storage.list_applications(batch_id)
    experts = store.load_experts(storage)
    recusals = [(r.expert_id, r.credit_code, r.reason) for r in store.load_recusals(storage, batch_id)]
    return find_conflicts(applications, experts, rules, store.load_declared(storage), recusals,
                          today or clock.today())


# --- tables for people ---------------------------------------------------------------------


class ExpertStatus(StrEnum):
    AVAILABLE = "可参评"
    UNAVAILABLE = "本轮不可参评"
    INACTIVE = "已停用"


def expert_status(expert: Expert) -> ExpertStatus:
    if not expert.active:
        return ExpertStatus.INACTIVE
    return ExpertStatus.AVAILABLE if expert.available else ExpertStatus.UNAVAILABLE


def filter_experts(pool: list[Expert], disciplines: list[Discipline] = (), cities: list[City] = (),
                   statuses: list[ExpertStatus] = (), text: str = "") -> list[Expert]:
    """The experts matching every filter given: any of the fields, any of the cities, any of the statuses,
    and the text in the number, name, unit or title."""
    needle = text.strip().casefold()
    return [e for e in pool
            if (not disciplines or set(disciplines) & set(e.disciplines))
            and (not cities or e.city in cities)
            and (not statuses or expert_status(e) in statuses)
            and (not needle or any(needle in v.casefold() for v in (e.expert_id, e.name, e.unit, e.title)))]


EXPERT_COLUMNS = ("expert_id", "name", "unit", "title", "disciplines", "city", "phone", "email")


def expert_table(pool: list[Expert]) -> pd.DataFrame:
    """The pool as people read it: headed by the fields' Chinese titles, with each expert's status and posts."""
    titles = {name: Expert.model_fields[name].title for name in EXPERT_COLUMNS}
    rows = [{**{titles[name]: display_value(getattr(e, name)) for name in EXPERT_COLUMNS},
             "状态": str(expert_status(e)),
             "兼职与工作经历": "；".join(f"{a.unit_name}（{a.kind}）" for a in e.affiliations) or "—"}
            for e in pool]
    return pd.DataFrame(rows, columns=[*titles.values(), "状态", "兼职与工作经历"])


def conflict_table(conflicts: list[Conflict], pool: list[Expert], applications: list[Application]) -> pd.DataFrame:
    """The conflict report with the names of both sides beside their numbers."""
    names = {e.expert_id: e.name for e in pool}
    units = {a.credit_code: a.basic.unit_name for a in applications}
    rows = [{"专家编号": c.expert_id, "专家姓名": names.get(c.expert_id, ""), "申报单位": units.get(c.credit_code, ""),
             "统一社会信用代码": c.credit_code, "回避规则": str(c.rule), "回避说明": c.reason} for c in conflicts]
    return pd.DataFrame(rows, columns=["专家编号", "专家姓名", "申报单位", "统一社会信用代码", "回避规则", "回避说明"])


def declared_table(pairs: list[DeclaredConflict], pool: list[Expert], applications: list[Application]) -> pd.DataFrame:
    names = {e.expert_id: e.name for e in pool}
    units = {a.credit_code: a.basic.unit_name for a in applications}
    rows = [{"专家编号": p.expert_id, "专家姓名": names.get(p.expert_id, ""), "统一社会信用代码": p.credit_code,
             "申报单位": units.get(p.credit_code, "（不在本批次）"), "回避原因": p.reason, "来源": str(p.source),
             "登记人": p.declared_by, "登记时间": display_value(p.declared_at)} for p in pairs]
    return pd.DataFrame(rows, columns=["专家编号", "专家姓名", "统一社会信用代码", "申报单位", "回避原因", "来源", "登记人",
                                       "登记时间"])


# --- accounts and the sample ---------------------------------------------------------------


def create_expert_accounts(storage: Storage, principal: Principal, expert_ids: list[str]) -> list[str]:
    """An expert account (login = the expert number in lower case, role 评审专家) for each active expert that
    has none yet; returns the logins created. Initial passwords or login links are then issued with
    scoring.common.accounts.issue_initial_credentials."""
    from scoring.common.accounts import create_user, list_users

    require(principal, Permission.MANAGE_ACCOUNTS)
    experts = [_active(storage, compact_code(i)) for i in dict.fromkeys(expert_ids)]
    has_account = {account.expert_id for account in list_users(storage, principal)}
    created = []
    for expert in experts:
        if expert.expert_id in has_account:
            continue
        account = create_user(storage, principal, expert.expert_id.lower(), expert.name, [Grant(role=Role.EXPERT)],
                              expert_id=expert.expert_id, reason="为评审专家建立账号")
        created.append(account.login)
    return created


def open_expert_accounts(storage: Storage, principal: Principal, expert_ids: list[str],
                         kind: str = "初始密码") -> list[tuple[str, str, str]]:
    """Accounts for the experts that have none yet, each with an initial password or a one-time login link
    token for staff to hand out: (expert name, login, secret). Experts with an account are left alone."""
    from scoring.common.accounts import CredentialKind, issue_initial_credentials

    created = create_expert_accounts(storage, principal, expert_ids)
    if not created:
        return []
    names = {e.expert_id.lower(): e.name for e in list_experts(storage, principal, include_inactive=True)}
    issued = issue_initial_credentials(storage, principal, created, CredentialKind(kind))
    return [(names.get(item.login, item.login), item.login, item.secret) for item in issued]


def _active(storage: Storage, expert_id: str) -> Expert:
    expert = _stored(storage, expert_id)
    if not expert.active:
        raise ExpertError(f"专家{expert.name}（{expert_id}）已停用，不能建立账号。")
    return expert


def load_sample_experts(storage: Storage, principal: Principal) -> ExpertImportReport:
    """The sample pool (scoring/sample.py), imported through the ordinary import so it is validated and audited."""
    from scoring.intake.sample import sample_declarations, sample_experts

    content = write_expert_workbook(sample_experts(), sample_declarations())
    report = import_experts(storage, principal, [("示例专家库.xlsx", content)], reason="载入示例专家库")
    if not report.imported:
        raise ExpertError("示例专家库未能导入：" + "；".join(str(i) for i in report.errors))
    return report
