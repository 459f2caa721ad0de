"""Sets, parameters and variables shared by every constraint family (spec: "Symbols", "Variables").

Parameters that a planner or a sweep changes between solves (budgets, needs, benefits, floors,
capacities, tolerance, discount rate, profile weights and share bounds) are mutable Pyomo Params, so a
built model is re-solved after :func:`set_parameter_values` without being rebuilt. What decides the
model's *shape* (which pairs have a need, which bounds are written) is :func:`structure_key`; a change
that alters it needs a new model.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression
from pyomo.environ import Binary, ConcreteModel, NonNegativeReals, Param, RangeSet, Set, SetOf, Var

if TYPE_CHECKING:  # annotations only: importing planner here would be circular
    from planner.scenario.model import Scenario


def funded_pairs(scenario: Scenario) -> list[tuple[str, str]]:
    """(region, sector) pairs with a positive need, in region then sector order: the only ones with
    variables (a pair with need 0 gets nothing by constraint 1, so it needs no columns)."""
    needs = scenario.need_table()
    past = _past_programme_pairs(scenario)
    return [
        (r.id, s)
        for r in scenario.regions
        for s in scenario.sectors
        if ((r.id, s) in needs and needs[(r.id, s)].need > 0) or (r.id, s) in past
    ]


def _past_programme_pairs(scenario: Scenario) -> frozenset[tuple[str, str]]:
    """Pairs whose locked programme money X[r,s] is positive (actuals.md A3 raises their need to
    it, so they have columns even where the needs table gives none)."""
    if scenario.actuals is None:
        return frozenset()
    from planner.scenario.actuals import locked_programme

    return frozenset(pair for pair, spent in locked_programme(scenario).items() if spent > 0)


def share_bounds(scenario: Scenario, which: str) -> dict[tuple[str, str], float]:
    """smin or smax per (region, sector), written only where the bound is not the default
    (spec constraint 4): smin > 0, smax < 1."""
    default = 0.0 if which == "share_min" else 1.0
    bounds = {}
    for region in scenario.regions:
        table = getattr(scenario.profile_of(region), which)
        for sector, value in table.items():
            if value != default:
                bounds[(region.id, sector)] = value
    return bounds


def total_need(scenario: Scenario) -> dict[str, float]:
    """Σ_s need[r,s] per region."""
    totals: dict[str, float] = defaultdict(float)
    for n in scenario.needs:
        totals[n.region] += n.need
    return {r.id: totals[r.id] for r in scenario.regions}


def structure_key(scenario: Scenario) -> tuple[Any, ...]:
    """Everything that decides which sets, variables and rows the model has."""
    floors = tuple(r.id for r in scenario.regions if r.min_share_of_need > 0)
    caps = tuple(r.id for r in scenario.regions if r.max_per_period is not None)
    corridors = tuple(
        (name, tuple(c.regions), tuple(c.shared_need)) for name, c in scenario.corridors.items()
    )
    return (
        tuple(r.id for r in scenario.regions),
        tuple(scenario.sectors),
        tuple(scenario.periods),
        len(scenario.tranches),
        tuple(funded_pairs(scenario)),
        tuple(share_bounds(scenario, "share_min")),
        tuple(share_bounds(scenario, "share_max")),
        floors,
        caps,
        corridors,
        needs_equity_rows(scenario),
        project_structure(scenario),
        actuals_structure(scenario),
    )


def actuals_structure(scenario: Scenario) -> tuple[Any, ...]:
    """What of the actuals (actuals.md) decides rows: that there are any, and the requirements
    A3 drops. The locked periods, amounts and starts are bounds and parameters, so the next year's
    record re-solves in place (the pairs a record gives money beyond the needs table, and the
    windows it widens, are in :func:`funded_pairs` and :func:`project_structure`)."""
    if scenario.actuals is None:
        return ()
    from models.actuals_relaxation import relaxation

    return True, relaxation(scenario).dropped_requirements


def project_structure(scenario: Scenario) -> tuple[Any, ...]:
    """What decides the project columns and rows: ids, pairs, start windows, groups, requirements.

    Costs, values, ``mandatory`` and group limits are parameters: changing them re-solves in place.
    """
    projects = tuple(
        (
            p.id,
            p.region,
            p.sector,
            p.duration,
            tuple(scenario.start_window(p)),
            p.group,
            tuple(p.requires),
        )
        for p in scenario.projects
    )
    return projects, tuple(scenario.project_groups) if projects else ()


def needs_equity_rows(scenario: Scenario) -> bool:
    """Whether the model carries the rows z ≤ cov[r]: only the equity and balanced modes use z, and
    in efficiency mode the rows would be a sixth of a large model's non-zeros for nothing."""
    return scenario.objective.mode != "efficiency"


