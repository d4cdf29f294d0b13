"""Distributed-mode assignment of applications to experts: a certified optimal min-cost flow, diagnoses in Chinese."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from ortools.graph.python import min_cost_flow
from pydantic import BaseModel, ConfigDict

NO_UNIT = -1
DEFAULT_SCALE = 1000
# lcm(1..10): an overlap fraction |fields(a) ∩ fields(e)| / |fields(a)| with up to ten fields is an
# exact multiple of 1/2520, so such affinities get an exact integer scale instead of ×1000.
EXACT_DENOMINATOR = 2520
# In units of 1/EXACT_DENOMINATOR: float32 storage moves 1/3 by ~1e-4 there, a generic float by far more.
_EXACT_TOLERANCE = 1e-3
# Rows of an A×E matrix handled at once, so that temporaries stay near 4 million cells.
_CHUNK_CELLS = 1 << 22
_NAMES_SHOWN = 10
# Tighter relaxations tried before the dense flow when pool units cannot be re-matched to real pairs.
_REFINEMENT_ROUNDS = 3


# --- the problem ------------------------------------------------------------------------------


def _pairs_array(pairs: np.ndarray | Sequence[tuple[int, int]] | None) -> np.ndarray:
    if pairs is None:
        return np.empty((0, 2), dtype=np.int64)
    array = np.asarray(pairs, dtype=np.int64)
    if array.size == 0:
        return np.empty((0, 2), dtype=np.int64)
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError("配对必须是（申报书序号, 专家序号）的二列数组")
    return array


@dataclass(frozen=True, eq=False)
class AssignmentProblem:
    """One distributed-mode assignment: A applications × E experts held as numpy arrays, never per-pair objects.

    - `affinity` (A×E, float in [0, 1]): expertise fit; the solver maximises its total.
    - `conflict` (A×E, bool): conflicts of interest (回避), a hard constraint.
    - `demands` (A): experts each application needs (k); `minimums` / `maximums` (E): each expert's load range.
    - `expert_units` (E, optional): the expert's unit id, `NO_UNIT` (-1) for none; at most one expert of a
      unit on one application.
    - `fixed` (F×2, optional): (application, expert) pairs already committed. They are kept, count toward
      loads, demands and the unit rule, and the solver only fills what is left (re-run after a recusal).
    - `forbidden` (G×2, optional): pairs that must not be used besides the conflicts (a recused expert).
    - `application_labels` / `expert_labels`: names used in the Chinese diagnoses.
    """

    affinity: np.ndarray
    conflict: np.ndarray
    demands: np.ndarray
    minimums: np.ndarray
    maximums: np.ndarray
    expert_units: np.ndarray | None = None
    fixed: np.ndarray | None = None
    forbidden: np.ndarray | None = None
    application_labels: Sequence[str] | None = None
    expert_labels: Sequence[str] | None = None

    def __post_init__(self) -> None:
        affinity = np.asarray(self.affinity, dtype=np.float32)
        if affinity.ndim != 2:
            raise ValueError("亲和度矩阵必须是“申报书 × 专家”的二维数组")
        n_apps, n_experts = affinity.shape
        conflict = np.asarray(self.conflict, dtype=bool)
        units = (np.full(n_experts, NO_UNIT, dtype=np.int64) if self.expert_units is None
                 else np.asarray(self.expert_units, dtype=np.int64))
        normalised = {
            "affinity": affinity,
            "conflict": conflict,
            "demands": np.asarray(self.demands, dtype=np.int64),
            "minimums": np.asarray(self.minimums, dtype=np.int64),
            "maximums": np.asarray(self.maximums, dtype=np.int64),
            "expert_units": units,
            "fixed": _pairs_array(self.fixed),
            "forbidden": _pairs_array(self.forbidden),
        }
        for name, value in normalised.items():
            object.__setattr__(self, name, value)
        self._check_shapes(n_apps, n_experts)
        self._check_values()
        self._check_pairs()

    @property
    def n_applications(self) -> int:
        return self.affinity.shape[0]

    @property
    def n_experts(self) -> int:
        return self.affinity.shape[1]

    def _check_shapes(self, n_apps: int, n_experts: int) -> None:
        expected = {
            "conflict": (self.conflict.shape, (n_apps, n_experts), "回避矩阵"),
            "demands": (self.demands.shape, (n_apps,), "每份申报书的专家数"),
            "minimums": (self.minimums.shape, (n_experts,), "专家评审下限"),
            "maximums": (self.maximums.shape, (n_experts,), "专家评审上限"),
            "expert_units": (self.expert_units.shape, (n_experts,), "专家所在单位"),
        }
        for actual, wanted, title in expected.values():
            if actual != wanted:
                raise ValueError(f"{title}的形状为{actual}，应为{wanted}")
        for labels, count, title in ((self.application_labels, n_apps, "申报书名称"),
                                     (self.expert_labels, n_experts, "专家姓名")):
            if labels is not None and len(labels) != count:
                raise ValueError(f"{title}共{len(labels)}个，应为{count}个")

    def _check_values(self) -> None:
        if not np.isfinite(self.affinity).all() or (self.affinity < 0).any() or (self.affinity > 1).any():
            raise ValueError("亲和度必须是0到1之间的数")
        if (self.demands < 0).any():
            raise ValueError("每份申报书的专家数不能为负")
        if (self.minimums < 0).any():
            raise ValueError("专家评审下限不能为负")
        inverted = np.flatnonzero(self.minimums > self.maximums)
        if inverted.size:
            names = _Names(self)
            raise ValueError("；".join(f"{names.expert(e)}的评审下限{self.minimums[e]}大于上限{self.maximums[e]}"
                                      for e in inverted[:_NAMES_SHOWN]))
        if (self.expert_units < NO_UNIT).any():
            raise ValueError("专家所在单位的编号不能小于-1（-1表示无单位）")

    def _check_pairs(self) -> None:
        names = _Names(self)
        for pairs, title in ((self.fixed, "已确定的分配"), (self.forbidden, "排除的配对")):
            outside = ((pairs[:, 0] < 0) | (pairs[:, 0] >= self.n_applications)
                       | (pairs[:, 1] < 0) | (pairs[:, 1] >= self.n_experts))
            if outside.any():
                raise ValueError(f"{title}中有超出范围的序号：{pairs[outside][0].tolist()}")
        keys = self.fixed[:, 0] * self.n_experts + self.fixed[:, 1]
        if np.unique(keys).size != keys.size:
            raise ValueError("已确定的分配中有重复的配对")
        barred = self.conflict[self.fixed[:, 0], self.fixed[:, 1]]
        if self.forbidden.size:
            forbidden_keys = self.forbidden[:, 0] * self.n_experts + self.forbidden[:, 1]
            barred = barred | np.isin(keys, forbidden_keys)
        if barred.any():
            app, expert = self.fixed[np.flatnonzero(barred)[0]]
            pair = f"{names.application(app)}—{names.expert(expert)}"
            raise ValueError(f"已确定的分配“{pair}”属于回避或排除的配对，"
                             "请先撤下该分配")


# --- diagnoses ---------------------------------------------------------------------------------


class ShortfallKind(StrEnum):
    TOO_FEW_EXPERTS = "申报书可选专家不足"
    UNIT_LIMIT = "同单位限制导致可选专家不足"
    EXPERT_UNDERLOADED = "专家可评申报书少于下限"
    CAPACITY = "专家总容量不足"
    CAPACITY_AFTER_CONFLICTS = "回避后专家容量不足"
    MINIMUMS = "专家下限之和过大"
    FIXED_OVER_DEMAND = "已确定分配超过所需专家数"
    FIXED_OVER_MAXIMUM = "已确定分配超过专家上限"
    FIXED_SAME_UNIT = "已确定分配违反同单位限制"
    FLOW_SHORT = "约束同时成立时无法配满"
    FLOW_BELOW_MINIMUM = "约束同时成立时专家达不到下限"


class Shortfall(BaseModel):
    """One reason the constraints cannot all hold: who is short, and what to relax, in words staff read."""

    model_config = ConfigDict(frozen=True)

    kind: ShortfallKind
    message: str
    applications: tuple[int, ...] = ()
    experts: tuple[int, ...] = ()


class AssignmentInfeasible(Exception):
    """The constraints cannot all hold; no assignment, partial or whole, is returned."""

    def __init__(self, shortfalls: list[Shortfall]):
        super().__init__("\n".join(item.message for item in shortfalls))
        self.shortfalls = shortfalls


class _Names:
    """Chinese names of applications and experts for diagnoses, from labels or ordinals."""

    def __init__(self, problem: AssignmentProblem):
        self._apps = problem.application_labels
        self._experts = problem.expert_labels

    def application(self, index: int) -> str:
        return f"申报书“{self._apps[index]}”" if self._apps is not None else f"第{index + 1}份申报书"

    def expert(self, index: int) -> str:
        return f"专家“{self._experts[index]}”" if self._experts is not None else f"第{index + 1}位专家"

    def listing(self, texts: list[str], measure: str) -> str:
        """Names joined with 、, the first ten only: 第1份申报书、第2份申报书等12份."""
        shown = "、".join(texts[:_NAMES_SHOWN])
        return shown if len(texts) <= _NAMES_SHOWN else f"{shown}等{len(texts)}{measure}"


# --- the result --------------------------------------------------------------------------------


class SolveMethod(StrEnum):
    SPARSE = "非零亲和度配对 + 零亲和度汇集节点的稀疏最小费用流"
    DENSE = "全部可选配对的稠密最小费用流"
    NOTHING_TO_ADD = "无需新增分配"


class Optimality(BaseModel):
    """How the result was found and the proof that no assignment has a larger scaled total.

    The proof is a certificate checked after solving, independent of the solver: node potentials under
    which every residual arc of the full network (every allowed pair, including those the sparse flow
    never saw) has a non-negative reduced cost — LP duality for the network's integral polytope.
    """

    model_config = ConfigDict(frozen=True)

    proven: bool
    method: SolveMethod
    scale: int  # costs are −round(affinity × scale)
    exact_scale: bool  # every affinity × scale is an integer: optimal for the float objective too
    scaled_objective: int  # Σ round(affinity × scale) over the pairs the solver added (kept pairs are given)
    flow_arcs: int  # arcs of the last flow network solved
    flow_solves: int
    pool_units_repaired: int  # pool flow re-matched to real zero-affinity pairs
    pairs_certified: int  # allowed pairs whose reduced cost the certificate checked

    def describe(self) -> str:
        """One Chinese sentence for the preview page."""
        if self.method is SolveMethod.NOTHING_TO_ADD:
            return "所有申报书均已配满，无需新增分配。"
        precision = (f"亲和度×{self.scale}恰为整数，结果对原始亲和度精确最优" if self.exact_scale
                     else f"亲和度按×{self.scale}取整，最优性针对取整后的整数目标")
        return (f"已证明最优：对全部{self.pairs_certified}个可选配对校验约化成本均满足最优条件"
                f"（{self.method.value}，{self.flow_arcs}条弧；{precision}）。")


@dataclass(frozen=True, eq=False)
class AssignmentResult:
    """The complete assignment: one row per (application, expert) pair, sorted by application then expert."""

    applications: np.ndarray
    experts: np.ndarray
    kept: np.ndarray  # True where the pair was given as fixed
    total_affinity: float
    optimality: Optimality

    @property
    def size(self) -> int:
        return int(self.applications.size)

    def experts_of(self, application: int) -> np.ndarray:
        start, stop = np.searchsorted(self.applications, [application, application + 1])
        return self.experts[start:stop]

    def same_pairs(self, other: AssignmentResult) -> bool:
        return (np.array_equal(self.applications, other.applications)
                and np.array_equal(self.experts, other.experts))


class FitSummary(BaseModel):
    """Loads and fit of an assignment, as the assignment table and chart show them."""

    model_config = ConfigDict(frozen=True)

    assignments: int
    total_affinity: float
    mean_affinity: float
    zero_affinity_assignments: int
    lowest_application_mean: float
    min_load: int
    max_load: int


def expert_loads(result: AssignmentResult, n_experts: int) -> np.ndarray:
    """Applications per expert, kept pairs included."""
    return np.bincount(result.experts, minlength=n_experts)


def application_mean_affinity(problem: AssignmentProblem, result: AssignmentResult) -> np.ndarray:
    """Mean affinity of each application's experts; NaN for an application without experts."""
    fit = problem.affinity[result.applications, result.experts].astype(np.float64)
    totals = np.bincount(result.applications, weights=fit, minlength=problem.n_applications)
    counts = np.bincount(result.applications, minlength=problem.n_applications)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, totals / np.maximum(counts, 1), np.nan)


