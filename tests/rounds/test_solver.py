"""Distributed-mode assignment: optimality (brute force, a dense reference flow), every hard constraint,
minimum loads, determinism, Chinese diagnoses of infeasible cases, fixed pairs after a recusal."""
import itertools

import numpy as np
import pytest
from ortools.graph.python import min_cost_flow

from bench.assignment_instance import make_instance
from scoring.rounds import solver
from scoring.rounds.solver import (
    NO_UNIT,
    AssignmentInfeasible,
    AssignmentProblem,
    ShortfallKind,
    SolveMethod,
    _certify,
    _instance,
    _Solution,
    affinity_levels,
    application_mean_affinity,
    diagnose,
    expert_loads,
    solve,
    summarize_fit,
)

FRACTIONS = np.array([0, 0, 0, 1 / 3, 1 / 2, 2 / 3, 1], dtype=np.float32)

# --- builders and references -------------------------------------------------------------------------


def make_problem(affinity, *, k=1, conflict=None, minimums=None, maximums=None, **extra) -> AssignmentProblem:
    affinity = np.asarray(affinity, dtype=np.float32)
    n_apps, n_experts = affinity.shape
    return AssignmentProblem(
        affinity=affinity,
        conflict=np.zeros(affinity.shape, bool) if conflict is None else np.asarray(conflict, bool),
        demands=np.full(n_apps, k) if np.isscalar(k) else np.asarray(k),
        minimums=np.zeros(n_experts, int) if minimums is None else np.asarray(minimums),
        maximums=np.full(n_experts, n_apps) if maximums is None else np.asarray(maximums),
        **extra,
    )


def random_problem(seed, n_apps, n_experts, k, *, exact=True, zero_share=0.5, conflict_share=0.1,
                   n_units=0, slack=1) -> AssignmentProblem:
    rng = np.random.default_rng(seed)
    if exact:
        affinity = rng.choice(FRACTIONS, size=(n_apps, n_experts))
    else:
        affinity = rng.random((n_apps, n_experts)).astype(np.float32)
    affinity[rng.random(affinity.shape) < zero_share] = 0
    average = n_apps * k / n_experts
    units = None
    if n_units:
        units = rng.integers(-1, n_units, size=n_experts)
    return make_problem(affinity, k=k, conflict=rng.random(affinity.shape) < conflict_share,
                        minimums=np.full(n_experts, max(0, int(average) - slack)),
                        maximums=np.full(n_experts, int(np.ceil(average)) + slack), expert_units=units)


def scaled(problem: AssignmentProblem, scale: int) -> np.ndarray:
    return np.rint(problem.affinity.astype(np.float64) * scale).astype(np.int64)


def legal_pairs(problem: AssignmentProblem) -> np.ndarray:
    legal = ~problem.conflict
    for app, expert in problem.forbidden:
        legal[app, expert] = False
    return legal


def brute_force_optimum(problem: AssignmentProblem, scale: int) -> int | None:
    """Best scaled total over every assignment (tiny problems), None when there is none."""
    legal, levels = legal_pairs(problem), scaled(problem, scale)
    units = problem.expert_units
    per_app = []
    for app in range(problem.n_applications):
        allowed = np.flatnonzero(legal[app])
        choices = [c for c in itertools.combinations(allowed, problem.demands[app])
                   if len({units[e] for e in c if units[e] != NO_UNIT}) == sum(units[e] != NO_UNIT for e in c)]
        per_app.append(choices)
    best = None
    for combination in itertools.product(*per_app):
        loads = np.bincount([e for chosen in combination for e in chosen], minlength=problem.n_experts)
        if (loads < problem.minimums).any() or (loads > problem.maximums).any():
            continue
        total = sum(levels[app, e] for app, chosen in enumerate(combination) for e in chosen)
        best = total if best is None else max(best, total)
    return best


