"""The efficiency-mode LP of a Scenario in linopy (the fastest Python modelling peer), solved with
HiGHS through linopy's direct API.

Written from ``../shared/spec/model.md`` in linopy's own array style; a benchmark reference only.
"""

from __future__ import annotations

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from bench.reference_highspy import layout
from planner.scenario.model import Scenario


def build_model(scenario: Scenario) -> linopy.Model:
    lay = layout(scenario)
    n_pairs, T, K = len(lay.pair_region), lay.n_periods, lay.n_tranches
    pair = pd.RangeIndex(n_pairs, name="pair")
    period = pd.RangeIndex(T, name="period")
    tranche = pd.RangeIndex(K, name="tranche")
    m = linopy.Model()
    y = m.add_variables(lower=0, coords=[pair, period, tranche], name="y")
    carry_upper = np.inf if scenario.carry_over else 0.0
    carry = m.add_variables(lower=0, upper=carry_upper, coords=[period], name="carry")
    region_of_pair = xr.DataArray(lay.pair_region, coords=[pair], name="region")
    # 1. tranche
    q = xr.DataArray(lay.need / K, coords=[pair])
    m.add_constraints(y.sum("period") <= q, name="tranche")
    # 2. budget
    budget = xr.DataArray(np.array(scenario.budget_per_period(), dtype=float), coords=[period])
    m.add_constraints(
        y.sum(["pair", "tranche"]) + carry - carry.shift(period=1).fillna(0) <= budget,
        name="budget",
    )
    pair_total = y.sum(["period", "tranche"])
    region_total = pair_total.groupby(region_of_pair).sum()
    region_by_id = {r.id: r for r in scenario.regions}
    regions_with_pairs = np.unique(lay.pair_region)
    # 3. corridor: one row per (corridor, sector); pairs grouped by row label in disjoint layers
    _corridors(m, scenario, lay, pair_total, pair)
    # 4. shares
    _shares(m, scenario, lay, pair_total, region_total, regions_with_pairs)
    # 5. floor
    need_by_region = np.zeros(len(lay.regions))
    for n in scenario.needs:
        need_by_region[lay.regions.index(n.region)] += n.need
    floors = [i for i in regions_with_pairs if region_by_id[lay.regions[i]].min_share_of_need > 0]
    if floors:
        rhs = xr.DataArray(
            [region_by_id[lay.regions[i]].min_share_of_need * need_by_region[i] for i in floors],
            coords=[pd.Index(floors, name="region")],
        )
        m.add_constraints(region_total.sel(region=floors) >= rhs, name="floor")
    # 6. capacity
    capped = [
        i for i in regions_with_pairs if region_by_id[lay.regions[i]].max_per_period is not None
    ]
    if capped:
        per_period = y.sum("tranche").groupby(region_of_pair).sum()
        cap = xr.DataArray(
            [region_by_id[lay.regions[i]].max_per_period for i in capped],
            coords=[pd.Index(capped, name="region")],
        )
        m.add_constraints(per_period.sel(region=capped) <= cap, name="capacity")
    # objective E
    profiles = [scenario.profile_of(region_by_id[r]) for r in lay.regions]
    weight = np.array(
        [
            profiles[r].weight.get(scenario.sectors[s], 1.0)
            for r, s in zip(lay.pair_region, lay.pair_sector, strict=True)
        ]
    )
    value = (
        xr.DataArray(lay.benefit * weight, coords=[pair])
        * xr.DataArray((1 + scenario.discount_rate) ** -np.arange(T, dtype=float), coords=[period])
        * xr.DataArray(np.array(scenario.tranches, dtype=float), coords=[tranche])
    )
    m.add_objective((value * y).sum(), sense="max")
    return m


def _corridors(m, scenario, lay, pair_total, pair):  # type: ignore[no-untyped-def]
    sector_of = {s: j for j, s in enumerate(scenario.sectors)}
    region_of = {r: i for i, r in enumerate(lay.regions)}
    layers: list[np.ndarray] = []
    caps: list[float] = []
    for corridor in scenario.corridors.values():
        members = [region_of[r] for r in corridor.regions]
        for s, shared in corridor.shared_need.items():
            mask = np.isin(lay.pair_region, members) & (lay.pair_sector == sector_of[s])
            if not mask.any():
                continue
            row = len(caps)
            caps.append((1 + scenario.redundancy_tolerance) * shared)
            for layer in layers:  # first layer where these pairs are still free
                if (layer[mask] < 0).all():
                    layer[mask] = row
                    break
            else:
                layer = np.full(len(lay.pair_region), -1)
                layer[mask] = row
                layers.append(layer)
    for n, layer in enumerate(layers):
        keep = np.flatnonzero(layer >= 0)
        label = xr.DataArray(layer[keep], coords=[pair[keep]], name="corridor")
        lhs = pair_total.sel(pair=keep).groupby(label).sum()
        rows = np.unique(layer[keep])
        cap = xr.DataArray(np.array(caps)[rows], coords=[pd.Index(rows, name="corridor")])
        m.add_constraints(lhs <= cap, name=f"corridor{n}")


def _shares(m, scenario, lay, pair_total, region_total, regions_with_pairs):  # type: ignore[no-untyped-def]
    sector_of = {s: j for j, s in enumerate(scenario.sectors)}
    region_by_id = {r.id: r for r in scenario.regions}
    own_pair = {
        (r, s): p for p, (r, s) in enumerate(zip(lay.pair_region, lay.pair_sector, strict=True))
    }
    for which, default, sign in (("share_min", 0.0, ">="), ("share_max", 1.0, "<=")):
        regions, pairs, shares, empty_regions, empty_shares = [], [], [], [], []
        for i in regions_with_pairs:
            table = getattr(scenario.profile_of(region_by_id[lay.regions[i]]), which)
            for s, share in table.items():
                if share == default:
                    continue
                p = own_pair.get((i, sector_of[s]))
                if p is None:  # the sector has no need in this region: own share is 0
                    empty_regions.append(i)
                    empty_shares.append(share)
                else:
                    regions.append(i)
                    pairs.append(p)
                    shares.append(share)
        if regions:
            row = pd.RangeIndex(len(regions), name=f"{which}_row")
            own = pair_total.sel(pair=xr.DataArray(pairs, dims=row.name)).drop_vars("pair")
            total = region_total.sel(region=xr.DataArray(regions, dims=row.name)).drop_vars(
                "region"
            )
            lhs = own - xr.DataArray(shares, dims=row.name) * total
            m.add_constraints(lhs, sign, 0, name=which)
        if empty_regions:
            row = pd.RangeIndex(len(empty_regions), name=f"{which}_empty_row")
            total = region_total.sel(region=xr.DataArray(empty_regions, dims=row.name)).drop_vars(
                "region"
            )
            m.add_constraints(
                -xr.DataArray(empty_shares, dims=row.name) * total, sign, 0, name=f"{which}_empty"
            )
