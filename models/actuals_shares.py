"""A4 of actuals.md: specialization shares apply to the money of the unlocked periods alone.

    Σ_{t ∉ L} m[r,s,t] ≥ smin[p(r),s] · Σ_{s', t ∉ L} m[r,s',t]
    Σ_{t ∉ L} m[r,s,t] ≤ smax[p(r),s] · Σ_{s', t ∉ L} m[r,s',t]

The past's mix is history; the rule guides what is still to be decided. The locked money is the
record (A1), so the unlocked sums are the horizon's less a constant, and the rows of
:mod:`models.specialization` (over the horizon) only move their right-hand side:

    Σ_t m[r,s,t] − share · Σ_{s',t} m[r,s',t]  ≥ / ≤  shift[r,s]
    shift[r,s] = Σ_{t ∈ L} a[r,s,t] − share · Σ_{s', t ∈ L} a[r,s',t]

(share = smin or smax). A parameter, so moving ``through`` or the amounts re-solves in place.
Equity floors (constraint 5), E and coverage still count every period.
"""

from __future__ import annotations

from collections import defaultdict

from pyomo.environ import ConcreteModel, Param, value

from planner.scenario.actuals import locked_periods, recorded_amounts
from planner.scenario.model import Scenario

KIND = "actual_shares"


def define_parameters(m: ConcreteModel) -> None:
    """shift_min[r,s], shift_max[r,s]: the locked periods' part of a share row (0 without actuals)."""
    m.shift_min = Param(m.SMIN, mutable=True, initialize=0.0)
    m.shift_max = Param(m.SMAX, mutable=True, initialize=0.0)


def set_values(m: ConcreteModel, s: Scenario) -> None:
    locked = set(locked_periods(s))
    pair: dict[tuple[str, str], float] = defaultdict(float)
    region: dict[str, float] = defaultdict(float)
    for (r, sector, t), amount in recorded_amounts(s).items():
        if t in locked:
            pair[(r, sector)] += amount
            region[r] += amount
    for shift, shares in ((m.shift_min, m.smin), (m.shift_max, m.smax)):
        for r, sector in shift:
            shift[r, sector] = pair[(r, sector)] - value(shares[r, sector]) * region[r]
