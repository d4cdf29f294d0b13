"""Assigning a round's applications to experts: the preview, its commit, manual edits, and the re-run after a recusal.

Who takes part: the applications of the batch that passed the formal check (overall 通过 once staff overrides
count) and the experts of the pool that are in the pool (在库) and available (可参评). Conflicts of interest come
from `find_conflicts` under the round's rules (recusals included) and are hard constraints everywhere.

Affinity (匹配度) of an expert for an application is the share of the application's disciplines (its 1–2
leading fields) that the expert's fields cover: 1 when the expert covers all of them, 0.5 for one of two, 0
for none. An application that names no discipline gives every expert 0: there is nothing to prefer anyone by.
"""
from __future__ import annotations

import hashlib
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from enum import StrEnum

import numpy as np
from pydantic import BaseModel, ConfigDict

from scoring.common import clock
from scoring.common.access import Permission, Principal, require
from scoring.rounds.solver import AssignmentInfeasible, AssignmentProblem, solve
from scoring.experts.conflicts import find_conflicts, unit_groups
from scoring.common.models import ActionKind, Application, CheckReport, Expert, Outcome, compact_code
from scoring.rounds.review_rounds import (
    ReviewRound,
    RoundError,
    RoundMode,
    stored_round,
    checked_reason,
    round_entity,
    route_applications,
)
from scoring.notifications.assignments import tell_experts_assigned
from scoring.pilots import registry
from scoring.storage import Storage
from scoring.storage import expert_store
from scoring.storage import round_store as store
from scoring.storage.round_store import NewPair, StoredPair

PairKey = tuple[str, str]  # (credit code, expert id)

STALE_PREVIEW = "预览生成之后，申报书、专家库、回避关系、评审轮次设置或已确认的分配已有变化，请重新生成预览后再确认。"


class PairSource(StrEnum):
    """How a pair came into the assignment."""

    SOLVER = "自动分配"
    PANEL = "评审组分配"
    RERUN = "回避后补充分配"
    MANUAL = "人工添加"


class PreviewKind(StrEnum):
    FULL = "重新分配"
    RERUN = "回避后补充分配"


class AssignedPair(BaseModel):
    """One expert on one application, with the expert's fit and the panel the pair belongs to."""

    model_config = ConfigDict(frozen=True)

    credit_code: str
    expert_id: str
    affinity: float
    panel: str = ""

    @property
    def key(self) -> PairKey:
        return self.credit_code, self.expert_id


class ExpertLoad(BaseModel):
    """How many applications an expert gets, beside what the committed assignment gives them and the bounds."""

    model_config = ConfigDict(frozen=True)

    expert_id: str
    name: str
    unit: str
    load: int
    committed: int
    minimum: int | None = None  # bounds hold in distributed mode only
    maximum: int | None = None


class ApplicationFit(BaseModel):
    """How many experts an application gets against how many it needs, and their mean affinity."""

    model_config = ConfigDict(frozen=True)

    credit_code: str
    unit_name: str
    city: str
    panel: str
    experts: int
    required: int
    mean_affinity: float | None  # None without experts


class AssignmentPreview(BaseModel):
    """What committing would store: the complete assignment, or no pairs at all and the reasons in Chinese.

    `fingerprint` hashes everything the assignment was computed from (round, applications that passed, the pool,
    the conflicts, the committed pairs); committing refuses a preview whose fingerprint no longer matches."""

    round_id: str
    batch_id: str
    mode: RoundMode
    kind: PreviewKind
    fingerprint: str
    computed_at: datetime
    pairs: list[AssignedPair] = []
    added: list[AssignedPair] = []
    removed: list[AssignedPair] = []
    loads: list[ExpertLoad] = []
    fits: list[ApplicationFit] = []
    shortfalls: list[str] = []
    notes: list[str] = []
    optimality: str = ""

    @property
    def feasible(self) -> bool:
        return not self.shortfalls

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed)


class CommitSummary(BaseModel):
    """What a commit (or a re-run) stored."""

    round_id: str
    kind: PreviewKind
    pairs: int
    added: int
    removed: int
    pairs_sha256: str


# --- affinity ------------------------------------------------------------------------------


def pair_affinity(application: Application, expert: Expert) -> float:
    """The share of the application's disciplines the expert covers (module docstring)."""
    wanted = set(application.disciplines)
    return len(wanted & set(expert.disciplines)) / len(wanted) if wanted else 0.0