def total_affinity(problem: AssignmentProblem, applications: np.ndarray, experts: np.ndarray) -> float:
    """Sum of the float affinities of the given pairs, in float64."""
    return float(problem.affinity[applications, experts].astype(np.float64).sum())


def summarize_fit(problem: AssignmentProblem, result: AssignmentResult) -> FitSummary:
    """Totals, means and the load range of an assignment."""
    loads = expert_loads(result, problem.n_experts)
    fit = problem.affinity[result.applications, result.experts].astype(np.float64)
    means = application_mean_affinity(problem, result)
    return FitSummary(
        assignments=result.size,
        total_affinity=result.total_affinity,
        mean_affinity=float(fit.mean()) if fit.size else 0.0,
        zero_affinity_assignments=int((fit == 0).sum()),
        lowest_application_mean=float(np.nanmin(means)) if np.isfinite(means).any() else 0.0,
        min_load=int(loads.min()) if loads.size else 0,
        max_load=int(loads.max()) if loads.size else 0,
    )


# --- what is left to assign once the fixed pairs are kept ------------------------------------------


@dataclass(eq=False)
class _Instance:
    """The part of a problem the solver fills: allowed pairs, integer affinity levels, what is left to assign."""

    legal: np.ndarray  # A×E bool: not conflicted, not forbidden, not fixed, unit still free
    levels: np.ndarray | None  # A×E int16: affinity × scale, rounded; set once the cheap checks pass
    demands: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    units: np.ndarray  # E: 0..n_units-1, or NO_UNIT where the rule cannot bind (no unit, or alone in it)
    n_units: int
    has_fixed: bool