def define_sets(m: ConcreteModel, scenario: Scenario) -> None:
    """R regions, S sectors, T periods (ordered labels), K tranches, RS pairs with a positive need,
    SMIN/SMAX (region, sector) pairs with a non-default share bound, GS (corridor, sector) pairs."""
    m.R = Set(initialize=[r.id for r in scenario.regions], ordered=True)
    m.S = Set(initialize=scenario.sectors, ordered=True)
    m.T = Set(initialize=scenario.periods, ordered=True)
    m.K = RangeSet(len(scenario.tranches))
    m.RS = Set(dimen=2, initialize=funded_pairs(scenario), ordered=True)
    m.SMIN = Set(dimen=2, initialize=list(share_bounds(scenario, "share_min")), ordered=True)
    m.SMAX = Set(dimen=2, initialize=list(share_bounds(scenario, "share_max")), ordered=True)
    corridor_sectors = [(g, s) for g, c in scenario.corridors.items() for s in c.shared_need]
    m.GS = Set(dimen=2, initialize=corridor_sectors, ordered=True)
    # plain lookups (not Pyomo components) for the families that write rows only where data says so
    m.corridor_members = {g: tuple(c.regions) for g, c in scenario.corridors.items()}
    m.floor_regions = frozenset(r.id for r in scenario.regions if r.min_share_of_need > 0)
    m.capped_regions = frozenset(r.id for r in scenario.regions if r.max_per_period is not None)
    m.with_equity_rows = needs_equity_rows(scenario)
    define_project_sets(m, scenario)
    define_locked_periods(m, scenario)


def define_locked_periods(m: ConcreteModel, scenario: Scenario) -> None:
    """``with_actuals``: whether the scenario has a record (actuals.md); ``locked_periods``: L,
    kept current by :func:`models.actuals_locked.set_values`; the requirements A3 drops are taken
    out of ``requirements``."""
    m.with_actuals = scenario.actuals is not None
    m.locked_periods = []
    if scenario.actuals is None:
        return
    from models.actuals_relaxation import relaxation
    from planner.scenario.actuals import locked_periods

    m.locked_periods = locked_periods(scenario)
    dropped = set(relaxation(scenario).dropped_requirements)
    m.requirements = [pair for pair in m.requirements if pair not in dropped]


def define_project_sets(m: ConcreteModel, scenario: Scenario) -> None:
    """P projects, PW (project, period) start options of each window W(p), G groups with members.

    Plain lookups: ``project_pair[p]`` its (region, sector), ``project_duration[p]``,
    ``group_members[g]`` and ``requirements`` as (b, a) pairs, b requiring a.
    """
    periods = list(scenario.periods)
    m.P = Set(initialize=[p.id for p in scenario.projects], ordered=True)
    starts = [(p.id, periods[i]) for p in scenario.projects for i in scenario.start_window(p)]
    m.PW = Set(dimen=2, initialize=starts, ordered=True)
    m.project_pair = {p.id: (p.region, p.sector) for p in scenario.projects}
    m.project_duration = {p.id: p.duration for p in scenario.projects}
    members: dict[str, list[str]] = {g: [] for g in scenario.project_groups}
    for p in scenario.projects:
        if p.group is not None:
            members[p.group].append(p.id)
    m.group_members = {g: ids for g, ids in members.items() if ids}
    m.G = Set(initialize=list(m.group_members), ordered=True)
    m.requirements = [(p.id, a) for p in scenario.projects for a in p.requires]