def affinity_matrix(applications: Sequence[Application], experts: Sequence[Expert]) -> np.ndarray:
    """A × E affinities, rows following `applications`, columns `experts`."""
    fields = sorted({f for e in experts for f in e.disciplines} | {f for a in applications for f in a.disciplines})
    column = {f: i for i, f in enumerate(fields)}
    wanted = np.zeros((len(applications), len(fields)), dtype=np.float32)
    for i, application in enumerate(applications):
        for f in application.disciplines:
            wanted[i, column[f]] = 1.0
    covered = np.zeros((len(experts), len(fields)), dtype=np.float32)
    for j, expert in enumerate(experts):
        for f in expert.disciplines:
            covered[j, column[f]] = 1.0
    counts = wanted.sum(axis=1, keepdims=True)
    return np.divide(wanted @ covered.T, counts, out=np.zeros((len(applications), len(experts)), np.float32),
                     where=counts > 0)


def pairs_sha256(keys: Iterable[PairKey]) -> str:
    """The hash of a set of pairs, independent of their order: what the audit log records of an assignment."""
    text = "\n".join(f"{code}\t{expert_id}" for code, expert_id in sorted(keys))
    return hashlib.sha256(text.encode()).hexdigest()


# --- what an assignment is computed from -----------------------------------------------------


@dataclass
class RoundData:
    """A round with everything its assignment depends on, read at one moment."""

    review_round: ReviewRound
    applications: list[Application]  # passed the formal check, by credit code
    pool: list[Expert]  # in the pool and available, by expert number
    committed: list[StoredPair]
    batch_applications: dict[str, Application]
    experts: dict[str, Expert]  # every expert, deactivated ones too, for names
    conflicts: dict[PairKey, list[str]]  # every conflict among the applications and experts considered
    recused: set[PairKey]

    @property
    def k(self) -> int:
        return self.review_round.experts_per_application

    @cached_property
    def eligible_codes(self) -> set[str]:
        return {a.credit_code for a in self.applications}

    @cached_property
    def pool_ids(self) -> set[str]:
        return {e.expert_id for e in self.pool}

    @cached_property
    def committed_keys(self) -> set[PairKey]:
        return {(p.credit_code, p.expert_id) for p in self.committed}

    def barred(self, key: PairKey) -> list[str]:
        """Why the pair may not be assigned: its conflicts, and a recusal even when the round's rules skip them."""
        reasons = list(self.conflicts.get(key, []))
        if key in self.recused and not reasons:
            reasons.append(f"专家{self.expert_name(key[1])}已在评审中申请回避该申报书")
        return reasons

    def expert_name(self, expert_id: str) -> str:
        expert = self.experts.get(expert_id)
        return expert.name if expert else expert_id

    def unit_name(self, credit_code: str) -> str:
        application = self.batch_applications.get(credit_code)
        return application.basic.unit_name if application else credit_code

    def routed(self) -> dict[str, str]:
        return route_applications(self.review_round.panels, self.applications)

    def fingerprint(self) -> str:
        content = {
            "round": self.review_round.model_dump(mode="json"),
            "applications": [[a.credit_code, a.basic.unit_name, str(a.recommendation.city), list(a.disciplines)]
                             for a in self.applications],
            "pool": [e.model_dump(mode="json") for e in self.pool],
            "conflicts": sorted([*key, reason] for key, reasons in self.conflicts.items() for reason in reasons),
            "recused": sorted(self.recused),
            "committed": sorted([p.credit_code, p.expert_id, p.panel] for p in self.committed),
        }
        return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def passed(applications: Iterable[Application], reports: dict[str, CheckReport]) -> list[Application]:
    """The applications whose formal check came out 通过 overall, staff overrides included, by credit code."""
    chosen = [a for a in applications if a.credit_code in reports and reports[a.credit_code].overall is Outcome.PASS]
    return sorted(chosen, key=lambda a: a.credit_code)


def eligible_applications(storage: Storage, principal: Principal, batch_id: str,
                          review_round: ReviewRound | None = None) -> list[Application]:
    """What a round of the batch reviews (a selection's when no round is named: those that passed the formal
    check), for those who may see the batch's assignments."""
    require(principal, Permission.VIEW_ASSIGNMENTS, batch_id)
    if review_round is None:
        return passed(storage.list_applications(batch_id), storage.check_reports(batch_id))
    return round_applications(storage, review_round)


