"""The efficiency-mode LP of a Scenario, built with numpy/scipy.sparse and handed to HiGHS with
``Highs.passModel``: the lower limit of modelling overhead.

Written independently from ``../shared/spec/model.md`` (not from ``models/``), so that the benchmark's
objective check compares two separate readings of the spec. This is a benchmark reference, not
product code: the planner never uses it.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from planner.scenario.model import Scenario


@dataclass
class Layout:
    """Column layout: y[p, t, k] at p·T·K + t·K + k for funded pairs p; carry[t] after all y."""

    regions: list[str]
    pair_region: np.ndarray  # region index of each funded pair
    pair_sector: np.ndarray  # sector index of each funded pair
    need: np.ndarray  # per pair
    benefit: np.ndarray  # per pair
    n_periods: int
    n_tranches: int

    @property
    def n_y(self) -> int:
        return len(self.pair_region) * self.n_periods * self.n_tranches

    def pair_columns(self, pairs: np.ndarray) -> np.ndarray:
        """All y columns of the given pairs."""
        width = self.n_periods * self.n_tranches
        return (pairs[:, None] * width + np.arange(width)[None, :]).ravel()


def layout(scenario: Scenario) -> Layout:
    regions = [r.id for r in scenario.regions]
    r_of = {r: i for i, r in enumerate(regions)}
    s_of = {s: j for j, s in enumerate(scenario.sectors)}
    rows = sorted(
        (r_of[n.region], s_of[n.sector], n.need, n.benefit) for n in scenario.needs if n.need > 0
    )
    arr = np.array(rows, dtype=float).reshape(-1, 4)
    return Layout(
        regions,
        arr[:, 0].astype(int),
        arr[:, 1].astype(int),
        arr[:, 2],
        arr[:, 3],
        len(scenario.periods),
        len(scenario.tranches),
    )


class Rows:
    """COO triplets and bounds, one block of rows at a time."""

    def __init__(self) -> None:
        self.r: list[np.ndarray] = []
        self.c: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.lo: list[np.ndarray] = []
        self.hi: list[np.ndarray] = []
        self.n = 0
        self.named: dict[
            tuple[object, ...], int
        ] = {}  # first row of a named block (MILP reference)

    def add(self, rows, cols, vals, lo, hi, name=None) -> None:  # type: ignore[no-untyped-def]
        if name is not None:
            self.named[name] = self.n
        self.r.append(np.asarray(rows, dtype=np.int64) + self.n)
        self.c.append(np.asarray(cols, dtype=np.int64))
        self.v.append(np.broadcast_to(np.asarray(vals, dtype=float), np.shape(cols)).ravel())
        lo, hi = np.atleast_1d(lo).astype(float), np.atleast_1d(hi).astype(float)
        self.lo.append(lo)
        self.hi.append(hi)
        self.n += len(lo)


def build_lp(scenario: Scenario) -> highspy.HighsLp:
    """The LP: maximize E subject to constraints 1–6 of the spec."""
    return build_lp_rows(scenario)[0]


def build_lp_rows(scenario: Scenario) -> tuple[highspy.HighsLp, dict[tuple[object, ...], int]]:
    """The LP and where its named rows are: ``("budget",)`` (T rows), ``("corridor", g, s)``,
    ``("share_min" | "share_max", r, s)``, ``("floor", r)``, ``("capacity", r)`` (T rows)."""
    lay = layout(scenario)
    n_pairs, T, K = len(lay.pair_region), lay.n_periods, lay.n_tranches
    n_cols = lay.n_y + T
    carry = lay.n_y + np.arange(T)
    p_idx, t_idx, k_idx = (
        a.ravel()
        for a in np.meshgrid(np.arange(n_pairs), np.arange(T), np.arange(K), indexing="ij")
    )
    y_cols = np.arange(lay.n_y)
    inf = highspy.kHighsInf
    region_by_id = {r.id: r for r in scenario.regions}
    profiles = [scenario.profile_of(region_by_id[r]) for r in lay.regions]
    rows = Rows()
    # 1. tranche: Σ_t y[p,t,k] ≤ need/K
    rows.add(p_idx * K + k_idx, y_cols, 1.0, np.full(n_pairs * K, -inf), np.repeat(lay.need / K, K))
    # 2. budget: Σ y[·,t,·] + c[t] − c[t−1] ≤ B[t]
    budget = np.array(scenario.budget_per_period(), dtype=float)
    rows.add(
        np.concatenate([t_idx, np.arange(T), np.arange(1, T)]),
        np.concatenate([y_cols, carry, carry[:-1]]),
        np.concatenate([np.ones(lay.n_y), np.ones(T), -np.ones(T - 1)]),
        np.full(T, -inf),
        budget,
        ("budget",),
    )
    # 3. corridor: Σ_{r∈g} Σ_{t,k} y ≤ (1 + τ) shared
    sector_of = {s: j for j, s in enumerate(scenario.sectors)}
    region_of = {r: i for i, r in enumerate(lay.regions)}
    for g, corridor in scenario.corridors.items():
        members = np.array([region_of[r] for r in corridor.regions])
        for s, shared in corridor.shared_need.items():
            pairs = np.flatnonzero(
                np.isin(lay.pair_region, members) & (lay.pair_sector == sector_of[s])
            )
            if pairs.size:
                cols = lay.pair_columns(pairs)
                rows.add(
                    np.zeros(cols.size),
                    cols,
                    1.0,
                    -inf,
                    (1 + scenario.redundancy_tolerance) * shared,
                    ("corridor", g, s),
                )
    # 4. shares, 5. floor, 6. capacity: per region over its contiguous pairs
    starts = np.searchsorted(lay.pair_region, np.arange(len(lay.regions)))
    ends = np.searchsorted(lay.pair_region, np.arange(len(lay.regions)), side="right")
    need_by_region = np.zeros(len(lay.regions))
    for n in scenario.needs:
        need_by_region[region_of[n.region]] += n.need
    cap_rows: list[np.ndarray] = []
    cap_cols: list[np.ndarray] = []
    cap_hi: list[float] = []
    for i, rid in enumerate(lay.regions):
        if starts[i] == ends[i]:
            continue
        pairs = np.arange(starts[i], ends[i])
        cols = lay.pair_columns(pairs)
        own_sector = np.repeat(lay.pair_sector[pairs], T * K)
        prof = profiles[i]
        for s, smin in prof.share_min.items():
            if smin != 0:
                row = (own_sector == sector_of[s]) - smin
                rows.add(np.zeros(cols.size), cols, row, 0.0, inf, ("share_min", rid, s))
        for s, smax in prof.share_max.items():
            if smax != 1:
                row = (own_sector == sector_of[s]) - smax
                rows.add(np.zeros(cols.size), cols, row, -inf, 0.0, ("share_max", rid, s))
        region = region_by_id[rid]
        if region.min_share_of_need > 0:
            floor = region.min_share_of_need * need_by_region[i]
            rows.add(np.zeros(cols.size), cols, 1.0, floor, inf, ("floor", rid))
        if region.max_per_period is not None:
            cols_t = cols.reshape(len(pairs), T, K).transpose(1, 0, 2).reshape(T, -1)
            rows.named[("capacity", rid)] = len(cap_hi)  # offset inside the capacity block
            cap_rows.append(np.repeat(np.arange(T) + len(cap_hi), cols_t.shape[1]))
            cap_cols.append(cols_t.ravel())
            cap_hi.extend([region.max_per_period] * T)
    if cap_hi:
        first_capacity = rows.n
        for key in [k for k in rows.named if k[0] == "capacity"]:
            rows.named[key] += first_capacity
        rows.add(
            np.concatenate(cap_rows),
            np.concatenate(cap_cols),
            1.0,
            np.full(len(cap_hi), -inf),
            np.array(cap_hi),
        )
    # objective E: d[t] · w · benefit · tranche[k]
    weights = np.array(
        [
            profiles[r].weight.get(scenario.sectors[s], 1.0)
            for r, s in zip(lay.pair_region, lay.pair_sector, strict=True)
        ]
    )
    d = (1 + scenario.discount_rate) ** -np.arange(T, dtype=float)
    tranche = np.array(scenario.tranches, dtype=float)
    cost = np.concatenate([(lay.benefit * weights)[p_idx] * d[t_idx] * tranche[k_idx], np.zeros(T)])
    a = sp.csc_matrix(
        (np.concatenate(rows.v), (np.concatenate(rows.r), np.concatenate(rows.c))),
        shape=(rows.n, n_cols),
    )
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_cols, rows.n
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(n_cols)
    upper = np.full(n_cols, inf)
    if not scenario.carry_over:
        upper[carry] = 0.0
    lp.col_upper_ = upper
    lp.row_lower_ = np.concatenate(rows.lo)
    lp.row_upper_ = np.concatenate(rows.hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data
    return lp, rows.named
