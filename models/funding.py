"""Funding sources (funding.md): the sets, parameters and variables the families F1–F4 share.

    f ∈ F sources; A[f,t] the amount of f in period t; D ⊆ F the debt sources; R(f) the regions f may
    fund; share[f,r,s] the share that applies by the rules; P(f) = {(r,s) : r ∈ R(f), share[f,r,s] > 0}
    m[r,s,t] = x[r,s,t] + Σ_{p in (r,s)} cash[p,t]             the money of a pair in a period
    g[r,s,t,f] ≥ 0 for (r,s) ∈ P(f): the money that source f pays to pair (r,s) in period t
    e[f,t] ≥ 0 (only when carry_over): the money of f carried from period t into the next

g exists only for pairs that can have money (a positive need, or a project). Amounts, shares in
(0, 1) and debt rooms are mutable parameters, so a source's amount or a rule's share re-solves in
place; which pairs a source may fund (share 0 or not), which shares are below 1, which sources are
debt and which regions have a debt room decide the model's shape (:func:`structure`).

A scenario without ``funding`` declares empty sets here and no family writes a row: its model is
model.md's and projects.md's exactly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyomo.environ import ConcreteModel, NonNegativeReals, Param, Set, SetOf, Var

if TYPE_CHECKING:  # annotations only: importing planner here would be circular
    from planner.scenario.model import Scenario


def structure(scenario: Scenario) -> tuple[Any, ...]:
    """What decides the funding columns and rows (see the module docstring)."""
    if scenario.funding is None:
        return ()
    shares = scenario.funding_shares()
    return (
        tuple((f.id, f.debt, f.region) for f in scenario.funding.sources),
        tuple(key for key, share in shares.items() if share <= 0),
        tuple(key for key, share in shares.items() if share < 1),
        tuple(r.id for r in scenario.regions if r.debt_room is not None),
    )


def define_components(m: ConcreteModel, scenario: Scenario) -> None:
    """F, D, the g and e columns, A, share and debt_room (empty without funding).

    g is indexed over the cells (r,s,t) that can have money: programme money of a pair with a
    positive need, or cash of a project that may start early enough (``models.base``'s groups).
    """
    funding = scenario.funding
    sources = [f.id for f in funding.sources] if funding is not None else []
    m.with_funding = funding is not None
    m.F = Set(initialize=sources, ordered=True)
    m.debt_sources = frozenset(f.id for f in funding.sources if f.debt) if funding else frozenset()
    m.debt_room_regions = frozenset(
        r.id for r in scenario.regions if funding is not None and r.debt_room is not None
    )
    shares = scenario.funding_shares()
    payable = [(f, r, s) for (f, r, s), share in shares.items() if share > 0]
    by_pair: dict[tuple[str, str], list[str]] = {}
    for f, r, s in payable:
        by_pair.setdefault((r, s), []).append(f)
    cells = list(dict.fromkeys([*m.x_terms, *m.project_period_terms])) if funding else []
    m.money_cells = cells
    index = [(r, s, t, f) for r, s, t in cells for f in by_pair.get((r, s), ())]
    m.RSTF = SetOf(dict.fromkeys(index))
    m.g = Var(m.RSTF, domain=NonNegativeReals)
    m.e = Var(m.F, m.T, domain=NonNegativeReals)
    m.FRS = Set(
        dimen=3,
        initialize=[(f, r, s) for f, r, s in payable if shares[f, r, s] < 1],
        ordered=True,
    )
    mutable = {"mutable": True, "initialize": 0.0}
    m.A = Param(m.F, m.T, **mutable)  # A[f,t] (unit)
    m.share = Param(m.FRS, **mutable)  # share[f,r,s] where 0 < share < 1
    m.debt_room = Param(m.R, **mutable)  # used only where given (unit)
    set_values(m, scenario)
    set_carry_over(m, scenario.carry_over)
    index_funding_terms(m)


def index_funding_terms(m: ConcreteModel) -> None:
    """Group the g columns once: by (r,s,t) for F1, by (f,t) for F2, by (f,r,s) for F3, and the
    debt ones by region for F4 (plain lists, as :func:`models.base.index_terms` does for y)."""
    m.pay_terms, m.source_terms, m.share_terms, m.debt_terms = {}, {}, {}, {}
    for (r, s, t, f), var in m.g.items():
        m.pay_terms.setdefault((r, s, t), []).append(var)
        m.source_terms.setdefault((f, t), []).append(var)
        m.share_terms.setdefault((f, r, s), []).append(var)
        if f in m.debt_sources:
            m.debt_terms.setdefault(r, []).append(var)


def set_values(m: ConcreteModel, scenario: Scenario, previous: Scenario | None = None) -> None:
    """A[f,t], share[f,r,s] and debt_room[r] from the scenario (same :func:`structure` required)."""
    if scenario.funding is None:
        return
    # with the structure the same, the shares move with the rules alone and the amounts with the
    # sources (a re-solve after an amount change writes its 100s of shares no more)
    if (
        previous is None
        or previous.funding is None
        or (
            (scenario.funding.sources, scenario.periods)
            != (previous.funding.sources, previous.periods)
        )
    ):
        for f, amounts in scenario.source_amounts().items():
            for t, amount in zip(m.T, amounts, strict=True):
                m.A[f, t] = amount
    if (
        previous is None
        or previous.funding is None
        or scenario.funding.rules != previous.funding.rules
    ):
        shares = scenario.funding_shares()
        for key in m.FRS:
            m.share[key] = shares[key]
    if previous is None or scenario.regions != previous.regions:
        for region in scenario.regions:
            m.debt_room[region.id] = region.debt_room or 0.0
    if previous is not None and scenario.carry_over != previous.carry_over:
        set_carry_over(m, scenario.carry_over)


def set_carry_over(m: ConcreteModel, allowed: bool) -> None:
    """e ≡ 0 unless carry_over (funding.md: "Without carry-over, e ≡ 0")."""
    for var in m.e.values():
        var.setub(None if allowed else 0.0)


def debt_columns(m: ConcreteModel) -> list[Any]:
    """g[r,s,t,f] for f ∈ D: the columns the least-debt solve minimizes the sum of."""
    return [v for terms in m.debt_terms.values() for v in terms]