def round_applications(storage: Storage, review_round: ReviewRound,
                       batch_applications: dict[str, Application] | None = None) -> list[Application]:
    """What the round reviews, by credit code: a selection the applications that passed the formal check; a yearly
    acceptance or final evaluation the applications of the batch's pilots still under construction that year."""
    if batch_applications is None:
        batch_applications = {a.credit_code: a for a in storage.list_applications(review_round.batch_id)}
    if not review_round.reviews_pilots:
        return passed(batch_applications.values(), storage.check_reports(review_round.batch_id))
    codes = registry.pilot_codes_under_review(storage, review_round.batch_id, review_round.year)
    return [batch_applications[c] for c in sorted(codes) if c in batch_applications]


def round_data(storage: Storage, review_round: ReviewRound) -> RoundData:
    """Everything the round's assignment depends on, read now."""
    batch_id = review_round.batch_id
    batch_applications = {a.credit_code: a for a in storage.list_applications(batch_id)}
    applications = round_applications(storage, review_round, batch_applications)
    experts = {e.expert_id: e for e in expert_store.load_experts(storage, include_inactive=True)}
    pool = [e for e in experts.values() if e.active and e.available]
    committed = store.current_pairs(storage, review_round.round_id)
    recusals = expert_store.load_recusals(storage, batch_id)

    considered_codes = {a.credit_code for a in applications} | {p.credit_code for p in committed}
    considered_apps = [batch_applications[c] for c in sorted(considered_codes) if c in batch_applications]
    considered_ids = {e.expert_id for e in pool} | {p.expert_id for p in committed}
    considered_experts = [experts[i] for i in sorted(considered_ids) if i in experts]
    found = find_conflicts(considered_apps, considered_experts, review_round.rules,
                           expert_store.load_declared(storage), [(r.expert_id, r.credit_code, r.reason) for r in recusals],
                           clock.today())
    conflicts: dict[PairKey, list[str]] = defaultdict(list)
    for conflict in found:
        conflicts[(conflict.credit_code, conflict.expert_id)].append(conflict.reason)
    return RoundData(review_round=review_round, applications=applications, pool=pool, committed=committed,
                     batch_applications=batch_applications, experts=experts, conflicts=dict(conflicts),
                     recused={(r.credit_code, r.expert_id) for r in recusals})


# --- the preview -----------------------------------------------------------------------------


@dataclass
class _Outcome:
    """Pairs as (credit code, expert id, panel), or the reasons there are none."""

    pairs: list[tuple[str, str, str]] = field(default_factory=list)
    shortfalls: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    optimality: str = ""


def preview_assignment(storage: Storage, principal: Principal, round_id: str) -> AssignmentPreview:
    """The assignment the round's settings give now, from scratch, and how it differs from the committed one.

    Distributed mode solves for k experts per application within the load bounds, one expert per unit and
    application, fit maximised (scoring.rounds.solver). Panel mode gives every application routed to a panel every
    non-conflicted member of it, and names applications that no panel takes or whose panel has fewer than k
    members left. Either way, when anything is short the preview holds no pairs, only the reasons."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
    data = round_data(storage, review_round)
    if review_round.mode is RoundMode.DISTRIBUTED:
        outcome = _distributed(data, kept=[], rerun=False)
    else:
        outcome = _panel(data, kept=[], rerun=False)
    return _preview(data, PreviewKind.FULL, outcome)


def preview_rerun(storage: Storage, principal: Principal, round_id: str) -> AssignmentPreview:
    """The committed assignment with every pair a recusal (or another conflict since) bars taken out, and only the
    applications left short filled again; every other pair stays exactly where it is."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
    data = round_data(storage, review_round)
    kept = [p for p in data.committed if not data.barred((p.credit_code, p.expert_id))]
    if review_round.mode is RoundMode.DISTRIBUTED:
        outcome = _distributed(data, kept=kept, rerun=True)
    else:
        outcome = _panel(data, kept=kept, rerun=True)
    dropped = len(data.committed) - len(kept)
    if dropped:
        outcome.notes.insert(0, f"已撤下{dropped}项因回避而不能保留的分配，其余已确认的分配保持不变。")
    return _preview(data, PreviewKind.RERUN, outcome)