def dense_reference_optimum(problem: AssignmentProblem, scale: int) -> int | None:
    """An independent dense min-cost flow: source → application → (unit node) → expert → sink, every allowed
    pair an arc; minimum loads as a `lo` arc to the sink with a large bonus, which must end up saturated."""
    legal, levels = legal_pairs(problem), scaled(problem, scale)
    n_apps, n_experts = legal.shape
    source, sink = n_apps + n_experts, n_apps + n_experts + 1
    next_node = sink + 1
    bonus = int(levels.max() + 1) * (n_apps + n_experts + 2)
    tails, heads, capacities, costs = [], [], [], []

    def arc(tail, head, capacity, cost):
        tails.append(tail), heads.append(head), capacities.append(capacity), costs.append(cost)

    for app in range(n_apps):
        arc(source, app, int(problem.demands[app]), 0)
        unit_nodes = {}
        for expert in np.flatnonzero(legal[app]):
            unit = int(problem.expert_units[expert])
            tail = app
            if unit != NO_UNIT:
                if unit not in unit_nodes:
                    unit_nodes[unit] = next_node
                    arc(app, next_node, 1, 0)
                    next_node += 1
                tail = unit_nodes[unit]
            arc(tail, n_apps + expert, 1, -int(levels[app, expert]))
    mandatory = []
    for expert in range(n_experts):
        mandatory.append(len(tails))
        arc(n_apps + expert, sink, int(problem.minimums[expert]), -bonus)
        arc(n_apps + expert, sink, int(problem.maximums[expert] - problem.minimums[expert]), 0)
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(np.array(tails, np.int32), np.array(heads, np.int32),
                                                np.array(capacities, np.int64), np.array(costs, np.int64))
    needed = int(problem.demands.sum())
    solver.set_node_supply(source, needed)
    solver.set_node_supply(sink, -needed)
    if solver.solve() != solver.OPTIMAL:
        return None
    if any(solver.flow(i) < solver.capacity(i) for i in mandatory):
        return None
    return -(solver.optimal_cost() + bonus * int(problem.minimums.sum()))


def assert_constraints_hold(problem: AssignmentProblem, result) -> None:
    legal = legal_pairs(problem)
    assert legal[result.applications, result.experts].all()
    np.testing.assert_array_equal(np.bincount(result.applications, minlength=problem.n_applications),
                                  problem.demands)
    loads = expert_loads(result, problem.n_experts)
    assert (loads >= problem.minimums).all() and (loads <= problem.maximums).all()
    keys = result.applications * problem.n_experts + result.experts
    assert np.unique(keys).size == keys.size
    units = problem.expert_units[result.experts]
    in_unit = units != NO_UNIT
    unit_keys = result.applications[in_unit] * (units.max() + 1) + units[in_unit]
    assert np.unique(unit_keys).size == unit_keys.size


def scaled_total(problem, result) -> int:
    return int(scaled(problem, result.optimality.scale)[result.applications, result.experts].sum())


# --- optimality ------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(24))
def test_tiny_problems_reach_the_brute_force_optimum(seed):
    problem = random_problem(seed, 4, 5, 2, exact=seed % 2 == 0, zero_share=0.4, conflict_share=0.15,
                             n_units=3 if seed % 3 == 0 else 0, slack=1)

    best = brute_force_optimum(problem, affinity_levels(problem.affinity)[1])

    if best is None:
        with pytest.raises(AssignmentInfeasible):
            solve(problem)
    else:
        result = solve(problem)
        assert scaled_total(problem, result) == best
        assert_constraints_hold(problem, result)
        assert result.optimality.proven


@pytest.mark.parametrize("seed", range(12))
def test_medium_random_problems_match_the_dense_reference_flow(seed):
    problem = random_problem(100 + seed, 60, 20, 3, exact=seed % 2 == 0, zero_share=(0.3, 0.7, 0.9)[seed % 3],
                             conflict_share=0.1, n_units=6 if seed >= 6 else 0)

    reference = dense_reference_optimum(problem, affinity_levels(problem.affinity)[1])

    if reference is None:
        with pytest.raises(AssignmentInfeasible):
            solve(problem)
    else:
        result = solve(problem)
        assert scaled_total(problem, result) == reference
        assert result.optimality.scaled_objective == reference
        assert_constraints_hold(problem, result)