def _row_chunks(n_rows: int, n_cols: int) -> Iterator[slice]:
    step = max(1, _CHUNK_CELLS // max(n_cols, 1))
    for start in range(0, n_rows, step):
        yield slice(start, min(start + step, n_rows))


def _binding_units(units: np.ndarray) -> tuple[np.ndarray, int]:
    """Renumber units 0..U-1, dropping units with a single expert: the one-per-unit rule cannot bind there."""
    in_unit = units != NO_UNIT
    _, inverse, counts = np.unique(units[in_unit], return_inverse=True, return_counts=True)
    shared = counts[inverse] > 1
    kept, renumbered = np.unique(inverse[shared], return_inverse=True)
    relabelled = np.full(units.shape, NO_UNIT, dtype=np.int64)
    relabelled[np.flatnonzero(in_unit)[shared]] = renumbered
    return relabelled, int(kept.size)


def _block_taken(legal: np.ndarray, units: np.ndarray, n_units: int,
                 rows: np.ndarray, cols: np.ndarray) -> None:
    """Remove from `legal` the taken pairs (rows[i], cols[i]) and every other expert of a unit a row already has."""
    legal[rows, cols] = False
    taken_units = units[cols]
    in_unit = taken_units != NO_UNIT
    if not in_unit.any():
        return
    unit_taken = np.zeros((legal.shape[0], n_units), dtype=bool)
    unit_taken[rows[in_unit], taken_units[in_unit]] = True
    unit_cols = np.flatnonzero(units != NO_UNIT)
    for chunk in _row_chunks(legal.shape[0], unit_cols.size):
        legal[chunk, unit_cols] &= ~unit_taken[chunk][:, units[unit_cols]]


def _instance(problem: AssignmentProblem) -> tuple[_Instance, list[Shortfall]]:
    """Apply the fixed pairs: residual demands and loads, and the pairs still allowed. Returns the problems the
    fixed pairs themselves cause (more than an application needs, over an expert's maximum, one unit twice)."""
    names = _Names(problem)
    units, n_units = _binding_units(problem.expert_units)
    legal = ~problem.conflict
    if problem.forbidden.size:
        legal[problem.forbidden[:, 0], problem.forbidden[:, 1]] = False
    fixed_apps, fixed_experts = problem.fixed[:, 0], problem.fixed[:, 1]
    if fixed_apps.size:
        _block_taken(legal, units, n_units, fixed_apps, fixed_experts)
    per_app = np.bincount(fixed_apps, minlength=problem.n_applications)
    per_expert = np.bincount(fixed_experts, minlength=problem.n_experts)

    shortfalls = _fixed_shortfalls(problem, names, units, per_app, per_expert)
    instance = _Instance(
        legal=legal, levels=None,
        demands=np.maximum(problem.demands - per_app, 0),
        lower=np.maximum(problem.minimums - per_expert, 0),
        upper=np.maximum(problem.maximums - per_expert, 0),
        units=units, n_units=n_units, has_fixed=bool(fixed_apps.size),
    )
    return instance, shortfalls


def _fixed_shortfalls(problem: AssignmentProblem, names: _Names, units: np.ndarray,
                      per_app: np.ndarray, per_expert: np.ndarray) -> list[Shortfall]:
    shortfalls = []
    for app in np.flatnonzero(per_app > problem.demands):
        shortfalls.append(Shortfall(
            kind=ShortfallKind.FIXED_OVER_DEMAND, applications=(int(app),),
            message=f"{names.application(app)}已确定{per_app[app]}名专家，超过所需的{problem.demands[app]}名："
                    "请撤下多余的分配"))
    for expert in np.flatnonzero(per_expert > problem.maximums):
        shortfalls.append(Shortfall(
            kind=ShortfallKind.FIXED_OVER_MAXIMUM, experts=(int(expert),),
            message=f"{names.expert(expert)}已确定{per_expert[expert]}份评审，"
                    f"超过其上限{problem.maximums[expert]}份：请提高该专家的上限或撤下部分已确定的分配"))
    fixed_units = units[problem.fixed[:, 1]]
    in_unit = fixed_units != NO_UNIT
    if in_unit.any():
        keys = problem.fixed[in_unit, 0] * (fixed_units.max() + 1) + fixed_units[in_unit]
        repeated, counts = np.unique(keys, return_counts=True)
        for key in repeated[counts > 1]:
            app = int(key // (fixed_units.max() + 1))
            shortfalls.append(Shortfall(
                kind=ShortfallKind.FIXED_SAME_UNIT, applications=(app,),
                message=f"{names.application(app)}已确定的专家中有两名以上来自同一单位："
                        "请撤下其中的分配"))
    return shortfalls


# --- cheap necessary conditions --------------------------------------------------------------------


def _workload(instance: _Instance) -> str:
    return "尚需安排的评审量" if instance.has_fixed else "所需评审量"


def _selectable_slots(instance: _Instance) -> tuple[np.ndarray, np.ndarray]:
    """Per application: allowed experts, and how many of them can serve together (one per unit)."""
    allowed = instance.legal.sum(axis=1)
    unit_cols = np.flatnonzero(instance.units != NO_UNIT)
    if unit_cols.size == 0:
        return allowed, allowed
    order = unit_cols[np.argsort(instance.units[unit_cols], kind="stable")]
    starts = np.flatnonzero(np.r_[True, np.diff(instance.units[order]) != 0])
    slots = allowed - instance.legal[:, unit_cols].sum(axis=1)
    for chunk in _row_chunks(instance.legal.shape[0], order.size):
        slots[chunk] += np.logical_or.reduceat(instance.legal[chunk][:, order], starts, axis=1).sum(axis=1)
    return allowed, slots


def _application_shortfalls(instance: _Instance, names: _Names) -> list[Shortfall]:
    allowed, slots = _selectable_slots(instance)
    need_word = "还需要" if instance.has_fixed else "需要"
    shortfalls = []
    for app in np.flatnonzero(slots < instance.demands):
        need = instance.demands[app]
        if allowed[app] < need:
            shortfalls.append(Shortfall(
                kind=ShortfallKind.TOO_FEW_EXPERTS, applications=(int(app),),
                message=f"{names.application(app)}只有{allowed[app]}名无冲突专家可选，{need_word}{need}名："
                        "请减少每份申报书的专家数或增加专家"))
        else:
            shortfalls.append(Shortfall(
                kind=ShortfallKind.UNIT_LIMIT, applications=(int(app),),
                message=f"{names.application(app)}有{allowed[app]}名无冲突专家，但同一单位至多选1名，"
                        f"实际只能选{slots[app]}名，{need_word}{need}名："
                        "请增加其他单位的专家、减少每份申报书的专家数或取消同单位限制"))
    return shortfalls


def _expert_shortfalls(instance: _Instance, names: _Names) -> list[Shortfall]:
    reviewable = instance.legal.sum(axis=0)
    return [Shortfall(
        kind=ShortfallKind.EXPERT_UNDERLOADED, experts=(int(expert),),
        message=f"{names.expert(expert)}只有{reviewable[expert]}份无冲突的申报书可评，"
                f"低于其评审下限{instance.lower[expert]}份：请降低该专家的下限")
        for expert in np.flatnonzero(reviewable < instance.lower)]


def _capacity_shortfalls(instance: _Instance) -> list[Shortfall]:
    needed = int(instance.demands.sum())
    upper, lower = int(instance.upper.sum()), int(instance.lower.sum())
    workload = _workload(instance)
    if upper < needed:
        return [Shortfall(kind=ShortfallKind.CAPACITY,
                          message=f"专家总容量 Σmax={upper} 小于{workload} {needed}："
                                  "请提高每位专家的评审上限或增加专家")]
    if lower > needed:
        return [Shortfall(kind=ShortfallKind.MINIMUMS,
                          message=f"专家评审下限之和 Σmin={lower} 大于{workload} {needed}：请降低下限")]
    usable = int(np.minimum(instance.upper, instance.legal.sum(axis=0)).sum())
    if usable < needed:
        return [Shortfall(kind=ShortfallKind.CAPACITY_AFTER_CONFLICTS,
                          message=f"考虑回避后，专家最多能承担 {usable} 人次评审，小于{workload} {needed}："
                                  "请提高专家的评审上限或增加专家")]
    return []


def _necessary_conditions(instance: _Instance, names: _Names) -> list[Shortfall]:
    """Conditions every feasible assignment meets, cheap to check and easy to explain; they are not sufficient."""
    return (_capacity_shortfalls(instance) + _application_shortfalls(instance, names)
            + _expert_shortfalls(instance, names))


def diagnose(problem: AssignmentProblem) -> list[Shortfall]:
    """The cheap checks only (no flow): what the preview can show before solving. Empty does not promise feasibility."""
    instance, shortfalls = _instance(problem)
    return shortfalls + _necessary_conditions(instance, _Names(problem))


# --- integer costs ------------------------------------------------------------------------------


def affinity_levels(affinity: np.ndarray) -> tuple[np.ndarray, int, bool]:
    """Integer costs: (levels = affinity × scale rounded, as int16; the scale; whether the scale is exact).

    If every affinity is (up to float32 rounding) a multiple of 1/2520 — field-overlap fractions are — the
    smallest exact scale is used and the optimum is optimal for the float objective itself. Otherwise
    affinities are scaled ×1000 and rounded, and optimality is of that scaled integer objective.
    """
    levels = np.empty(affinity.shape, dtype=np.int16)
    present = np.zeros(EXACT_DENOMINATOR + 1, dtype=bool)
    for chunk in _row_chunks(*affinity.shape):
        scaled = affinity[chunk] * np.float32(EXACT_DENOMINATOR)
        rounded = np.rint(scaled)
        if rounded.size and np.abs(scaled - rounded).max() > _EXACT_TOLERANCE:
            return _rounded_levels(affinity, DEFAULT_SCALE), DEFAULT_SCALE, False
        levels[chunk] = rounded
        present |= np.bincount(levels[chunk].ravel(), minlength=EXACT_DENOMINATOR + 1) > 0
    divisor = int(np.gcd.reduce(np.flatnonzero(present)))
    if divisor == 0:
        return levels, 1, True
    levels //= np.int16(divisor)
    return levels, EXACT_DENOMINATOR // divisor, True


def _rounded_levels(affinity: np.ndarray, scale: int) -> np.ndarray:
    levels = np.empty(affinity.shape, dtype=np.int16)
    for chunk in _row_chunks(*affinity.shape):
        levels[chunk] = np.rint(affinity[chunk].astype(np.float64) * scale)
    return levels


# --- the flow network ---------------------------------------------------------------------------


@dataclass(eq=False)
class _Network:
    """Nodes: applications 0..A-1, experts A..A+E-1, sink, pool, then a node per (application, unit) with 2+ pairs.

    Arcs, in this order: pairs (application or its unit node → expert, capacity 1, cost −level), unit arcs
    (application → its unit node, capacity 1), expert → sink (capacity max−min), then if pooled:
    application → pool (capacity demand) and pool → expert (capacity Σdemand). Supplies: demand at each
    application, −min at each expert, −(Σdemand − Σmin) at the sink: the lower bounds become node demands.
    """

    tails: np.ndarray
    heads: np.ndarray
    capacities: np.ndarray
    costs: np.ndarray
    supplies: np.ndarray
    pair_apps: np.ndarray
    pair_experts: np.ndarray
    unit_node_apps: np.ndarray
    unit_node_units: np.ndarray
    pool_apps: np.ndarray  # the application of each application → pool arc (empty without pool)
    n_apps: int
    n_experts: int

    @property
    def n_pairs(self) -> int:
        return int(self.pair_apps.size)

    @property
    def n_unit_nodes(self) -> int:
        return int(self.unit_node_apps.size)

    @property
    def sink(self) -> int:
        return self.n_apps + self.n_experts

    @property
    def first_unit_node(self) -> int:
        return self.n_apps + self.n_experts + 2

    @property
    def pool_in(self) -> slice:
        start = self.n_pairs + self.n_unit_nodes + self.n_experts
        return slice(start, start + self.pool_apps.size)

    @property
    def pool_out(self) -> slice:
        start = self.pool_in.stop
        return slice(start, self.tails.size)


def _unit_nodes(instance: _Instance, pair_apps: np.ndarray, pair_experts: np.ndarray,
                first_unit_node: int) -> tuple[np.ndarray, np.ndarray]:
    """One node per (application, unit) with two or more pairs on the network, numbered from `first_unit_node`;
    returns their keys (application × n_units + unit) and each pair's tail: its unit node, else its application.
    A lone pair of a unit needs no node: its arc alone already carries at most one expert of that unit."""
    pair_tails = pair_apps.astype(np.int64, copy=True)
    pair_units = instance.units[pair_experts]
    in_unit = np.flatnonzero(pair_units != NO_UNIT)
    keys = pair_apps[in_unit] * max(instance.n_units, 1) + pair_units[in_unit]
    _, group, counts = np.unique(keys, return_inverse=True, return_counts=True)
    shared = counts[group] > 1
    unit_keys, node = np.unique(keys[shared], return_inverse=True)
    pair_tails[in_unit[shared]] = first_unit_node + node
    return unit_keys, pair_tails


def _build_network(instance: _Instance, pair_apps: np.ndarray, pair_experts: np.ndarray,
                   pooled: np.ndarray | None) -> _Network:
    n_apps, n_experts = instance.legal.shape
    sink, pool = n_apps + n_experts, n_apps + n_experts + 1
    first_unit_node = n_apps + n_experts + 2
    experts = np.arange(n_experts, dtype=np.int64)

    unit_keys, pair_tails = _unit_nodes(instance, pair_apps, pair_experts, first_unit_node)
    unit_node_apps = unit_keys // max(instance.n_units, 1)

    tails = [pair_tails, unit_node_apps, n_apps + experts]
    heads = [n_apps + pair_experts, first_unit_node + np.arange(unit_keys.size), np.full(n_experts, sink)]
    capacities = [np.ones(pair_apps.size, np.int64), np.ones(unit_keys.size, np.int64),
                  instance.upper - instance.lower]
    pool_apps = np.empty(0, dtype=np.int64)
    if pooled is not None:
        pool_apps = np.flatnonzero(pooled & (instance.demands > 0))
        tails += [pool_apps, np.full(n_experts, pool)]
        heads += [np.full(pool_apps.size, pool), n_apps + experts]
        # An expert's own node already caps its inflow at its maximum; an uncapped pool → expert arc keeps that
        # arc in every residual graph, so the certificate's potentials always satisfy π(expert) ≤ π(pool).
        capacities += [instance.demands[pool_apps], np.full(n_experts, max(int(instance.demands.sum()), 1))]
    costs = np.zeros(sum(part.size for part in tails), dtype=np.int64)
    costs[:pair_apps.size] = -instance.levels[pair_apps, pair_experts]

    supplies = np.zeros(first_unit_node + unit_keys.size, dtype=np.int64)
    supplies[:n_apps] = instance.demands
    supplies[n_apps:n_apps + n_experts] = -instance.lower
    supplies[sink] = instance.lower.sum() - instance.demands.sum()
    return _Network(
        tails=np.concatenate(tails).astype(np.int32), heads=np.concatenate(heads).astype(np.int32),
        capacities=np.concatenate(capacities).astype(np.int64), costs=costs, supplies=supplies,
        pair_apps=pair_apps, pair_experts=pair_experts,
        unit_node_apps=unit_node_apps, unit_node_units=unit_keys % max(instance.n_units, 1),
        pool_apps=pool_apps, n_apps=n_apps, n_experts=n_experts,
    )


def _run_flow(network: _Network, *, maximise_flow: bool = False) -> np.ndarray | None:
    """Arc flows of a min-cost flow meeting every supply, or None when none exists.

    With `maximise_flow`, the largest flow the network carries (for diagnoses), at minimum cost.
    """
    if network.supplies.sum() != 0:
        raise RuntimeError("内部错误：流网络的供给与需求不平衡")
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(network.tails, network.heads, network.capacities, network.costs)
    solver.set_nodes_supplies(np.arange(network.supplies.size, dtype=np.int32), network.supplies)
    status = solver.solve_max_flow_with_min_cost() if maximise_flow else solver.solve()
    if status == solver.INFEASIBLE and not maximise_flow:
        return None
    if status != solver.OPTIMAL:
        raise RuntimeError(f"内部错误：最小费用流求解器返回状态 {status.name}")
    return np.asarray(solver.flows(np.arange(network.tails.size, dtype=np.int32)), dtype=np.int64)


# --- solving --------------------------------------------------------------------------------------


@dataclass(eq=False)
class _Solution:
    """An optimal flow of one network, as pairs: the certificate rebuilds that network and re-checks it."""

    pair_apps: np.ndarray  # every pair of the network the solution is optimal in
    pair_experts: np.ndarray
    assigned: np.ndarray  # bool per pair
    pooled: np.ndarray | None  # applications whose zero-level pairs the pool stands for; None: no pool
    method: SolveMethod
    flow_arcs: int
    flow_solves: int
    pool_units_repaired: int


def _sparse_solution(instance: _Instance, names: _Names) -> _Solution:
    """Solve the relaxation R: arcs only for pairs with a positive level, plus one shared pool standing for every
    zero-level pair (it ignores conflicts, pair capacities and units, so R's optimum bounds the true one from
    above). When R's optimum routes nothing through the pool it is feasible, hence optimal; when it does, the
    pool units are re-matched to real zero-level pairs, which keeps the total and so attains the bound.

    If they cannot be re-matched, the applications that used the pool get their zero-level pairs as real arcs
    and lose the pool, and R is solved again — a tighter relaxation, still an upper bound; after
    `_REFINEMENT_ROUNDS` the dense flow decides."""
    explicit = np.zeros(instance.legal.shape[0], dtype=bool)
    for solves in range(1, _REFINEMENT_ROUNDS + 1):
        pair_apps, pair_experts = np.nonzero(instance.legal & ((instance.levels > 0) | explicit[:, None]))
        network = _build_network(instance, pair_apps, pair_experts, pooled=~explicit)
        flows = _run_flow(network)
        if flows is None:
            raise AssignmentInfeasible(_flow_shortfalls(instance, names))
        assigned = flows[:network.n_pairs] > 0
        pool_from_apps = np.zeros(network.n_apps, dtype=np.int64)
        pool_from_apps[network.pool_apps] = flows[network.pool_in]
        pool_to_experts = flows[network.pool_out]
        if pool_to_experts.sum() == 0:
            return _Solution(pair_apps, pair_experts, assigned, ~explicit, SolveMethod.SPARSE,
                             network.tails.size, solves, 0)
        repaired = _match_pool_units(instance, pair_apps[assigned], pair_experts[assigned],
                                     pool_from_apps, pool_to_experts)
        if repaired is not None:
            return _Solution(np.concatenate([pair_apps, repaired[0]]), np.concatenate([pair_experts, repaired[1]]),
                             np.concatenate([assigned, np.ones(repaired[0].size, dtype=bool)]), ~explicit,
                             SolveMethod.SPARSE, network.tails.size, solves, int(pool_to_experts.sum()))
        explicit |= pool_from_apps > 0
    return _dense_solution(instance, names, _REFINEMENT_ROUNDS)


def _match_pool_units(instance: _Instance, taken_apps: np.ndarray, taken_experts: np.ndarray,
                      pool_from_apps: np.ndarray, pool_to_experts: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Real zero-level pairs carrying exactly the pool's flow (each application's units out, each expert's units
    in), allowed, not already taken, one per unit; None when no such pairing exists."""
    rows, cols = np.flatnonzero(pool_from_apps), np.flatnonzero(pool_to_experts)
    grid = np.ix_(rows, cols)
    legal = instance.legal[grid] & (instance.levels[grid] == 0)
    local_row = np.full(instance.legal.shape[0], -1)
    local_row[rows] = np.arange(rows.size)
    local_col = np.full(instance.legal.shape[1], -1)
    local_col[cols] = np.arange(cols.size)
    taken_rows = local_row[taken_apps]
    in_rows = taken_rows >= 0
    # A row's directly assigned experts occupy their units whether or not they are among the pool's experts.
    taken_units = instance.units[taken_experts[in_rows]]
    unit_taken = np.zeros((rows.size, max(instance.n_units, 1)), dtype=bool)
    unit_taken[taken_rows[in_rows][taken_units != NO_UNIT], taken_units[taken_units != NO_UNIT]] = True
    col_units = instance.units[cols]
    in_unit = col_units != NO_UNIT
    legal[:, in_unit] &= ~unit_taken[:, col_units[in_unit]]
    taken_cols = local_col[taken_experts[in_rows]]
    legal[taken_rows[in_rows][taken_cols >= 0], taken_cols[taken_cols >= 0]] = False

    sub = _Instance(legal=legal, levels=np.zeros(legal.shape, dtype=np.int16),
                    demands=pool_from_apps[rows], lower=pool_to_experts[cols], upper=pool_to_experts[cols],
                    units=col_units, n_units=instance.n_units, has_fixed=False)
    sub_apps, sub_experts = np.nonzero(legal)
    flows = _run_flow(_build_network(sub, sub_apps, sub_experts, pooled=None))
    if flows is None:
        return None
    used = flows[:sub_apps.size] > 0
    return rows[sub_apps[used]], cols[sub_experts[used]]


def _dense_solution(instance: _Instance, names: _Names, earlier_solves: int) -> _Solution:
    """Every allowed pair as an arc: exact by construction, the last resort when the pool stays out of reach."""
    pair_apps, pair_experts = np.nonzero(instance.legal)
    network = _build_network(instance, pair_apps, pair_experts, pooled=None)
    flows = _run_flow(network)
    if flows is None:
        raise AssignmentInfeasible(_flow_shortfalls(instance, names))
    return _Solution(pair_apps, pair_experts, flows[:network.n_pairs] > 0, None, SolveMethod.DENSE,
                     network.tails.size, earlier_solves + 1, 0)


# --- the certificate -------------------------------------------------------------------------------


def _flows_of_assignment(network: _Network, assigned: np.ndarray, instance: _Instance) -> np.ndarray:
    """The arc flows an assignment implies on a network that holds all its pairs (nothing through the pool)."""
    flows = np.zeros(network.tails.size, dtype=np.int64)
    flows[:network.n_pairs] = assigned
    unit_flow = np.bincount(network.tails[:network.n_pairs], weights=assigned,
                            minlength=network.first_unit_node + network.n_unit_nodes)
    flows[network.n_pairs:network.n_pairs + network.n_unit_nodes] = unit_flow[network.first_unit_node:]
    loads = np.bincount(network.pair_experts[assigned], minlength=network.n_experts)
    flows[network.n_pairs + network.n_unit_nodes:network.pool_in.start] = loads - instance.lower
    return flows


def _flow_is_feasible(network: _Network, flows: np.ndarray) -> bool:
    """Capacities respected and every node's net outflow equals its supply: demands met, loads in range, units once."""
    if (flows < 0).any() or (flows > network.capacities).any():
        return False
    n_nodes = network.supplies.size
    outflow = np.bincount(network.tails, weights=flows, minlength=n_nodes)
    inflow = np.bincount(network.heads, weights=flows, minlength=n_nodes)
    return bool(np.array_equal((outflow - inflow).astype(np.int64), network.supplies))


def _potentials(network: _Network, flows: np.ndarray) -> np.ndarray | None:
    """Shortest-path distances in the residual graph from a virtual root joined to every node (Bellman–Ford);
    None if a negative cycle exists, i.e. the flow is not of minimum cost."""
    forward, backward = flows < network.capacities, flows > 0
    tails = np.concatenate([network.tails[forward], network.heads[backward]])
    heads = np.concatenate([network.heads[forward], network.tails[backward]])
    costs = np.concatenate([network.costs[forward], -network.costs[backward]])
    distance = np.zeros(network.supplies.size, dtype=np.int64)
    for _ in range(network.supplies.size + 1):
        relaxed = distance.copy()
        np.minimum.at(relaxed, heads, distance[tails] + costs)
        if np.array_equal(relaxed, distance):
            return distance
        distance = relaxed
    return None


def _complementary_slackness(instance: _Instance, network: _Network, distance: np.ndarray,
                             apps: np.ndarray, experts: np.ndarray) -> bool:
    """Every allowed pair of the full problem, on the network or not: reduced cost −level + π(tail) − π(expert) is
    ≥ 0 where the pair is unused and ≤ 0 where it is used. The tail is the pair's (application, unit) node when
    the network has it, else the application: a unit node the network lacks (none or one of its pairs on the
    network) takes its application's potential, which keeps its own arc and that lone pair's arc as they were.
    With the network's own arcs settled by Bellman–Ford, these potentials are a feasible dual of the full
    network with complementary slackness: the flow is a minimum-cost one."""
    n_apps, n_experts = instance.legal.shape
    app_potential = distance[:n_apps]
    expert_potential = distance[n_apps:n_apps + n_experts]
    order = np.argsort(apps, kind="stable")
    apps, experts = apps[order], experts[order]
    unit_experts = instance.units != NO_UNIT
    for chunk in _row_chunks(n_apps, n_experts):
        tail = np.broadcast_to(app_potential[chunk, None], (chunk.stop - chunk.start, n_experts))
        if network.n_unit_nodes:
            tail = _unit_node_potentials(instance, network, distance, chunk, unit_experts, tail)
        reduced = tail - expert_potential[None, :] - instance.levels[chunk].astype(np.int64)
        used = np.zeros(reduced.shape, dtype=bool)
        lo, hi = np.searchsorted(apps, [chunk.start, chunk.stop])
        used[apps[lo:hi] - chunk.start, experts[lo:hi]] = True
        if not instance.legal[chunk][used].all():
            return False
        if ((reduced < 0) & instance.legal[chunk] & ~used).any() or (reduced[used] > 0).any():
            return False
    return True


def _unit_node_potentials(instance: _Instance, network: _Network, distance: np.ndarray, chunk: slice,
                          unit_experts: np.ndarray, app_tail: np.ndarray) -> np.ndarray:
    by_unit = np.repeat(app_tail[:, :1], instance.n_units, axis=1)
    inside = (network.unit_node_apps >= chunk.start) & (network.unit_node_apps < chunk.stop)
    nodes = network.first_unit_node + np.flatnonzero(inside)
    by_unit[network.unit_node_apps[inside] - chunk.start, network.unit_node_units[inside]] = distance[nodes]
    tail = np.array(app_tail, copy=True)
    tail[:, unit_experts] = by_unit[:, instance.units[unit_experts]]
    return tail


def _certify(instance: _Instance, solution: _Solution) -> int:
    """Check feasibility and optimality of the solution against the full problem; returns the pairs checked.

    The certificate network is the one the solution was optimal in: for the sparse method its pairs plus the
    pool of the pooled applications, whose arcs force π(expert) ≤ π(pool) ≤ π(application) and so price every
    omitted zero-level pair at once (a unit node's potential is its application's, or above it through the
    backward arc of a used unit; an application with nothing to add keeps the root's potential 0, the highest);
    for the dense method every allowed pair and no pool, a relaxation the dense optimum need not reach."""
    network = _build_network(instance, solution.pair_apps, solution.pair_experts, pooled=solution.pooled)
    flows = _flows_of_assignment(network, solution.assigned, instance)
    distance = _potentials(network, flows) if _flow_is_feasible(network, flows) else None
    if distance is None or not _complementary_slackness(
            instance, network, distance, solution.pair_apps[solution.assigned],
            solution.pair_experts[solution.assigned]):
        raise RuntimeError("内部错误：分配结果未通过可行性或最优性校验")
    return int(instance.legal.sum())


# --- diagnosing an infeasible flow ------------------------------------------------------------------


def _reachable(n_nodes: int, tails: np.ndarray, heads: np.ndarray, start: np.ndarray) -> np.ndarray:
    reached = start.copy()
    while True:
        frontier = np.zeros(n_nodes, dtype=bool)
        frontier[heads[reached[tails]]] = True
        frontier &= ~reached
        if not frontier.any():
            return reached
        reached |= frontier


def _max_flow(instance: _Instance) -> tuple[_Network, np.ndarray, np.ndarray, np.ndarray]:
    """The exact network's maximum flow: the network, its arc flows, reviews sent per application and per expert."""
    pair_apps, pair_experts = np.nonzero(instance.legal)
    network = _build_network(instance, pair_apps, pair_experts, pooled=None)
    flows = _run_flow(network, maximise_flow=True)
    pair_flows = flows[:network.n_pairs]
    sent = np.bincount(pair_apps, weights=pair_flows, minlength=network.n_apps).astype(np.int64)
    loads = np.bincount(pair_experts, weights=pair_flows, minlength=network.n_experts).astype(np.int64)
    return network, flows, sent, loads


def _flow_shortfalls(instance: _Instance, names: _Names) -> list[Shortfall]:
    """Explain an infeasible flow by maximum flows of the exact network, in two steps so that each statement is
    true: first without minimum loads (applications that cannot be filled, and the experts they could use, all
    booked up), and only if that succeeds, with them (experts the minimums cannot be met for)."""
    without_minimums = _Instance(legal=instance.legal, levels=instance.levels, demands=instance.demands,
                                 lower=np.zeros_like(instance.lower), upper=instance.upper, units=instance.units,
                                 n_units=instance.n_units, has_fixed=instance.has_fixed)
    network, flows, sent, _ = _max_flow(without_minimums)
    if sent.sum() < instance.demands.sum():
        return [_short_applications(instance, names, network, flows, sent)]
    _, _, sent, loads = _max_flow(instance)
    return [_experts_under_minimum(instance, names, int(sent.sum()), loads)]


def _short_applications(instance: _Instance, names: _Names, network: _Network, flows: np.ndarray,
                        sent: np.ndarray) -> Shortfall:
    """Applications a maximum flow leaves short, and the experts still reachable from them in the residual graph:
    those experts cannot pass one more review to the sink, so they are at their maximum (or their unit is taken)."""
    short_apps = np.flatnonzero(sent < instance.demands)
    forward, backward = flows < network.capacities, flows > 0
    tails = np.concatenate([network.tails[forward], network.heads[backward]])
    heads = np.concatenate([network.heads[forward], network.tails[backward]])
    start = np.zeros(network.supplies.size, dtype=bool)
    start[short_apps] = True
    reached = _reachable(network.supplies.size, tails, heads, start)
    booked = np.flatnonzero(reached[network.n_apps:network.n_apps + network.n_experts])
    apps = names.listing([f"{names.application(a)}（缺{instance.demands[a] - sent[a]}名）" for a in short_apps], "份")
    message = ("各项单独检查均可满足，"
               f"但全部约束同时成立时最多只能安排{int(sent.sum())}人次评审，"
               f"{_workload(instance)}为{int(instance.demands.sum())}人次。配不满的申报书：{apps}。")
    if booked.size:
        message += (f"可为它们评审的{names.listing([names.expert(e) for e in booked], '名')}"
                    "均已排满（达到上限或受同单位限制）。")
    message += "请提高这些专家的评审上限、增加相关领域的专家，或减少每份申报书的专家数"
    return Shortfall(kind=ShortfallKind.FLOW_SHORT, message=message,
                     applications=tuple(int(a) for a in short_apps), experts=tuple(int(e) for e in booked))


def _experts_under_minimum(instance: _Instance, names: _Names, reached: int, loads: np.ndarray) -> Shortfall:
    under = np.flatnonzero(loads < instance.lower)
    message = ("不计专家下限时可以配满，"
               f"但同时满足各位专家的评审下限时最多只能安排{reached}人次评审，"
               f"{_workload(instance)}为{int(instance.demands.sum())}人次。")
    if under.size:
        listing = names.listing([f"{names.expert(e)}（差{instance.lower[e] - loads[e]}份）" for e in under], "名")
        message += f"{listing}达不到评审下限：可分给他们的申报书不足，"
    message += "请降低这些专家的下限"
    return Shortfall(kind=ShortfallKind.FLOW_BELOW_MINIMUM, message=message, experts=tuple(int(e) for e in under))


# --- the entry point ---------------------------------------------------------------------------------


def solve(problem: AssignmentProblem) -> AssignmentResult:
    """The assignment of maximum total affinity: each application gets exactly its demand, each expert's load stays
    in [min, max], no conflicted or forbidden pair, at most one expert per (application, unit), fixed pairs kept.

    Costs are integers (see `affinity_levels`): optimality is of the scaled integer objective, exact for the float
    objective when the scale is exact; the float total is reported as well. Deterministic: the same arrays give
    the same pairs (arcs are built in array order; OR-Tools' min-cost flow is deterministic). The result carries
    a checked certificate of optimality (`Optimality`). Raises `AssignmentInfeasible` with Chinese diagnoses
    instead of ever returning a partial assignment.
    """
    names = _Names(problem)
    instance, shortfalls = _instance(problem)
    shortfalls += _necessary_conditions(instance, names)
    if shortfalls:
        raise AssignmentInfeasible(shortfalls)

    instance.levels, scale, exact = affinity_levels(problem.affinity)
    if instance.demands.sum() == 0:
        pair_apps, pair_experts = np.nonzero(instance.legal & (instance.levels > 0))
        solution = _Solution(pair_apps, pair_experts, np.zeros(pair_apps.size, bool), None,
                             SolveMethod.NOTHING_TO_ADD, 0, 0, 0)
    else:
        solution = _sparse_solution(instance, names)
    certified = _certify(instance, solution)
    return _result(problem, instance, solution, scale, exact, certified)


def _result(problem: AssignmentProblem, instance: _Instance, solution: _Solution,
            scale: int, exact: bool, certified: int) -> AssignmentResult:
    added_apps = solution.pair_apps[solution.assigned]
    added_experts = solution.pair_experts[solution.assigned]
    apps = np.concatenate([problem.fixed[:, 0], added_apps]).astype(np.int64)
    experts = np.concatenate([problem.fixed[:, 1], added_experts]).astype(np.int64)
    kept = np.concatenate([np.ones(problem.fixed.shape[0], bool), np.zeros(added_apps.size, bool)])
    order = np.lexsort((experts, apps))
    optimality = Optimality(
        proven=True, method=solution.method, scale=scale, exact_scale=exact,
        scaled_objective=int(instance.levels[added_apps, added_experts].astype(np.int64).sum()),
        flow_arcs=solution.flow_arcs, flow_solves=solution.flow_solves,
        pool_units_repaired=solution.pool_units_repaired,
        pairs_certified=certified)
    return AssignmentResult(applications=apps[order], experts=experts[order], kept=kept[order],
                            total_affinity=total_affinity(problem, apps, experts), optimality=optimality)