def _preview(data: RoundData, kind: PreviewKind, outcome: _Outcome) -> AssignmentPreview:
    review_round = data.review_round
    base = dict(round_id=review_round.round_id, batch_id=review_round.batch_id, mode=review_round.mode, kind=kind,
                fingerprint=data.fingerprint(), computed_at=clock.now(), shortfalls=outcome.shortfalls,
                notes=outcome.notes, optimality=outcome.optimality)
    if outcome.shortfalls:
        return AssignmentPreview(**base)
    pairs = [_assigned(data, code, expert_id, panel) for code, expert_id, panel in sorted(outcome.pairs)]
    keys = {p.key for p in pairs}
    committed = {(p.credit_code, p.expert_id): p for p in data.committed}
    removed = [_assigned(data, p.credit_code, p.expert_id, p.panel) for key, p in sorted(committed.items())
               if key not in keys]
    return AssignmentPreview(**base, pairs=pairs, added=[p for p in pairs if p.key not in committed],
                             removed=removed, loads=expert_loads(data, pairs), fits=application_fits(data, pairs))


def _assigned(data: RoundData, code: str, expert_id: str, panel: str) -> AssignedPair:
    application, expert = data.batch_applications.get(code), data.experts.get(expert_id)
    fit = pair_affinity(application, expert) if application and expert else 0.0
    return AssignedPair(credit_code=code, expert_id=expert_id, affinity=fit, panel=panel)


def expert_loads(data: RoundData, pairs: Sequence[AssignedPair]) -> list[ExpertLoad]:
    """Each expert of the pool, and each expert the committed assignment names, with both loads."""
    load = Counter(p.expert_id for p in pairs)
    committed = Counter(p.expert_id for p in data.committed)
    distributed = data.review_round.mode is RoundMode.DISTRIBUTED
    ids = sorted(data.pool_ids | set(load) | set(committed))
    return [ExpertLoad(expert_id=i, name=data.expert_name(i), unit=data.experts[i].unit if i in data.experts else "",
                       load=load[i], committed=committed[i],
                       minimum=data.review_round.min_load if distributed else None,
                       maximum=data.review_round.max_load if distributed else None) for i in ids]


def application_fits(data: RoundData, pairs: Sequence[AssignedPair]) -> list[ApplicationFit]:
    """Each application that passed (and each the committed assignment names) with its experts and their mean fit."""
    by_app: dict[str, list[AssignedPair]] = defaultdict(list)
    for pair in pairs:
        by_app[pair.credit_code].append(pair)
    routed = data.routed() if data.review_round.mode is RoundMode.PANEL else {}
    codes = sorted(data.eligible_codes | set(by_app) | {p.credit_code for p in data.committed})
    fits = []
    for code in codes:
        mine = by_app.get(code, [])
        application = data.batch_applications.get(code)
        panel = routed.get(code) or next((p.panel for p in mine if p.panel), "")
        fits.append(ApplicationFit(
            credit_code=code, unit_name=data.unit_name(code),
            city=str(application.recommendation.city) if application else "", panel=panel, experts=len(mine),
            required=data.k if code in data.eligible_codes else 0,
            mean_affinity=sum(p.affinity for p in mine) / len(mine) if mine else None))
    return fits


# --- distributed mode ----------------------------------------------------------------------


