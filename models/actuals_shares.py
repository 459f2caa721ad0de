"""A4 of actuals.md: specialization shares apply to the money of the unlocked periods alone.

    Σ_{t ∉ L} m[r,s,t] ≥ smin[p(r),s] · Σ_{s', t ∉ L} m[r,s',t]
    Σ_{t ∉ L} m[r,s,t] ≤ smax[p(r),s] · Σ_{s', t ∉ L} m[r,s',t]

The past's mix is history; the rule guides what is still to be decided. m counts project cash in the
unlocked periods: a start u[p,t0] carries cash[p] times the number of its spending periods after
``through``. Equity floors (constraint 5), E and coverage still count every period.
:mod:`models.specialization` writes its rows through :func:`unlocked_share_row` when the scenario
locks periods, so the rows keep their names (``share_min[r,s]``) and their place in the plan.
"""

from __future__ import annotations

from typing import Any

from pyomo.environ import ConcreteModel

from models.base import linear_terms

KIND = "actual_shares"


def unlocked_share_row(m: ConcreteModel, r: str, s: str, share: Any) -> Any | None:
    """Σ_{t ∉ L} m[r,s,t] − share · Σ_{s', t ∉ L} m[r,s',t] (None when the region has no columns
    in the unlocked periods)."""
    locked = set(m.locked_periods)
    open_periods = [t for t in m.T if t not in locked]
    on_own, off_own = 1 - share, -share
    coefficients: list[Any] = []
    variables: list[Any] = []
    starts: dict[int, list[Any]] = {}  # id(u) → [u, cash, periods on own sector, periods off]
    for sector in m.S:
        own = sector == s
        for t in open_periods:
            for v in m.x_terms.get((r, sector, t), ()):
                coefficients.append(on_own if own else off_own)
                variables.append(v)
            for cash, u in m.project_period_terms.get((r, sector, t), ()):
                entry = starts.setdefault(id(u), [u, cash, 0, 0])
                entry[2 if own else 3] += 1
    for u, cash, on, off in starts.values():
        coefficients.append(cash * (on * on_own + off * off_own))
        variables.append(u)
    if not variables:
        return None
    return linear_terms(coefficients, variables)