@pytest.mark.parametrize("seed", range(3))
def test_shared_benchmark_instances_match_the_dense_reference_flow(seed):
    data = make_instance(80, 24, 3, seed=seed)
    problem = make_problem(data["affinity"], k=3, conflict=data["conflict"],
                           minimums=data["minimums"], maximums=data["maximums"])

    result = solve(problem)

    assert scaled_total(problem, result) == dense_reference_optimum(problem, result.optimality.scale)


def test_shared_100_by_30_instance_reaches_145():
    data = make_instance(100, 30, 3, seed=0)
    problem = make_problem(data["affinity"], k=3, conflict=data["conflict"],
                           minimums=data["minimums"], maximums=data["maximums"])

    result = solve(problem)

    assert f"{result.total_affinity:.3f}" == "145.000"
    assert result.optimality.proven and result.optimality.exact_scale
    assert result.optimality.pool_units_repaired > 0  # the zero-affinity pool path is exercised here
    assert_constraints_hold(problem, result)


def pool_trap() -> AssignmentProblem:
    """The pool offers application 1 the zero-affinity expert 1 although they conflict: the first relaxation's
    optimum (1.0) is out of reach; the true one is 0.5."""
    return make_problem([[1.0, 0.0], [0.5, 0.0]], k=1, conflict=[[False, False], [False, True]],
                        minimums=[1, 1], maximums=[1, 1])


def test_pool_units_that_cannot_be_rematched_lead_to_a_tighter_relaxation():
    result = solve(pool_trap())

    assert result.optimality.method is SolveMethod.SPARSE and result.optimality.flow_solves == 2
    assert result.total_affinity == pytest.approx(0.5)
    assert result.experts.tolist() == [1, 0]


def test_the_dense_flow_decides_when_the_relaxations_stay_out_of_reach(monkeypatch):
    monkeypatch.setattr(solver, "_REFINEMENT_ROUNDS", 1)

    result = solve(pool_trap())

    assert result.optimality.method is SolveMethod.DENSE and result.optimality.flow_solves == 2
    assert result.total_affinity == pytest.approx(0.5)


def test_the_certificate_rejects_a_feasible_but_worse_assignment():
    problem = make_problem([[1.0, 0.0], [0.0, 1.0]], k=1, maximums=[1, 1])
    instance, _ = _instance(problem)
    instance.levels, _, _ = affinity_levels(problem.affinity)
    apps, experts = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    optimal = _Solution(apps, experts, np.array([True, False, False, True]), None, SolveMethod.DENSE, 0, 1, 0)
    swapped = _Solution(apps, experts, np.array([False, True, True, False]), None, SolveMethod.DENSE, 0, 1, 0)

    assert _certify(instance, optimal) == 4
    with pytest.raises(RuntimeError, match="最优性校验"):
        _certify(instance, swapped)


def test_the_certificate_checks_pairs_the_flow_never_saw():
    problem = make_problem([[1.0, 0.0], [0.0, 1.0]], k=1, maximums=[1, 1])
    instance, _ = _instance(problem)
    instance.levels, _, _ = affinity_levels(problem.affinity)
    # Only the worse pairs were on the network: the omitted (0, 0) and (1, 1) must still be priced.
    worse_only = _Solution(np.array([0, 1]), np.array([1, 0]), np.array([True, True]), np.ones(2, bool),
                           SolveMethod.SPARSE, 0, 1, 0)

    with pytest.raises(RuntimeError):
        _certify(instance, worse_only)


# --- the hard constraints ------------------------------------------------------------------------------


def test_no_conflicted_or_forbidden_pair_is_ever_assigned():
    rng = np.random.default_rng(7)
    affinity = np.ones((30, 10), np.float32)
    conflict = rng.random((30, 10)) < 0.3
    forbidden = [(app, 0) for app in range(30) if not conflict[app, 0]]

    problem = make_problem(affinity, k=2, conflict=conflict, maximums=np.full(10, 8), forbidden=forbidden)
    result = solve(problem)

    assert not conflict[result.applications, result.experts].any()
    assert 0 not in result.experts
    assert_constraints_hold(problem, result)


