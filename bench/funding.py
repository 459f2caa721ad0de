"""Funding sources (funding.md) on the medium synthetic size: planner against raw highspy, and an
amount re-solve against a rebuild.

    python -m bench.funding [--size medium] [--points 3]

The scenario is ``planner.scenario.synthetic``'s (300 regions × 6 sectors × 5 periods at medium) with
its budget split into 8 national sources (3 of them debt) and an own-fiscal source per region, rules
on 40 (source, region, sector) keys and a debt room on every other region: made-up benchmark
figures, not data. Prints:

- planner's total (build, hand-over, both solves, tables read) against raw highspy building the same
  two LPs (the optimum, then the least debt at it) from the spec with numpy and solving them; goal
  ≤ 1.3× raw. Both must reach the same E (relative 1e-6) and the same least debt, or exit status 1;
- a source-amount change re-solved on the live model against a rebuild; goal ≥ 5×.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from typing import Any

import highspy
import numpy as np
import scipy.sparse as sp

import planner
from bench.reference_highspy import build_lp_rows, layout
from bench.run import SIZES, quiet_highs
from planner.scenario.model import Scenario, validate_scenario
from planner.scenario.synthetic import synthetic_scenario

RAW_GOAL, RESOLVE_GOAL = 1.3, 5.0
NATIONAL, DEBT, RULE_KEYS = 8, 3, 40
HOLD = 1e-7  # funding.md's least-debt hold on the objective


def funded_scenario(size: str, seed: int = 0) -> Scenario:
    """The synthetic scenario with its budget split into pools (see the module docstring)."""
    base = synthetic_scenario(*SIZES[size], seed=seed)
    rng = np.random.default_rng(seed)
    total = base.total_budget()
    need = {r.id: 0.0 for r in base.regions}
    for n in base.needs:
        need[n.region] += n.need
    all_need = sum(need.values())
    national = rng.dirichlet(np.ones(NATIONAL)) * 0.7 * total
    sources = [
        {"id": f"n{i}", "amount": float(a), "debt": i < DEBT} for i, a in enumerate(national)
    ]
    sources += [
        {"id": f"own_{r}", "amount": 0.3 * total * need[r] / all_need, "region": r} for r in need
    ]
    regions, sectors = [r.id for r in base.regions], list(base.sectors)
    keys: set[tuple[str, Any, Any]] = set()
    while len(keys) < RULE_KEYS:
        f = f"n{rng.integers(NATIONAL)}"
        kind = rng.integers(3)
        region = regions[rng.integers(len(regions))] if kind != 1 else None
        sector = sectors[rng.integers(len(sectors))] if kind != 0 else None
        keys.add((f, region, sector))
    rules = [
        {
            "source": f,
            "region": r,
            "sector": s,
            "max_share": float(rng.choice([0.0, 0.3, 0.5, 0.8])),
        }
        for f, r, s in sorted(keys, key=str)
    ]
    data = base.model_dump()
    data.pop("budget")
    for i, row in enumerate(data["regions"]):
        if i % 2 == 0:
            row["debt_room"] = 0.3 * need[row["id"]]
    data["funding"] = {"sources": sources, "rules": rules}
    data["name"] = f"funded synthetic {size}"
    return validate_scenario(data)


# ---- raw highspy: funding.md's two LPs from numpy arrays ----


def _shares(scenario: Scenario, lay: Any) -> dict[tuple[int, int], float]:
    """(source index, pair index) → share, for the pairs a source may fund (share > 0)."""
    assert scenario.funding is not None
    rules = {(x.source, x.region, x.sector): x.max_share for x in scenario.funding.rules}
    found = {}
    for i, f in enumerate(scenario.funding.sources):
        for p, (r, s) in enumerate(zip(lay.pair_region, lay.pair_sector, strict=True)):
            region, sector = lay.regions[r], scenario.sectors[s]
            if f.region is not None and f.region != region:
                continue
            share = 1.0
            for key in ((f.id, region, sector), (f.id, region, None), (f.id, None, sector)):
                if key in rules:
                    share = rules[key]
                    break
            else:
                share = rules.get((f.id, None, None), 1.0)
            if share > 0:
                found[(i, p)] = share
    return found


def build_raw(scenario: Scenario) -> tuple[highspy.HighsLp, np.ndarray]:
    """The first LP (maximize E under constraints 1, 3–6 and F1–F4) and the debt columns' mask."""
    assert scenario.funding is not None
    base, named = build_lp_rows(scenario)
    lay = layout(scenario)
    T, K = lay.n_periods, lay.n_tranches
    n_pairs = len(lay.pair_region)
    a = sp.csc_matrix(
        (base.a_matrix_.value_, base.a_matrix_.index_, base.a_matrix_.start_),
        shape=(base.num_row_, base.num_col_),
    ).tocsr()
    first_budget = named[("budget",)]
    keep = np.r_[0:first_budget, first_budget + T : base.num_row_]  # F2 replaces the budget rows
    a = a[keep]
    lo, hi = np.asarray(base.row_lower_)[keep], np.asarray(base.row_upper_)[keep]
    sources = scenario.funding.sources
    amounts = np.array([scenario.source_amounts()[f.id] for f in sources])
    share = _shares(scenario, lay)
    fp = np.array(sorted(share), dtype=np.int64).reshape(-1, 2)  # (source, pair), pair-major later
    n0 = base.num_col_
    n_g = len(fp) * T
    g_f, g_p = np.repeat(fp[:, 0], T), np.repeat(fp[:, 1], T)
    g_t = np.tile(np.arange(T), len(fp))
    g_col = n0 + np.arange(n_g)
    e_col = n0 + n_g + np.arange(len(sources) * T)
    n_cols = n0 + n_g + len(sources) * T
    inf = highspy.kHighsInf
    blocks_r, blocks_c, blocks_v, blocks_lo, blocks_hi = [], [], [], [], []
    n_rows = a.shape[0]

    def add(r: np.ndarray, c: np.ndarray, v: Any, lower: np.ndarray, upper: np.ndarray) -> None:
        nonlocal n_rows
        blocks_r.append(r + n_rows)
        blocks_c.append(c)
        blocks_v.append(np.broadcast_to(np.asarray(v, dtype=float), c.shape))
        blocks_lo.append(lower)
        blocks_hi.append(upper)
        n_rows += len(lower)

    # F1: Σ_f g[p,t,f] − Σ_k y[p,t,k] = 0, one row per (pair, period)
    y_rows = np.repeat(np.arange(n_pairs * T), K)
    add(
        np.concatenate([g_p * T + g_t, y_rows]),
        np.concatenate([g_col, np.arange(lay.n_y)]),
        np.concatenate([np.ones(n_g), -np.ones(lay.n_y)]),
        np.zeros(n_pairs * T),
        np.zeros(n_pairs * T),
    )
    # F2: Σ_p g[p,t,f] + e[f,t] − e[f,t−1] ≤ A[f,t]
    n_f = len(sources)
    e_f, e_t = np.repeat(np.arange(n_f), T), np.tile(np.arange(T), n_f)
    later = e_t > 0
    add(
        np.concatenate([g_f * T + g_t, e_f * T + e_t, (e_f * T + e_t)[later]]),
        np.concatenate([g_col, e_col, (e_col - 1)[later]]),
        np.concatenate([np.ones(n_g), np.ones(n_f * T), -np.ones(int(later.sum()))]),
        np.full(n_f * T, -inf),
        amounts.ravel(),
    )
    # F3: Σ_t g[p,t,f] − share · Σ_{t,k} y[p,t,k] ≤ 0 where share < 1
    capped = [(f, p, s) for (f, p), s in share.items() if s < 1]
    if capped:
        position = {(f, p): i for i, (f, p) in enumerate(map(tuple, fp))}
        rows_g, cols_g, rows_y, cols_y, vals_y = [], [], [], [], []
        for i, (f, p, s) in enumerate(capped):
            j = position[(f, p)]
            rows_g.append(np.full(T, i))
            cols_g.append(g_col[j * T : (j + 1) * T])
            ys = lay.pair_columns(np.array([p]))
            rows_y.append(np.full(ys.size, i))
            cols_y.append(ys)
            vals_y.append(np.full(ys.size, -s))
        add(
            np.concatenate(rows_g + rows_y),
            np.concatenate(cols_g + cols_y),
            np.concatenate([np.ones(T * len(capped)), *vals_y]),
            np.full(len(capped), -inf),
            np.zeros(len(capped)),
        )
    # F4: Σ_{f ∈ D} Σ g of a region ≤ debt_room
    debt_source = np.array([f.debt for f in sources])
    is_debt = debt_source[g_f]
    room = {i: r.debt_room for i, r in enumerate(scenario.regions) if r.debt_room is not None}
    region_of_g = lay.pair_region[g_p]
    with_room = np.array(sorted(room), dtype=np.int64)
    take = is_debt & np.isin(region_of_g, with_room)
    row_of_region = {r: i for i, r in enumerate(with_room)}
    add(
        np.array([row_of_region[r] for r in region_of_g[take]], dtype=np.int64),
        g_col[take],
        1.0,
        np.full(len(with_room), -inf),
        np.array([room[r] for r in with_room], dtype=float),
    )
    extra = sp.csr_matrix(
        (
            np.concatenate(blocks_v),
            (np.concatenate(blocks_r) - a.shape[0], np.concatenate(blocks_c)),
        ),
        shape=(n_rows - a.shape[0], n_cols),
    )
    a = sp.hstack([a, sp.csr_matrix((a.shape[0], n_cols - n0))]).tocsr()
    full = sp.vstack([a, extra]).tocsc()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_cols, full.shape[0]
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = np.concatenate([np.asarray(base.col_cost_), np.zeros(n_cols - n0)])
    lp.col_lower_ = np.zeros(n_cols)
    upper = np.full(n_cols, inf)
    upper[n0 - T : n0] = 0.0  # model.md's carry columns: F2's e replace them
    if not scenario.carry_over:
        upper[e_col] = 0.0
    lp.col_upper_ = upper
    lp.row_lower_ = np.concatenate([lo, *blocks_lo])
    lp.row_upper_ = np.concatenate([hi, *blocks_hi])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = full.indptr.astype(np.int32)
    lp.a_matrix_.index_ = full.indices.astype(np.int32)
    lp.a_matrix_.value_ = full.data
    debt = np.zeros(n_cols, dtype=bool)
    debt[g_col[is_debt]] = True
    return lp, debt