def _distributed(data: RoundData, kept: list[StoredPair], rerun: bool) -> _Outcome:
    """The solver's assignment; recused pairs are forbidden whatever the round's rules. In a re-run the `kept` pairs
    stay fixed and minimum loads drop to zero: only what the kept pairs leave short is filled."""
    review_round = data.review_round
    if not data.applications and not kept:
        return _Outcome(shortfalls=["本批次没有通过形式审查的申报书，无需分配。"])
    codes = sorted(data.eligible_codes | {p.credit_code for p in kept})
    applications = [data.batch_applications[c] for c in codes]
    ids = sorted(data.pool_ids | {p.expert_id for p in kept})
    experts = [data.experts[i] for i in ids]
    row, col = {c: i for i, c in enumerate(codes)}, {e: j for j, e in enumerate(ids)}

    fixed = np.array([(row[p.credit_code], col[p.expert_id]) for p in kept], dtype=np.int64).reshape(-1, 2)
    kept_per_app = np.bincount(fixed[:, 0], minlength=len(codes))
    kept_per_expert = np.bincount(fixed[:, 1], minlength=len(ids))
    eligible = np.array([c in data.eligible_codes for c in codes], dtype=bool)
    in_pool = np.array([i in data.pool_ids for i in ids], dtype=bool)

    forbidden = [(row[c], col[e]) for c, e in data.recused if c in row and e in col]
    problem = AssignmentProblem(
        affinity=affinity_matrix(applications, experts),
        conflict=_conflict_matrix(data, row, col),
        demands=np.where(eligible, np.maximum(data.k, kept_per_app), kept_per_app),
        minimums=np.zeros(len(ids), np.int64) if rerun else np.full(len(ids), review_round.min_load),
        maximums=np.where(in_pool, np.maximum(review_round.max_load, kept_per_expert), kept_per_expert),
        expert_units=unit_groups(experts),
        fixed=fixed,
        forbidden=np.array(forbidden, dtype=np.int64).reshape(-1, 2),
        application_labels=[a.basic.unit_name for a in applications],
        expert_labels=[f"{e.name}（{e.expert_id}）" for e in experts],
    )
    try:
        result = solve(problem)
    except AssignmentInfeasible as exc:
        return _Outcome(shortfalls=[s.message for s in exc.shortfalls])
    pairs = [(codes[a], ids[e], "") for a, e in zip(result.applications.tolist(), result.experts.tolist())]
    notes = [] if rerun else balance_hint(len(data.applications) * data.k, len(data.pool), review_round.min_load,
                                         review_round.max_load)
    return _Outcome(pairs=pairs, notes=notes, optimality=result.optimality.describe())


def balanced_load_bounds(reviews: int, experts: int) -> tuple[int, int]:
    """Load bounds around the mean, from ⌊mean⌋−1 to ⌈mean⌉+1 as in the reviewer-assignment benchmark: tight
    enough that loads stay balanced, loose enough to leave the solver room for expertise fit."""
    if experts <= 0:
        return 0, max(1, reviews)
    mean = reviews / experts
    return max(0, math.floor(mean) - 1), max(1, math.ceil(mean) + 1)


def suggested_load_bounds(storage: Storage, principal: Principal, batch_id: str, k: int) -> tuple[int, int]:
    """Balanced bounds for a new distributed round: the batch's applications that passed, times k, over the
    experts in the pool and available."""
    reviews = len(eligible_applications(storage, principal, batch_id)) * k
    experts = sum(1 for e in expert_store.load_experts(storage) if e.available)
    return balanced_load_bounds(reviews, experts)


def balance_hint(reviews: int, experts: int, minimum: int, maximum: int) -> list[str]:
    """A note when the load bounds leave room for very uneven loads: the solver maximises fit within the bounds,
    so only the bounds balance the loads."""
    if not experts:
        return []
    low, high = balanced_load_bounds(reviews, experts)
    if maximum <= high:
        return []
    return [f"每位专家平均约{reviews / experts:.1f}份；当前负荷范围为{minimum}—{maximum}份，分配只在此范围内追求专业匹配度最高。"
            f"如希望负荷更均衡，可把上限降到{high}份、下限提高到{low}份左右（匹配度可能略有下降）。"]


def _conflict_matrix(data: RoundData, row: dict[str, int], col: dict[str, int]) -> np.ndarray:
    """A × E booleans of the conflicted pairs, rows and columns numbered by `row` and `col`."""
    matrix = np.zeros((len(row), len(col)), dtype=bool)
    cells = [(row[c], col[e]) for c, e in data.conflicts if c in row and e in col]
    if cells:
        matrix[tuple(np.array(cells).T)] = True
    return matrix


# --- panel mode ----------------------------------------------------------------------------


