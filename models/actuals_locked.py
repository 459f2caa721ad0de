"""A1 and A2 of actuals.md: the locked periods' money and starts are what really happened.

    A1.  m[r,s,t] = x[r,s,t] + Σ_{p in (r,s)} cash[p,t] = a[r,s,t]     for every r, s and t ∈ L
    A2.  u[p,t]   = 1 if p is recorded as started in t, else 0           for every t ∈ W(p) ∩ L

L is the locked periods (index ≤ i(through)); a[r,s,t] the recorded amount, 0 where no row is given.
A recorded start's window W(p) is widened to include it (``Scenario.start_window``); every other
project cannot start in the past, so a mandatory one not started in L must start after ``through``.

Both are written as column bounds, not rows, so that the next year's record (``through`` one period
later, other amounts, other starts) re-solves the live model in place:

- A2 fixes u[p,t] at 0 or 1 for t ∈ L (bounds [0, 1] otherwise);
- with the starts fixed, x[r,s,t] = a[r,s,t] − Σ cash of the recorded starts is known, and its
  tranches y[r,s,t,k] are fixed at the split that fills the best tranche first, the earliest locked
  period first. No plan with the same x is worth more: tranche values do not increase with k and the
  discount d[t] falls with t, so giving the earliest money the best tranche is optimal (the
  rearrangement inequality), and the unlocked periods' money fills the tranches' rest as before.

The split needs the relaxed need of A3 (``models.actuals_relaxation`` writes it first): a locked
programme amount X[r,s] never exceeds the tranches' room K · q'[r,s] = max(need, X).
"""

from __future__ import annotations

from typing import Any

from pyomo.environ import ConcreteModel

from planner.scenario.actuals import locked_periods, recorded_amounts, recorded_starts, started_cash
from planner.scenario.model import Scenario

KIND = "actual_locked"


FREE = None
"""A cell's or start's bounds when its period is not locked: y ≥ 0, u ∈ [0, 1]."""


def define_components(m: ConcreteModel) -> None:
    """No rows: A1–A2 are bounds on y and u (see :func:`set_values`), which move between solves.

    ``lock_state`` remembers the bounds last written per cell and start, so a new record touches
    only the columns it moves; ``moved_columns`` lists them for the solver's copy to re-read."""
    m.lock_state = {}
    m.moved_columns = []


def set_values(m: ConcreteModel, s: Scenario) -> None:
    """Bounds of the y and u whose lock moved: fixed at the record in the locked periods, free in
    the others."""
    locked = locked_periods(s)
    m.locked_periods = locked
    m.moved_columns = []
    _lock_starts(m, s, set(locked))
    _lock_money(m, s, locked)


def _lock_starts(m: ConcreteModel, s: Scenario, locked: set[Any]) -> None:
    starts = recorded_starts(s)
    for (p, t), u in m.u.items():
        fixed = (1.0 if starts.get(p) == t else 0.0) if t in locked else FREE
        if m.lock_state.get(("u", p, t), FREE) != fixed:
            m.lock_state[("u", p, t)] = fixed
            u.setlb(0.0 if fixed is None else fixed)
            u.setub(1.0 if fixed is None else fixed)
            m.moved_columns.append(u)


def _lock_money(m: ConcreteModel, s: Scenario, locked: list[Any]) -> None:
    amounts, cash = recorded_amounts(s), started_cash(s)
    n_k = len(m.K)
    # need' read off the Param once (value(m.need[r, s]) per pair looked each one up)
    need = {key: data.value for key, data in m.need.items()}
    for r, sector in m.RS:
        size = need[r, sector] / n_k
        room = [size] * n_k  # what each tranche still holds
        for t in m.T:
            split = FREE
            if t in locked:
                money = amounts.get((r, sector, t), 0.0) - cash.get((r, sector, t), 0.0)
                split = _split(max(0.0, money), room)
            if m.lock_state.get((r, sector, t), FREE) == split:
                continue
            m.lock_state[(r, sector, t)] = split
            tranches = m.x_terms[r, sector, t]
            for k, y in enumerate(tranches):
                y.setlb(0.0 if split is None else split[k])
                y.setub(None if split is None else split[k])
            m.moved_columns.extend(tranches)


def _split(money: float, room: list[float]) -> tuple[float, ...]:
    """``money`` over the tranches, best first, taking from ``room`` (the last tranche takes any
    float dust beyond the room)."""
    takes = []
    for k in range(len(room)):
        take = money if k == len(room) - 1 else min(money, room[k])
        room[k] -= take
        money -= take
        takes.append(take)
    return tuple(takes)
