"""A3 of actuals.md: the rules that the past alone already broke are relaxed just enough to hold it.

The past's fixed money f[r,s,t] is a[r,s,t] in a locked period t ∈ L, and in a later period the cash
that the recorded-as-started projects still spend there (a started project is finished).

    X[r,s] = Σ_{t ∈ L} (a[r,s,t] − project cash[r,s,t])       the locked programme money
    S[t]   = Σ_{r,s} f[r,s,t]

- need'[r,s] = max(need[r,s], X[r,s]); the tranche sizes q = need' / |K| follow (constraint 1 only:
  the floors and coverage keep the need as given, since raising them would tighten, not relax);
- corridor g, sector s: (1 + τ) · shared_need[g,s] is raised to Σ_{r ∈ g} Σ_t f[r,s,t] where larger;
- capacity of region r in period t: max_per_period[r] is raised to Σ_s f[r,s,t] where larger;
- group G: max[G] is raised to the number of its projects recorded as started where larger;
- "b requires a" is dropped when b is recorded as started and a is not recorded as started no later;
- budget, in period order: B'[t] = max(B[t], S[t] − C[t−1]), with
  C[t] = B'[t] + C[t−1] − S[t] with carry-over (0 without), C before the first period = 0.
  With funding, F2 replaces the budget and the sources' amounts are not relaxed: B' = B, and the
  locked money is split among the sources within their rules (F1–F4 hold in the locked periods as
  in the others, with m fixed and g free), or the scenario is infeasible and the diagnosis names
  the source (:mod:`planner.analysis.actuals_diagnosis`).

Nothing is relaxed further than that: a rule the past kept keeps its value. Every relaxed row is
reported as a record {constraint, from, to}, named like the model's rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pyomo.environ import ConcreteModel, Param

from planner.scenario.actuals import (
    fixed_money,
    locked_periods,
    locked_programme,
    recorded_starts,
)
from planner.scenario.model import Scenario

KIND = "actuals_relaxation"
TOLERANCE = 1e-9
"""Relative margin under which the past counts as keeping a rule (float noise in summed amounts)."""


@dataclass(frozen=True)
class Relaxation:
    """The relaxed values A3 gives, only where the past broke a rule, and the records saying so."""

    need: dict[tuple[str, str], float] = field(default_factory=dict)
    corridor: dict[tuple[str, str], float] = field(default_factory=dict)  # the raised cap
    capacity: dict[tuple[str, Any], float] = field(default_factory=dict)
    group_max: dict[str, int] = field(default_factory=dict)
    dropped_requirements: tuple[tuple[str, str], ...] = ()
    budget: tuple[float, ...] = ()  # B'[t] for every period
    records: tuple[dict[str, Any], ...] = ()


def _above(value: float, limit: float) -> bool:
    return value > limit + TOLERANCE * max(1.0, abs(limit))


def relaxation(s: Scenario) -> Relaxation:
    """A3's relaxed values for a scenario with actuals (empty without); cached on the scenario."""
    cached = s.__dict__.get("_relaxation")
    if cached is None:
        cached = _relaxation(s) if s.actuals is not None else Relaxation(budget=())
        s.__dict__["_relaxation"] = cached  # frozen model: cache beside the fields
    return cached


def _relaxation(s: Scenario) -> Relaxation:
    f = fixed_money(s)
    records: list[dict[str, Any]] = []
    need = _needs(s, records)
    corridor = _corridors(s, f, records)
    capacity = _capacities(s, f, records)
    group_max = _groups(s, records)
    dropped = _requirements(s, records)
    budget = _budgets(s, f, records)
    return Relaxation(need, corridor, capacity, group_max, dropped, budget, tuple(records))


def _record(records: list[dict[str, Any]], constraint: str, old: float, new: float) -> None:
    records.append({"constraint": constraint, "from": old, "to": new})


def _needs(s: Scenario, records: list[dict[str, Any]]) -> dict[tuple[str, str], float]:
    table = s.need_table()
    raised = {}
    for (r, sector), spent in sorted(locked_programme(s).items()):
        given = table[(r, sector)].need if (r, sector) in table else 0.0
        if _above(spent, given):
            raised[(r, sector)] = spent
            _record(records, f"need[{r},{sector}]", given, spent)
    return raised


def _corridors(
    s: Scenario, f: dict[tuple[str, str, Any], float], records: list[dict[str, Any]]
) -> dict[tuple[str, str], float]:
    by_pair: dict[tuple[str, str], float] = defaultdict(float)
    for (r, sector, _t), amount in f.items():
        by_pair[(r, sector)] += amount
    raised = {}
    for g, c in s.corridors.items():
        for sector, shared in c.shared_need.items():
            cap = (1 + s.redundancy_tolerance) * shared
            spent = sum(by_pair.get((r, sector), 0.0) for r in c.regions)
            if _above(spent, cap):
                raised[(g, sector)] = spent
                _record(records, f"corridor[{g},{sector}]", cap, spent)
    return raised