def define_parameters(m: ConcreteModel, scenario: Scenario) -> None:
    """Mutable parameters, declared empty here and filled by :func:`set_parameter_values`."""
    mutable = {"mutable": True, "initialize": 0.0}
    m.need = Param(m.RS, **mutable)  # need[r,s] (unit)
    m.benefit = Param(m.RS, **mutable)  # benefit[r,s] per unit of money
    m.w = Param(m.RS, **mutable)  # profile weight w[p(r),s]
    m.tranche_value = Param(m.K, **mutable)  # tranches[k]
    m.B = Param(m.T, **mutable)  # B[t] (unit)
    m.rho = Param(**mutable)  # discount rate ρ
    m.tau = Param(**mutable)  # redundancy tolerance τ
    m.total_need = Param(m.R, **mutable)  # Σ_s need[r,s]
    m.min_share_of_need = Param(m.R, **mutable)  # min_share_of_need[r]
    m.max_per_period = Param(m.R, **mutable)  # used only where given (unit)
    m.smin = Param(m.SMIN, **mutable)  # smin[p(r),s] where not the default 0
    m.smax = Param(m.SMAX, **mutable)  # smax[p(r),s] where not the default 1
    m.shared_need = Param(m.GS, **mutable)  # shared_need[g,s] (unit)
    m.cost = Param(m.P, **mutable)  # cost[p] (unit), spent over its duration
    m.cash = Param(m.P, **mutable)  # cost[p] / duration[p]: the project's money per period (unit)
    m.value = Param(m.P, **mutable)  # value[p], in the units of E
    m.project_weight = Param(m.P, **mutable)  # w[p(r),s] of the project's region and sector
    m.start_min = Param(m.P, **mutable)  # 1 for a mandatory project, else 0
    m.start_max = Param(m.P, **mutable, default=1.0)  # 1; 0 forces a project out (analysis only)
    m.group_max = Param(m.G, **mutable)  # max[G]
    if m.with_actuals:
        from models import actuals_relaxation, actuals_shares

        actuals_relaxation.define_parameters(m)
        actuals_shares.define_parameters(m)
    set_parameter_values(m, scenario)


def set_parameter_values(
    m: ConcreteModel, scenario: Scenario, previous: Scenario | None = None
) -> None:
    """Copy a scenario's numbers into the model's mutable parameters (same structure_key required).

    With ``previous`` (the scenario the model holds now), only the parameter groups whose source
    fields differ are written: a budget change writes B[t] and nothing else.
    """

    def moved(*fields: str) -> bool:
        return previous is None or any(getattr(scenario, f) != getattr(previous, f) for f in fields)

    if moved("needs", "regions", "profiles"):
        needs = scenario.need_table()
        regions = {r.id: r for r in scenario.regions}
        for r, s in m.RS:
            m.need[r, s] = needs[(r, s)].need if (r, s) in needs else 0.0
            m.w[r, s] = scenario.profile_of(regions[r]).weight.get(s, 1.0)
    if moved("needs", "criteria"):
        # given, or derived from the scores (criteria.md): a weight change moves only these
        benefits = scenario.derived_benefits()
        for r, s in m.RS:
            m.benefit[r, s] = benefits.get((r, s), 0.0)
    if moved("tranches"):
        for k in m.K:
            m.tranche_value[k] = scenario.tranches[k - 1]
    if moved("budget", "periods"):
        for t, amount in zip(m.T, scenario.budget_per_period(), strict=True):
            m.B[t] = amount
    m.rho = scenario.discount_rate
    m.tau = scenario.redundancy_tolerance
    if moved("needs", "regions"):
        totals = total_need(scenario)
        for region in scenario.regions:
            m.total_need[region.id] = totals[region.id]
            m.min_share_of_need[region.id] = region.min_share_of_need
            m.max_per_period[region.id] = region.max_per_period or 0.0
    if moved("regions", "profiles"):
        for key, value in share_bounds(scenario, "share_min").items():
            m.smin[key] = value
        for key, value in share_bounds(scenario, "share_max").items():
            m.smax[key] = value
    if moved("corridors"):
        for g, corridor in scenario.corridors.items():
            for s, amount in corridor.shared_need.items():
                m.shared_need[g, s] = amount
    if moved("projects", "project_groups", "regions", "profiles"):
        set_project_values(m, scenario)
    if hasattr(m, "carry"):
        set_carry_over(m, scenario.carry_over)
    if m.with_actuals:  # actuals.md: A3's relaxed values over the given ones, A4's shifts, A1–A2
        from models import actuals_locked, actuals_relaxation, actuals_shares

        actuals_relaxation.set_values(m, scenario)
        actuals_shares.set_values(m, scenario)
        if hasattr(m, "u"):  # the columns exist (not yet while the parameters are declared)
            actuals_locked.set_values(m, scenario)