def _panel(data: RoundData, kept: list[StoredPair], rerun: bool) -> _Outcome:
    """Every non-conflicted member of the application's panel. In a re-run the `kept` pairs stay and only
    applications with fewer than k experts get the members they do not have yet."""
    review_round = data.review_round
    outcome = _Outcome(pairs=[(p.credit_code, p.expert_id, p.panel) for p in kept])
    if not review_round.panels:
        outcome.shortfalls.append("分配方式为评审组，但本轮尚未设置评审组：请在“评审轮次”页面设置评审组及其成员。")
        return outcome
    if not data.applications and not kept:
        outcome.shortfalls.append("本批次没有通过形式审查的申报书，无需分配。")
        return outcome
    outcome.notes += _members_left_out(data)
    routed = data.routed()
    have = Counter(code for code, _, _ in outcome.pairs)
    assigned = {(code, expert_id) for code, expert_id, _ in outcome.pairs}
    unrouted, short = [], []
    for application in data.applications:
        code = application.credit_code
        if rerun and have[code] >= data.k:
            continue
        if code not in routed:
            unrouted.append(application)
            continue
        panel = review_round.panel(routed[code])
        members, barred = _members_for(data, panel.members, code)
        outcome.pairs += [(code, m, panel.name) for m in members if (code, m) not in assigned]
        total = have[code] + sum(1 for m in members if (code, m) not in assigned)
        if total < data.k:
            short.append(_short_message(data, application, panel.name, total, barred))
    if unrouted:
        outcome.shortfalls.append(
            f"以下申报书未分到任何评审组：{_listing([a.basic.unit_name for a in unrouted])}。"
            "请在评审组中指定这些申报单位，或为评审组增加相应的专业领域。")
    if short:
        outcome.shortfalls += short
    return outcome


def _listing(names: list[str], shown: int = 10) -> str:
    """Names joined with 、, the first ten only: A、B、…等12份."""
    text = "、".join(names[:shown])
    return text if len(names) <= shown else f"{text}等{len(names)}份"


def _members_for(data: RoundData, members: Sequence[str], code: str) -> tuple[list[str], list[str]]:
    """The panel members who may review the application, and for the others why not."""
    able, barred = [], []
    for member in members:
        if member not in data.pool_ids:
            continue
        reasons = data.barred((code, member))
        if reasons:
            barred.append(reasons[0])
        else:
            able.append(member)
    return able, barred


def _short_message(data: RoundData, application: Application, panel: str, total: int, barred: list[str]) -> str:
    message = (f"申报书“{application.basic.unit_name}”所在的评审组“{panel}”只有{total}名成员可以评审，"
               f"少于每份申报书所需的{data.k}名")
    if barred:
        message += "（" + "；".join(barred) + "）"
    remedies = [f"为评审组“{panel}”增加成员", "把该申报书指定给其他评审组"]
    if total:
        remedies.append(f"把每份申报书的评审专家数降为{total}")
    return f"{message}。请{'、'.join(remedies[:-1])}，或{remedies[-1]}。"


def _members_left_out(data: RoundData) -> list[str]:
    notes = []
    for panel in data.review_round.panels:
        for member in panel.members:
            if member not in data.pool_ids:
                state = "已停用" if member in data.experts and not data.experts[member].active else "本轮不可参评"
                notes.append(f"评审组“{panel.name}”的成员{data.expert_name(member)}（{member}）{state}，不参加分配。")
    return notes


# --- commit --------------------------------------------------------------------------------