def _capacities(
    s: Scenario, f: dict[tuple[str, str, Any], float], records: list[dict[str, Any]]
) -> dict[tuple[str, Any], float]:
    by_region: dict[tuple[str, Any], float] = defaultdict(float)
    for (r, _sector, t), amount in f.items():
        by_region[(r, t)] += amount
    raised = {}
    for region in s.regions:
        if region.max_per_period is None:
            continue
        for t in s.periods:
            spent = by_region.get((region.id, t), 0.0)
            if _above(spent, region.max_per_period):
                raised[(region.id, t)] = spent
                _record(records, f"capacity[{region.id},{t}]", region.max_per_period, spent)
    return raised


def _groups(s: Scenario, records: list[dict[str, Any]]) -> dict[str, int]:
    started: dict[str, int] = defaultdict(int)
    for p in s.projects:
        if p.id in recorded_starts(s) and p.group is not None:
            started[p.group] += 1
    raised = {}
    for g, count in started.items():
        if count > s.project_groups[g].max:
            raised[g] = count
            _record(records, f"group[{g}]", s.project_groups[g].max, count)
    return raised


def _requirements(s: Scenario, records: list[dict[str, Any]]) -> tuple[tuple[str, str], ...]:
    starts = recorded_starts(s)
    position = {t: i for i, t in enumerate(s.periods)}
    dropped = []
    for p in s.projects:
        if p.id not in starts:
            continue
        for a in p.requires:
            if a not in starts or position[starts[a]] > position[starts[p.id]]:
                dropped.append((p.id, a))
                _record(records, f"requires[{p.id},{a}]", 1, 0)  # 1: written, 0: dropped
    return tuple(dropped)


def _budgets(
    s: Scenario, f: dict[tuple[str, str, Any], float], records: list[dict[str, Any]]
) -> tuple[float, ...]:
    if s.funding is not None:  # sources' amounts are never relaxed (actuals.md A3, funding.md F2)
        return tuple(s.budget_per_period())
    spent: dict[Any, float] = defaultdict(float)
    for (_r, _sector, t), amount in f.items():
        spent[t] += amount
    relaxed, carry = [], 0.0
    for t, budget in zip(s.periods, s.budget_per_period(), strict=True):
        need = spent.get(t, 0.0) - carry
        raised = need if _above(need, budget) else budget
        if raised != budget:
            _record(records, f"budget[{t}]", budget, raised)
        relaxed.append(raised)
        carry = raised + carry - spent.get(t, 0.0) if s.carry_over else 0.0
    return tuple(relaxed)


# ---- the model's side: the relaxed values as the parameters the families read ----


def define_parameters(m: ConcreteModel) -> None:
    """capacity_raise[r,t] and corridor_raise[g,s] ≥ 0: what A3 adds to a row's right-hand side
    (0 where the past kept the rule); the capacity and corridor families add them with actuals."""
    mutable = {"mutable": True, "initialize": 0.0}
    m.capacity_raise = Param(m.R, m.T, **mutable)
    m.corridor_raise = Param(m.GS, **mutable)


def set_values(m: ConcreteModel, s: Scenario) -> None:
    """Write A3's values over the given ones: need' (tranches), B', the raises, max'[G]. Every value
    is set, so a new actuals table also takes back what an earlier one relaxed; a parameter already
    holding its value is left alone (a new year's record moves a few of the thousands)."""
    relaxed = relaxation(s)
    needs = s.need_table()
    need = {}
    for r, sector in m.RS:
        given = needs[(r, sector)].need if (r, sector) in needs else 0.0
        need[r, sector] = relaxed.need.get((r, sector), given)
    _write(m.need, need)
    _write(m.B, dict(zip(m.T, relaxed.budget, strict=True)))
    caps = {r.id: r.max_per_period for r in s.regions}
    raises = {}
    for r in m.R:
        for t in m.T:
            raised = relaxed.capacity.get((r, t))
            raises[r, t] = 0.0 if raised is None else raised - (caps[r] or 0.0)
    _write(m.capacity_raise, raises)
    corridor = {}
    for g, sector in m.GS:
        raised = relaxed.corridor.get((g, sector))
        cap = (1 + s.redundancy_tolerance) * s.corridors[g].shared_need[sector]
        corridor[g, sector] = 0.0 if raised is None else raised - cap
    _write(m.corridor_raise, corridor)
    _write(m.group_max, {g: relaxed.group_max.get(g, s.project_groups[g].max) for g in m.G})


def _write(param: Any, values: dict[Any, float]) -> None:
    """``param[key] = value`` where the parameter does not hold that value already (Pyomo checks
    the index of every write: a third of a re-plan's parameter update at 300 regions)."""
    for key, data in param.items():
        if data.value != values[key]:
            param[key] = values[key]


def budget_per_period(s: Scenario) -> list[float]:
    """B'[t] with actuals, B[t] without: the budget the model holds the plan to."""
    return list(relaxation(s).budget) if s.actuals is not None else s.budget_per_period()


def has_actuals(s: Scenario) -> bool:
    return s.actuals is not None and bool(locked_periods(s))