def set_project_values(m: ConcreteModel, scenario: Scenario) -> None:
    regions = {r.id: r for r in scenario.regions}
    for p in scenario.projects:
        m.cost[p.id] = p.cost
        m.cash[p.id] = p.cost / p.duration
        m.value[p.id] = p.value
        m.project_weight[p.id] = scenario.profile_of(regions[p.region]).weight.get(p.sector, 1.0)
        m.start_min[p.id] = 1.0 if p.mandatory else 0.0
        m.start_max[p.id] = 1.0
    for g in m.G:
        m.group_max[g] = scenario.project_groups[g].max


def define_variables(m: ConcreteModel, scenario: Scenario) -> None:
    """y[r,s,t,k] ≥ 0 money per tranche; carry[t] ≥ 0 budget carried into the next period."""
    # one flat index built from plain lists: iterating the product RS × T × K makes Pyomo flatten
    # every tuple again, and a Set copies and validates every member; a SetOf over a dict (ordered,
    # constant-time membership) wraps the index as it is, a third of the cost of a large build's y
    # T and K as plain lists: iterating a Pyomo set once per pair was 1.3 million generator steps
    periods, tranches = list(m.T), list(m.K)
    index = [(r, s, t, k) for r, s in m.RS for t in periods for k in tranches]
    m.RSTK = SetOf(dict.fromkeys(index))
    m.y = Var(m.RSTK, domain=NonNegativeReals)
    # y's variables as a plain list, in RSTK order: walking a Pyomo component of a million entries
    # costs a third of a second each time, and the families and the read-back need them. A dense
    # Var is built by walking its index, so its own dict holds them in RSTK order; reading that
    # dict skips values()'s getter per entry (0.12 s against 0.01 s for 320,000 columns).
    # tests/test_build_lp.py pins the order.
    m.y_list = list(m.y._data.values())
    m.carry = Var(m.T, domain=NonNegativeReals)
    set_carry_over(m, scenario.carry_over)
    m.u = Var(m.PW, domain=Binary)  # u[p,t] = 1: project p starts in period t
    index_terms(m)
    index_project_terms(m)


def set_carry_over(m: ConcreteModel, allowed: bool) -> None:
    """c ≡ 0 unless carry_over (spec: "Variables")."""
    for t in m.T:
        m.carry[t].setub(None if allowed else 0.0)