def test_at_most_one_expert_of_a_unit_on_one_application():
    # Experts 0-2 share a unit and fit best; each application may still take only one of them.
    affinity = np.array([[1.0, 1.0, 1.0, 0.2, 0.2, 0.2]] * 4, np.float32)
    units = np.array([5, 5, 5, NO_UNIT, 8, 9])

    result = solve(make_problem(affinity, k=3, expert_units=units))

    for app in range(4):
        assert np.isin(result.experts_of(app), [0, 1, 2]).sum() == 1
    assert result.total_affinity == pytest.approx(4 * (1.0 + 0.2 + 0.2))


def test_demands_are_met_and_loads_stay_within_bounds():
    problem = random_problem(3, 50, 12, 4, zero_share=0.6)

    result = solve(problem)

    assert_constraints_hold(problem, result)
    loads = expert_loads(result, problem.n_experts)
    assert loads.min() >= problem.minimums.min() and loads.max() <= problem.maximums.max()


def test_minimum_loads_are_enforced_even_when_they_cost_affinity():
    affinity = np.array([[1.0, 1.0, 0.0]] * 3, np.float32)

    without = solve(make_problem(affinity, k=1, maximums=[3, 3, 3]))
    with_minimum = solve(make_problem(affinity, k=1, minimums=[0, 0, 2], maximums=[3, 3, 3]))

    assert expert_loads(without, 3)[2] == 0 and without.total_affinity == pytest.approx(3.0)
    assert expert_loads(with_minimum, 3)[2] == 2 and with_minimum.total_affinity == pytest.approx(1.0)


def test_minimum_loads_hold_on_a_larger_instance_where_they_bind():
    # Expert 0 fits nothing; a minimum of 5 forces five zero-affinity reviews onto them.
    rng = np.random.default_rng(11)
    affinity = rng.choice(FRACTIONS[3:], size=(40, 8))
    affinity[:, 0] = 0
    minimums = np.array([5] + [0] * 7)

    result = solve(make_problem(affinity, k=2, minimums=minimums, maximums=np.full(8, 20)))

    assert expert_loads(result, 8)[0] == 5


def test_the_same_input_gives_the_same_assignment():
    problem = random_problem(5, 200, 40, 5, zero_share=0.8, n_units=10)
    copy = AssignmentProblem(affinity=problem.affinity.copy(), conflict=problem.conflict.copy(),
                             demands=problem.demands.copy(), minimums=problem.minimums.copy(),
                             maximums=problem.maximums.copy(), expert_units=problem.expert_units.copy())

    first, second, third = solve(problem), solve(problem), solve(copy)

    assert first.same_pairs(second) and first.same_pairs(third)
    assert first.total_affinity == third.total_affinity


# --- infeasible cases and their diagnoses -----------------------------------------------------------------


def test_an_application_with_too_few_conflict_free_experts_is_named():
    conflict = np.zeros((3, 6), bool)
    conflict[1, :3] = True

    with pytest.raises(AssignmentInfeasible) as caught:
        solve(make_problem(np.ones((3, 6)), k=5, conflict=conflict, maximums=np.full(6, 3)))

    (shortfall,) = caught.value.shortfalls
    assert shortfall.kind is ShortfallKind.TOO_FEW_EXPERTS
    assert shortfall.applications == (1,)
    assert shortfall.message == "第2份申报书只有3名无冲突专家可选，需要5名：请减少每份申报书的专家数或增加专家"


def test_the_diagnosis_uses_the_application_labels():
    conflict = np.array([[False, True, True]])

    with pytest.raises(AssignmentInfeasible, match="申报书“大连理工大学”只有1名无冲突专家可选，需要2名"):
        solve(make_problem(np.ones((1, 3)), k=2, conflict=conflict, application_labels=["大连理工大学"]))


def test_total_capacity_below_the_workload_is_explained():
    with pytest.raises(AssignmentInfeasible) as caught:
        solve(make_problem(np.ones((5, 4)), k=2, maximums=[2, 2, 2, 2]))

    assert [s.message for s in caught.value.shortfalls] == [
        "专家总容量 Σmax=8 小于所需评审量 10：请提高每位专家的评审上限或增加专家"]