def run_raw(scenario: Scenario, algorithm: str) -> dict[str, float]:
    """Build both LPs, solve the optimum, then the least debt at it; the solution read back."""
    started = time.perf_counter()
    lp, debt = build_raw(scenario)
    h = quiet_highs()
    h.setOptionValue("solver", algorithm)
    h.passModel(lp)
    h.run()
    cost = np.asarray(lp.col_cost_)
    x = np.asarray(h.getSolution().col_value)
    optimum = float(cost @ x)
    h.setOptionValue("solver", "choose")  # the second solve warm-starts, as the planner's does
    idx = np.flatnonzero(cost).astype(np.int32)
    h.addRow(optimum - HOLD * max(1.0, abs(optimum)), highspy.kHighsInf, idx.size, idx, cost[idx])
    h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), -debt.astype(float))
    h.run()
    x = np.asarray(h.getSolution().col_value)
    return {
        "total_s": time.perf_counter() - started,
        "E": optimum,
        "debt": float(x[debt].sum()),
    }


def run_planner(scenario: Scenario) -> dict[str, float]:
    started = time.perf_counter()
    live = planner.PlanModel(scenario)
    plan = live.solve()
    for table in ("allocation", "funding", "sources", "debt", "constraints"):
        getattr(plan, table)  # read back in full, as the raw run reads its solution
    return {
        "total_s": time.perf_counter() - started,
        "build_s": plan.timings["build_s"],
        "handover_s": plan.timings["handover_s"],
        "solve_s": plan.timings["solve_s"],
        "E": float(plan.E or 0.0),
        "debt": float(plan.debt["drawn"].sum()),
    }