def index_terms(m: ConcreteModel) -> None:
    """Group the y columns once, so each constraint family sums a ready list instead of scanning.

    ``x_terms[r, s, t]`` are the tranches of x[r,s,t] = Σ_k y[r,s,t,k]; ``tranche_terms[r, s, k]``
    the periods of Σ_t y[r,s,t,k]; ``pair_terms[r, s]`` all of Σ_t x[r,s,t]; ``region_terms[r]`` all of
    Σ_{s,t} x[r,s,t]; ``region_period_terms[r, t]`` all of Σ_s x[r,s,t]; ``period_terms[t]`` all of
    Σ_{r,s} x[r,s,t]. Each list keeps the order of y.

    y is indexed pair by pair, then period, then tranche (:func:`define_variables`), so every group
    is a slice, or a few slices joined, of the flat list of y: no per-column Python loop.
    """
    y = m.y_list
    periods, ks = list(m.T), list(m.K)
    n_k = len(ks)
    per_pair = len(periods) * n_k
    m.x_terms, m.tranche_terms, m.pair_terms = {}, {}, {}
    m.region_terms, m.region_period_terms = {}, {}
    for p, (r, s) in enumerate(m.RS):
        start = p * per_pair
        pair = y[start : start + per_pair]
        m.pair_terms[r, s] = pair
        m.region_terms.setdefault(r, []).extend(pair)
        for i, t in enumerate(periods):
            tranches = pair[i * n_k : (i + 1) * n_k]
            m.x_terms[r, s, t] = tranches
            m.region_period_terms.setdefault((r, t), []).extend(tranches)
        for k in ks:
            m.tranche_terms[r, s, k] = pair[k - 1 :: n_k]
    m.period_terms = {}
    for (_r, t), terms in m.region_period_terms.items():
        m.period_terms.setdefault(t, []).extend(terms)


def index_project_terms(m: ConcreteModel) -> None:
    """The project money each family reads, as (coefficient, u) terms (projects.md, "Variables").

    cash[p,t] = (cost[p] / duration[p]) · Σ_{t0 ∈ W(p), i(t0) ≤ i(t) ≤ i(t0) + duration[p] − 1} u[p,t0]

    ``project_period_terms[r, s, t]`` is the pair's project cash in period t; over the horizon every
    start spends the whole cost, so ``project_pair_terms[r, s]`` holds (cost[p], u[p,t0]). Then by
    region (``project_region_terms[r]``), region and period (``project_region_period_terms[r, t]``)
    and period (``project_budget_terms[t]``). Empty when the scenario has no projects.
    """
    periods = list(m.T)
    m.project_period_terms, m.project_pair_terms = {}, {}
    m.project_region_terms, m.project_region_period_terms, m.project_budget_terms = {}, {}, {}
    for p, t0 in m.PW:
        r, s = m.project_pair[p]
        u = m.u[p, t0]
        m.project_pair_terms.setdefault((r, s), []).append((m.cost[p], u))
        m.project_region_terms.setdefault(r, []).append((m.cost[p], u))
        first = periods.index(t0)
        for t in periods[first : first + m.project_duration[p]]:
            term = (m.cash[p], u)
            m.project_period_terms.setdefault((r, s, t), []).append(term)
            m.project_region_period_terms.setdefault((r, t), []).append(term)
            m.project_budget_terms.setdefault(t, []).append(term)


def has_projects(m: ConcreteModel) -> bool:
    return len(m.PW) > 0


BUILD_ONLY_GROUPS = ("tranche_terms", "region_period_terms", "period_terms")
"""Groups of :func:`index_terms` that only the families' rows read; the read-back (``x_terms``)
and the diagnosis (``pair_terms``, ``region_terms``) keep theirs."""


def drop_build_groups(m: ConcreteModel) -> None:
    """Free the build-only groups once the rows exist (3 million list entries at the large size)."""
    for name in BUILD_ONLY_GROUPS:
        delattr(m, name)


def linear_sum(variables: Any, terms: Any = ()) -> LinearExpression:
    """Σ of variables as one ``LinearExpression`` built straight from the list.

    ``quicksum`` would grow the sum one term at a time; a ``LinearExpression`` whose arguments are the
    variables themselves is one node, which both the build and Pyomo's standard-form compiler walk
    fastest. ``terms`` adds (coefficient, variable) pairs whose coefficient is not 1.
    """
    return LinearExpression([*variables, *(MonomialTermExpression(term) for term in terms)])


def linear_terms(coefficients: Any, variables: Any) -> LinearExpression:
    """Σ_i coefficients[i] · variables[i] as one ``LinearExpression`` (coefficients may be Params)."""
    return LinearExpression(
        [MonomialTermExpression((c, v)) for c, v in zip(coefficients, variables, strict=True)]
    )