def test_minimums_above_the_workload_are_explained():
    with pytest.raises(AssignmentInfeasible) as caught:
        solve(make_problem(np.ones((5, 4)), k=2, minimums=[3, 3, 3, 3], maximums=[5, 5, 5, 5]))

    assert [s.message for s in caught.value.shortfalls] == ["专家评审下限之和 Σmin=12 大于所需评审量 10：请降低下限"]


def test_an_expert_with_fewer_conflict_free_applications_than_their_minimum_is_named():
    conflict = np.zeros((4, 3), bool)
    conflict[:3, 2] = True

    with pytest.raises(AssignmentInfeasible) as caught:
        solve(make_problem(np.ones((4, 3)), k=1, conflict=conflict, minimums=[0, 0, 2], maximums=[4, 4, 4],
                           expert_labels=["张三", "李四", "王五"]))

    (shortfall,) = caught.value.shortfalls
    assert shortfall.kind is ShortfallKind.EXPERT_UNDERLOADED
    assert shortfall.message == "专家“王五”只有1份无冲突的申报书可评，低于其评审下限2份：请降低该专家的下限"


def test_the_unit_rule_shortfall_names_the_unit_limit():
    units = np.array([1, 1, 1, 2])

    with pytest.raises(AssignmentInfeasible) as caught:
        solve(make_problem(np.ones((1, 4)), k=3, expert_units=units))

    (shortfall,) = caught.value.shortfalls
    assert shortfall.kind is ShortfallKind.UNIT_LIMIT
    assert shortfall.message == ("第1份申报书有4名无冲突专家，但同一单位至多选1名，实际只能选2名，需要3名："
                                 "请增加其他单位的专家、减少每份申报书的专家数或取消同单位限制")


def test_a_flow_shortfall_reports_what_the_maximum_flow_reached():
    # Every single check passes, but applications 0-2 can use only experts 0 and 1: 4 places for 6 reviews.
    conflict = np.zeros((9, 6), bool)
    conflict[:3, 2:] = True
    problem = make_problem(np.ones((9, 6)), k=2, conflict=conflict, maximums=[2, 2, 10, 10, 10, 10])

    with pytest.raises(AssignmentInfeasible) as caught:
        solve(problem)

    assert diagnose(problem) == []
    (shortfall,) = caught.value.shortfalls
    assert shortfall.kind is ShortfallKind.FLOW_SHORT
    assert shortfall.message.startswith(
        "各项单独检查均可满足，但全部约束同时成立时最多只能安排16人次评审，所需评审量为18人次。配不满的申报书：")
    assert set(shortfall.applications) <= {0, 1, 2} and set(shortfall.experts) == {0, 1}
    assert shortfall.message.endswith("第1位专家、第2位专家均已排满（达到上限或受同单位限制）。"
                                      "请提高这些专家的评审上限、增加相关领域的专家，或减少每份申报书的专家数")


def test_a_flow_shortfall_names_experts_kept_under_their_minimum():
    # Experts 0 and 2 may review only applications 0 and 1 (one place each) but need 2 + 1 reviews.
    conflict = np.zeros((4, 3), bool)
    conflict[2:, [0, 2]] = True

    with pytest.raises(AssignmentInfeasible) as caught:
        solve(make_problem(np.ones((4, 3)), k=1, conflict=conflict, minimums=[2, 0, 1], maximums=[2, 2, 4]))

    (below,) = caught.value.shortfalls
    assert below.kind is ShortfallKind.FLOW_BELOW_MINIMUM
    assert below.message.startswith("不计专家下限时可以配满，但同时满足各位专家的评审下限时最多只能安排3人次评审，"
                                    "所需评审量为4人次。")
    assert len(below.experts) == 1 and below.experts[0] in {0, 2}
    assert below.message.endswith("达不到评审下限：可分给他们的申报书不足，请降低这些专家的下限")


def test_invalid_bounds_are_rejected_in_chinese():
    with pytest.raises(ValueError, match="第2位专家的评审下限3大于上限2"):
        make_problem(np.ones((2, 2)), minimums=[0, 3], maximums=[2, 2])