def commit_assignment(storage: Storage, principal: Principal, round_id: str, preview: AssignmentPreview,
                      reason: str) -> CommitSummary:
    """Store the previewed assignment in one audited transaction (counts and a hash of the pairs), replacing the
    committed one: pairs no longer in it are marked removed, new ones added. Refuses a preview with a shortfall,
    one without changes, and one computed from data that has changed since."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
    reason = checked_reason(reason, "确认分配")
    if preview.round_id != round_id:
        raise RoundError(f"该预览属于评审轮次 {preview.round_id}，不是 {round_id}。")
    if not preview.feasible:
        raise RoundError("预览中有无法满足的约束，不能确认分配：" + "；".join(preview.shortfalls))
    with storage.transaction(principal.actor) as tx:
        data = round_data(storage, stored_round(tx, round_id))
        if data.fingerprint() != preview.fingerprint:
            raise RoundError(STALE_PREVIEW)
        _refuse_barred(data, preview.pairs)
        keys = {p.key for p in preview.pairs}
        added = [p for p in preview.pairs if p.key not in data.committed_keys]
        removed = sorted(data.committed_keys - keys)
        if not added and not removed:
            raise RoundError("预览与已确认的分配相同，无需确认。")
        source = _source_of(preview)
        store.remove_pairs(tx, round_id, removed, reason)
        store.insert_pairs(tx, round_id, [NewPair(credit_code=p.credit_code, expert_id=p.expert_id, panel=p.panel)
                                          for p in added], str(source), reason)
        summary = CommitSummary(round_id=round_id, kind=preview.kind, pairs=len(keys), added=len(added),
                                removed=len(removed), pairs_sha256=pairs_sha256(keys))
        tx.audit(ActionKind.ASSIGNMENT_COMMIT, round_entity(review_round.batch_id, round_id), reason, {
            **summary.model_dump(mode="json"), "applications": len({c for c, _ in keys}),
            "experts": len({e for _, e in keys}), "fingerprint": preview.fingerprint})
        tell_experts_assigned(tx, review_round, {p.expert_id for p in added})
    return summary


def _source_of(preview: AssignmentPreview) -> PairSource:
    if preview.kind is PreviewKind.RERUN:
        return PairSource.RERUN
    return PairSource.SOLVER if preview.mode is RoundMode.DISTRIBUTED else PairSource.PANEL


def _refuse_barred(data: RoundData, pairs: Sequence[AssignedPair]) -> None:
    """A last check of the pairs themselves, whatever produced the preview: no conflict, no unknown party."""
    known_codes = set(data.batch_applications)
    for pair in pairs:
        if pair.credit_code not in known_codes or pair.expert_id not in data.experts:
            raise RoundError(f"预览中的配对 {pair.credit_code}—{pair.expert_id} 不属于本批次或专家库。")
        reasons = data.barred(pair.key)
        if reasons:
            raise RoundError("预览中含需回避的配对，不能确认：" + reasons[0])


def rerun_uncovered(storage: Storage, principal: Principal, round_id: str, reason: str) -> CommitSummary:
    """Preview the re-run after recusals and commit it at once; nothing to do gives a summary of no changes."""
    preview = preview_rerun(storage, principal, round_id)
    if not preview.feasible:
        raise RoundError("补充分配无法完成：" + "；".join(preview.shortfalls))
    if not preview.has_changes:
        checked_reason(reason, "补充分配")
        return CommitSummary(round_id=round_id, kind=PreviewKind.RERUN, pairs=len(preview.pairs), added=0, removed=0,
                             pairs_sha256=pairs_sha256(p.key for p in preview.pairs))
    return commit_assignment(storage, principal, round_id, preview, reason)


# --- manual edits --------------------------------------------------------------------------


def add_pair(storage: Storage, principal: Principal, round_id: str, credit_code: str, expert_id: str,
             reason: str) -> AssignedPair:
    """Assign one more expert to an application by hand; the conflict rules, the one-expert-per-unit rule and the
    load maximum (distributed mode) still hold, and a refusal says which and why."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
    reason = checked_reason(reason, "手动添加分配")
    code, expert_id = compact_code(credit_code), compact_code(expert_id)
    with storage.transaction(principal.actor) as tx:
        data = round_data(storage, stored_round(tx, round_id))
        pair = _addable(data, code, expert_id, leaving=None)
        store.insert_pairs(tx, round_id, [NewPair(credit_code=code, expert_id=expert_id, panel=pair.panel)],
                           str(PairSource.MANUAL), reason)
        tx.audit(ActionKind.ASSIGNMENT_ADD, _pair_entity(review_round, code, expert_id), reason,
                 pair.model_dump(mode="json"))
        tell_experts_assigned(tx, review_round, [expert_id])
    return pair