def resolve_against_rebuild(scenario: Scenario, points: int) -> tuple[float, float]:
    """Seconds to re-solve the live model after ``points`` amount changes of the largest national
    source, and to rebuild for each; exit 1 if any E differs."""
    assert scenario.funding is not None
    source = max(scenario.funding.sources[:NATIONAL], key=lambda f: float(np.sum(f.amount)))
    amounts = [float(np.sum(source.amount)) * f for f in np.linspace(0.8, 1.2, points)]
    live = planner.PlanModel(scenario)
    live.solve()
    gc.collect()  # garbage of what ran before is not the re-solves' (as bench/run.py, between repeats)
    started = time.perf_counter()
    warm = [live.solve(funding={source.id: a}).E for a in amounts]
    live_s = time.perf_counter() - started
    gc.collect()
    started = time.perf_counter()
    cold = [planner.solve(scenario, funding={source.id: a}).E for a in amounts]
    rebuild_s = time.perf_counter() - started
    for w, c in zip(warm, cold, strict=True):
        if abs((w or 0) - (c or 0)) > 1e-6 * max(1.0, abs(c or 0)):
            print(f"re-solve E {w} differs from rebuild E {c}", file=sys.stderr)
            sys.exit(1)
    return live_s, rebuild_s


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="medium", choices=sorted(SIZES))
    parser.add_argument("--points", type=int, default=3)
    args = parser.parse_args(argv)
    run_planner(funded_scenario("small"))  # warm-up: imports and first calls are not timed
    scenario = funded_scenario(args.size)
    from bench.run import algorithm_for

    raw = run_raw(scenario, algorithm_for(scenario))
    ours = run_planner(scenario)
    ratio = ours["total_s"] / raw["total_s"]
    print(
        f"{scenario.name}: {len(scenario.funding.sources)} sources, "  # type: ignore[union-attr]
        f"{len(scenario.funding.rules)} rules\n"  # type: ignore[union-attr]
        f"  raw highspy  {raw['total_s']:.3f} s (two LPs built and solved)\n"
        f"  planner      {ours['total_s']:.3f} s (build {ours['build_s']:.3f}, hand-over "
        f"{ours['handover_s']:.3f}, solves {ours['solve_s']:.3f})  {ratio:.2f}x raw "
        f"(goal ≤ {RAW_GOAL:g}x)"
    )
    scale = max(1.0, abs(raw["E"]))
    if abs(ours["E"] - raw["E"]) > 1e-6 * scale:
        print(f"E differs: planner {ours['E']} raw {raw['E']}", file=sys.stderr)
        return 1
    if abs(ours["debt"] - raw["debt"]) > 1e-4 * max(1.0, raw["debt"]):
        print(f"least debt differs: planner {ours['debt']} raw {raw['debt']}", file=sys.stderr)
        return 1
    live_s, rebuild_s = resolve_against_rebuild(scenario, args.points)
    print(
        f"  amount re-solve {live_s:.3f} s, rebuild {rebuild_s:.3f} s over {args.points} "
        f"amounts: {rebuild_s / live_s:.1f}x (goal ≥ {RESOLVE_GOAL:g}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