# --- fixed pairs: a re-run after a recusal ------------------------------------------------------------


def test_a_rerun_after_a_recusal_fills_only_the_uncovered_place():
    problem = random_problem(21, 40, 12, 3, zero_share=0.5, slack=2)
    first = solve(problem)
    app, recused = 7, int(first.experts_of(7)[0])
    kept = [(a, e) for a, e in zip(first.applications, first.experts) if (a, e) != (app, recused)]

    rerun = solve(AssignmentProblem(
        affinity=problem.affinity, conflict=problem.conflict, demands=problem.demands,
        minimums=np.zeros(problem.n_experts, int), maximums=problem.maximums,
        fixed=kept, forbidden=[(app, recused)]))

    added = ~rerun.kept
    assert added.sum() == 1 and rerun.applications[added].tolist() == [app]
    assert rerun.experts[added][0] != recused
    assert set(zip(rerun.applications[rerun.kept].tolist(), rerun.experts[rerun.kept].tolist())) == set(kept)
    assert (expert_loads(rerun, problem.n_experts) <= problem.maximums).all()
    assert rerun.experts[added][0] not in first.experts_of(app)


def test_fixed_pairs_count_toward_loads_and_units():
    affinity = np.array([[1.0, 1.0, 0.5, 0.1]] * 3, np.float32)
    units = np.array([NO_UNIT, 4, 4, NO_UNIT])
    fixed = [(0, 0), (1, 0), (2, 1)]

    result = solve(make_problem(affinity, k=2, maximums=[2, 3, 3, 3], expert_units=units, fixed=fixed))

    assert expert_loads(result, 4)[0] == 2  # already at its maximum through the kept pairs
    assert 2 not in result.experts_of(2)  # its unit already serves application 2 through expert 1
    assert result.kept.sum() == 3
    assert result.experts_of(2).tolist() == [1, 3]


def test_fixed_pairs_that_complete_everything_add_nothing():
    result = solve(make_problem(np.ones((2, 2)), k=1, fixed=[(0, 0), (1, 1)]))

    assert result.kept.all() and result.size == 2
    assert result.optimality.method is SolveMethod.NOTHING_TO_ADD


def test_a_fixed_pair_over_an_experts_maximum_is_explained():
    with pytest.raises(AssignmentInfeasible, match="第1位专家已确定2份评审，超过其上限1份"):
        solve(make_problem(np.ones((2, 2)), k=1, maximums=[1, 2], fixed=[(0, 0), (1, 0)]))


def test_a_fixed_pair_that_is_conflicted_is_rejected():
    with pytest.raises(ValueError, match="属于回避或排除的配对"):
        make_problem(np.ones((2, 2)), conflict=[[True, False], [False, False]], fixed=[(0, 0)])


# --- integer scale and statistics ---------------------------------------------------------------------


def test_field_overlap_fractions_get_an_exact_scale():
    levels, scale, exact = affinity_levels(np.array([[0, 1 / 3, 1 / 2], [2 / 3, 1, 0]], np.float32))

    assert (scale, exact) == (6, True)
    assert levels.tolist() == [[0, 2, 3], [4, 6, 0]]


def test_generic_affinities_are_scaled_by_1000():
    levels, scale, exact = affinity_levels(np.array([[0.1234, 0.9876]], np.float32))

    assert (scale, exact) == (1000, False)
    assert levels.tolist() == [[123, 988]]


def test_fit_statistics():
    problem = make_problem([[1.0, 0.5], [0.0, 0.5]], k=1, maximums=[1, 1])
    result = solve(problem)

    summary = summarize_fit(problem, result)

    np.testing.assert_array_equal(expert_loads(result, 2), [1, 1])
    np.testing.assert_allclose(application_mean_affinity(problem, result), [1.0, 0.5])
    assert summary.total_affinity == pytest.approx(1.5)
    assert (summary.assignments, summary.min_load, summary.max_load) == (2, 1, 1)
    assert summary.zero_affinity_assignments == 0
    assert "已证明最优" in result.optimality.describe()
