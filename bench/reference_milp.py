"""The efficiency-mode MILP of a Scenario with candidate projects, built with numpy/scipy.sparse from
``../shared/spec/projects.md`` and handed to HiGHS with ``passModel``: raw highspy's time for it.

The LP part is :func:`bench.reference_highspy.build_lp_rows` (model.md, written without ``models/``);
this module appends one binary column u[p,t] per start option t ∈ W(p), its cash cost/duration in
every row that reads the money m[r,s,t] (budget, corridor, shares, floor, capacity), its value
d[t] · w · value in the objective, and the rows 7 (one start, = 1 when mandatory), 8 (a group's
starts ≤ max) and 9 (Σ_{t0 ≤ t} u[b,t0] − Σ_{t0 ≤ t} u[a,t0] ≤ 0 when b requires a). A benchmark
reference, not product code.
"""

from __future__ import annotations

import highspy
import numpy as np
import scipy.sparse as sp

from bench.reference_highspy import build_lp_rows
from planner.scenario.model import Scenario


def start_options(scenario: Scenario) -> list[tuple[int, int]]:
    """(project index, period index) for every t in W(p), read from the spec's window rule."""
    periods = [str(t) for t in scenario.periods]
    options = []
    for j, p in enumerate(scenario.projects):
        first = periods.index(str(p.earliest)) if p.earliest is not None else 0
        last = periods.index(str(p.latest)) if p.latest is not None else len(periods) - 1
        options += [(j, t) for t in range(first, last + 1) if t + p.duration <= len(periods)]
    return options


def build_milp(scenario: Scenario) -> highspy.HighsLp:
    lp, named = build_lp_rows(scenario)
    options = start_options(scenario)
    n_lp, n_rows, n_u = lp.num_col_, lp.num_row_, len(options)
    profiles = {r.id: scenario.profile_of(r) for r in scenario.regions}
    rows, cols, vals, cost = [], [], [], np.zeros(n_u)
    for c, (j, t0) in enumerate(options):
        p = scenario.projects[j]
        profile = profiles[p.region]
        cost[c] = (1 + scenario.discount_rate) ** -t0 * profile.weight.get(p.sector, 1.0) * p.value
        rate = p.cost / p.duration
        entries: list[tuple[int, float]] = []
        for t in range(t0, t0 + p.duration):
            entries.append((named[("budget",)] + t, rate))
            if ("capacity", p.region) in named:
                entries.append((named[("capacity", p.region)] + t, rate))
            for g, corridor in scenario.corridors.items():
                if p.region in corridor.regions and ("corridor", g, p.sector) in named:
                    entries.append((named[("corridor", g, p.sector)], rate))
            if ("floor", p.region) in named:
                entries.append((named[("floor", p.region)], rate))
            for kind, table in (("share_min", profile.share_min), ("share_max", profile.share_max)):
                for s, bound in table.items():
                    if (kind, p.region, s) in named:
                        own = 1.0 if s == p.sector else 0.0
                        entries.append((named[(kind, p.region, s)], rate * (own - bound)))
        rows += [r for r, _ in entries]
        vals += [v for _, v in entries]
        cols += [n_lp + c] * len(entries)
    extra_r, extra_c, extra_v, lo, hi = _project_rows(scenario, options, n_lp)
    a_lp = sp.csc_matrix(
        (lp.a_matrix_.value_, lp.a_matrix_.index_, lp.a_matrix_.start_), shape=(n_rows, n_lp)
    ).tocoo()
    a = sp.csc_matrix(
        (
            np.concatenate([a_lp.data, vals, extra_v]),
            (
                np.concatenate([a_lp.row, rows, np.asarray(extra_r, dtype=np.int64) + n_rows]),
                np.concatenate([a_lp.col, cols, extra_c]),
            ),
        ),
        shape=(n_rows + len(lo), n_lp + n_u),
    )
    milp = highspy.HighsLp()
    milp.num_col_, milp.num_row_ = n_lp + n_u, n_rows + len(lo)
    milp.sense_ = highspy.ObjSense.kMaximize
    milp.col_cost_ = np.concatenate([np.asarray(lp.col_cost_), cost])
    milp.col_lower_ = np.concatenate([np.asarray(lp.col_lower_), np.zeros(n_u)])
    milp.col_upper_ = np.concatenate([np.asarray(lp.col_upper_), np.ones(n_u)])
    milp.row_lower_ = np.concatenate([np.asarray(lp.row_lower_), lo])
    milp.row_upper_ = np.concatenate([np.asarray(lp.row_upper_), hi])
    milp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    milp.a_matrix_.start_ = a.indptr.astype(np.int32)
    milp.a_matrix_.index_ = a.indices.astype(np.int32)
    milp.a_matrix_.value_ = a.data
    milp.integrality_ = [highspy.HighsVarType.kContinuous] * n_lp + [
        highspy.HighsVarType.kInteger
    ] * n_u
    return milp


def _project_rows(scenario: Scenario, options: list[tuple[int, int]], n_lp: int):  # type: ignore[no-untyped-def]
    """Rows 7–9 as (row, col, value) triplets and row bounds."""
    by_project: dict[int, list[tuple[int, int]]] = {}
    for c, (j, t) in enumerate(options):
        by_project.setdefault(j, []).append((n_lp + c, t))
    index = {p.id: j for j, p in enumerate(scenario.projects)}
    r, c, v, lo, hi = [], [], [], [], []

    def row(entries: list[tuple[int, float]], low: float, high: float) -> None:
        for col, value in entries:
            r.append(len(lo))
            c.append(col)
            v.append(value)
        lo.append(low)
        hi.append(high)

    for j, p in enumerate(scenario.projects):  # 7
        row([(col, 1.0) for col, _t in by_project.get(j, [])], 1.0 if p.mandatory else 0.0, 1.0)
    for g, group in scenario.project_groups.items():  # 8
        members = [j for j, p in enumerate(scenario.projects) if p.group == g]
        row([(col, 1.0) for j in members for col, _t in by_project.get(j, [])], 0.0, group.max)
    for b, p in enumerate(scenario.projects):  # 9
        for required in p.requires:
            a = index[required]
            for t in range(len(scenario.periods)):
                entries = [(col, 1.0) for col, t0 in by_project.get(b, []) if t0 <= t]
                entries += [(col, -1.0) for col, t0 in by_project.get(a, []) if t0 <= t]
                row(entries, -np.inf, 0.0)
    return r, c, v, np.array(lo, dtype=float), np.array(hi, dtype=float)