def remove_pair(storage: Storage, principal: Principal, round_id: str, credit_code: str, expert_id: str,
                reason: str) -> None:
    """Take one expert off an application by hand; the application may then be short until a re-run or an add."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
    reason = checked_reason(reason, "手动移除分配")
    code, expert_id = compact_code(credit_code), compact_code(expert_id)
    with storage.transaction(principal.actor) as tx:
        if (code, expert_id) not in {(p.credit_code, p.expert_id) for p in store.current_pairs(tx, round_id)}:
            raise RoundError(f"专家 {expert_id} 并未分配评审统一社会信用代码为 {code} 的申报书。")
        store.remove_pairs(tx, round_id, [(code, expert_id)], reason)
        tx.audit(ActionKind.ASSIGNMENT_REMOVE, _pair_entity(review_round, code, expert_id), reason,
                 {"credit_code": code, "expert_id": expert_id})


def swap_pair(storage: Storage, principal: Principal, round_id: str, credit_code: str, old_expert_id: str,
              new_expert_id: str, reason: str) -> AssignedPair:
    """Replace one expert of an application by another in one step, under the same rules as an add."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
    reason = checked_reason(reason, "更换专家")
    code, old, new = compact_code(credit_code), compact_code(old_expert_id), compact_code(new_expert_id)
    with storage.transaction(principal.actor) as tx:
        data = round_data(storage, stored_round(tx, round_id))
        leaving = next((p for p in data.committed if (p.credit_code, p.expert_id) == (code, old)), None)
        if leaving is None:
            raise RoundError(f"专家 {old} 并未分配评审统一社会信用代码为 {code} 的申报书。")
        pair = _addable(data, code, new, leaving=leaving)
        store.remove_pairs(tx, round_id, [(code, old)], reason)
        store.insert_pairs(tx, round_id, [NewPair(credit_code=code, expert_id=new, panel=pair.panel)],
                           str(PairSource.MANUAL), reason)
        tx.audit(ActionKind.ASSIGNMENT_SWAP, _pair_entity(review_round, code, new), reason,
                 {"credit_code": code, "removed": old, "added": new, "panel": pair.panel})
        tell_experts_assigned(tx, review_round, [new])
    return pair


def _pair_entity(review_round: ReviewRound, code: str, expert_id: str) -> str:
    return f"{round_entity(review_round.batch_id, review_round.round_id)}/{code}/{expert_id}"


def _addable(data: RoundData, code: str, expert_id: str, leaving: StoredPair | None) -> AssignedPair:
    """The pair if it may be added (the `leaving` pair already gone), else RoundError with the reason."""
    application, expert = data.batch_applications.get(code), data.experts.get(expert_id)
    if application is None:
        raise RoundError(f"批次 {data.review_round.batch_id} 中没有统一社会信用代码为 {code} 的申报书。")
    if code not in data.eligible_codes:
        raise RoundError(f"申报书“{application.basic.unit_name}”未通过形式审查，不参加专家评审。")
    if expert is None:
        raise RoundError(f"专家库中没有编号为 {expert_id} 的专家。")
    if expert_id not in data.pool_ids:
        state = "已停用" if not expert.active else "本轮不可参评"
        raise RoundError(f"专家{expert.name}（{expert_id}）{state}，不能分配。")
    others = [p for p in data.committed if p.credit_code == code and p != leaving]
    if any(p.expert_id == expert_id for p in others):
        raise RoundError(f"专家{expert.name}已分配评审申报书“{application.basic.unit_name}”。")
    reasons = data.barred((code, expert_id))
    if reasons:
        raise RoundError(f"不能分配：{'；'.join(reasons)}。")
    if data.review_round.mode is RoundMode.DISTRIBUTED:
        _refuse_same_unit(data, expert, [data.experts[p.expert_id] for p in others if p.expert_id in data.experts],
                          application)
        _refuse_over_maximum(data, expert, leaving)
    if leaving:
        panel = leaving.panel
    else:
        panel = data.routed().get(code, "") if data.review_round.mode is RoundMode.PANEL else ""
    return AssignedPair(credit_code=code, expert_id=expert_id, affinity=pair_affinity(application, expert),
                        panel=panel)


def _refuse_same_unit(data: RoundData, expert: Expert, others: list[Expert], application: Application) -> None:
    groups = unit_groups([expert, *others])
    same = [other for other, group in zip(others, groups[1:]) if group == groups[0]]
    if same:
        raise RoundError(f"不能分配：专家{expert.name}与已分配评审申报书“{application.basic.unit_name}”的专家"
                         f"{same[0].name}同属{expert.unit}，同一份申报书不分给同一单位的两位专家。")


def _refuse_over_maximum(data: RoundData, expert: Expert, leaving: StoredPair | None) -> None:
    load = sum(1 for p in data.committed if p.expert_id == expert.expert_id and p != leaving)
    if load >= data.review_round.max_load:
        raise RoundError(f"不能分配：专家{expert.name}已分配{load}份申报书，达到每位专家评审数上限"
                         f"{data.review_round.max_load}份。请先提高上限或移除其另一项分配。")
