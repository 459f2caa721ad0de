"""Funding pools of a bundled scenario (shared/spec/funding.md): sources, rules and each region's debt room.

Inputs (this folder; every number used below lives in one of them):
  funding_figures.csv   national figures per year (CNY bn), each with its document and link, or marked
                        estimated with its method
  funding_pools.csv     the pools: which figure, less which figure, split over the west by which key
  funding_rules.csv     the share of a pair's money a source may pay, each with its document
  debt_limits.csv       a province's published debt limit and outstanding debt, where one was found
  ../provinces.csv      2020 census population and 2020 GDP: the keys that split national figures

Method (CNY bn over the whole horizon H = horizon_years; data/README.md explains it for readers):
  west pool[f]        = H * (figure - less_figure) * west share of the key     (split = west)
  province pool[f,r]  = H * (figure - less_figure) * r's share of the key       (split = province)
  own fiscal[r]       = H * own_fiscal_gdp_share * planning GDP[r]
  programme_share     = scenario budget / sum of all pools   (one factor for every pool)
  amount[f]           = programme_share * pool[f]   (rounded to 0.01 so that the amounts sum to the budget)
  debt_room[r]        = programme_share * (H * r's new debt quota (special + general, whole) + headroom[r])
  headroom[r]         = published debt limit - outstanding debt (debt_limits.csv), else 0
The pools' proportions are the sourced part; their level is the scenario's budget, so a scenario
with funding keeps the budget it had.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
SOURCE_COLUMNS = ["id", "name", "amount", "debt", "region"]
ANNOTATIONS = [
    "name_zh",
    "pool",  # the pool a provincial source belongs to (special_bonds for special_bonds_sichuan)
    "pool_cny_bn",
    "programme_share",
    "status",
    "figure_status",
    "document",
    "source_year",
    "url",
    "method",
]


def read_figures() -> pd.DataFrame:
    return pd.read_csv(HERE / "funding_figures.csv").set_index("figure")


def key_shares(prov: pd.DataFrame, key: str, west: list[str], planning_gdp: pd.Series) -> pd.Series:
    """Each western province's share of the national key (population or GDP), or its own planning GDP."""
    p = prov.set_index("id")
    if key == "planning_gdp":
        return planning_gdp.loc[west]
    column = {"population": "population", "gdp": "gdp"}[key]
    return p.loc[west, column].astype(float) / p[column].astype(float).sum()


def pool_rows(
    pools: pd.DataFrame,
    figures: pd.DataFrame,
    prov: pd.DataFrame,
    west: list[str],
    planning_gdp: pd.Series,
    h: float,
) -> pd.DataFrame:
    """One row per source: its pool over the horizon before the programme share, and how it was read."""
    names_zh = prov.set_index("id")["name_zh"]
    names = prov.set_index("id")["name"]
    rows = []
    for _, pool in pools.iterrows():
        fig = figures.loc[pool["figure"]]
        yearly = float(fig["value"])
        less = "" if pd.isna(pool["less_figure"]) else pool["less_figure"]
        if less:
            yearly -= float(figures.loc[less, "value"])
        shares = key_shares(prov, pool["key"], west, planning_gdp)
        if pool["key"] == "planning_gdp":
            method = f"{h:g} years x {yearly:g} x GDP per year"
        else:
            method = f"{h:g} years x {yearly:g} CNY bn per year"
        if less:
            method += f" ({pool['figure']} {float(fig['value']):g} less {less} {float(figures.loc[less, 'value']):g})"
        method += f"; {fig['method']}; split: {pool['key_note']}"
        targets = [("", shares.sum())] if pool["split"] == "west" else list(shares.items())
        for region, share in targets:
            sid = pool["pool"] if not region else f"{pool['pool']}_{region}"
            rows.append(
                {
                    "id": sid,
                    "name": pool["name"] if not region else f"{pool['name']}, {names[region]}",
                    "debt": str(bool(pool["debt"])).lower(),
                    "region": region,
                    "pool": pool["pool"],
                    "name_zh": pool["name_zh"]
                    if not region
                    else f"{names_zh[region]}{pool['name_zh']}",
                    "pool_cny_bn": h * yearly * share,
                    # every amount splits a national figure by a key and takes the programme share
                    "status": "estimated",
                    "figure_status": fig["status"],
                    "document": fig["document"],
                    "source_year": int(fig["year"]),
                    "url": "" if pd.isna(fig["url"]) else fig["url"],
                    "method": f"{method} = {share:.4f}"
                    if pool["key"] != "planning_gdp"
                    else f"{method} (GDP {share:.1f} CNY bn)",
                }
            )
    return pd.DataFrame(rows)


def rounded_to_total(values: pd.Series, total: float) -> pd.Series:
    """Values rounded to 0.01 whose sum is exactly ``total`` (largest remainders get the spare cents)."""
    cents = values / values.sum() * total * 100
    floor = cents.astype(float).apply(int)
    spare = int(round(total * 100)) - int(floor.sum())
    order = (cents - floor).sort_values(ascending=False).index[:spare]
    floor.loc[order] += 1
    return floor / 100


def debt_rooms(
    figures: pd.DataFrame,
    pools: pd.DataFrame,
    prov: pd.DataFrame,
    west: list[str],
    share: float,
    h: float,
) -> pd.DataFrame:
    """debt_room[r] = share * (H * whole new debt quota of r + published headroom of r), with its method."""
    limits = pd.read_csv(HERE / "debt_limits.csv").set_index("region")
    debt_pools = pools[pools["debt"].astype(bool)]
    rows = []
    for r in west:
        quota = 0.0
        for _, pool in debt_pools.iterrows():
            quota += (
                float(figures.loc[pool["figure"], "value"])
                * key_shares(prov, pool["key"], west, pd.Series())[r]
            )
        headroom = 0.0
        note = "no published debt limit and outstanding debt found: headroom taken as 0"
        if r in limits.index:
            lim = limits.loc[r]
            headroom = float(lim["limit_cny_bn"]) - float(lim["outstanding_cny_bn"])
            note = (
                f"headroom {headroom:.2f} = limit {lim['limit_cny_bn']} - outstanding {lim['outstanding_cny_bn']} "
                f"at {lim['as_of']} ({lim['document']})"
            )
        rows.append(
            {
                "region": r,
                "quota_cny_bn_per_year": round(quota, 2),
                "headroom_cny_bn": round(headroom, 2),
                "debt_room": round(share * (h * quota + headroom), 2),
                "status": "estimated",
                "method": (
                    f"programme share {share:.4f} x ({h:g} years x new debt quota {quota:.2f} per year "
                    f"(special-purpose and general bonds, national quotas split by GDP share) + headroom); {note}"
                ),
            }
        )
    return pd.DataFrame(rows)


def build(
    regions: pd.DataFrame,
    prov: pd.DataFrame,
    planning_gdp: pd.Series,
    budget: float,
    h: float,
    folder: Path,
) -> pd.DataFrame:
    """Write ``folder``/{sources,rules}.csv (folder: the scenario's funding folder) and
    derivation_funding_<scenario>.csv here; return the regions table with its ``debt_room`` column."""
    figures, pools = read_figures(), pd.read_csv(HERE / "funding_pools.csv")
    planning_gdp = pd.Series(planning_gdp.to_numpy(), index=prov["id"])  # CNY bn, 2024 level
    west = list(regions["id"])
    sources = pool_rows(pools, figures, prov, west, planning_gdp, h)
    share = budget / sources["pool_cny_bn"].sum()
    sources["amount"] = rounded_to_total(sources["pool_cny_bn"], budget)
    sources["programme_share"] = round(share, 4)
    sources["pool_cny_bn"] = sources["pool_cny_bn"].round(1)
    rooms = debt_rooms(figures, pools, prov, west, share, h)

    folder.mkdir(exist_ok=True)
    sources[SOURCE_COLUMNS + ANNOTATIONS].to_csv(folder / "sources.csv", index=False)
    rules = pd.read_csv(HERE / "funding_rules.csv", dtype=str)
    rules.to_csv(folder / "rules.csv", index=False)
    rooms.to_csv(HERE / f"derivation_funding_{folder.parent.name}.csv", index=False)
    print(
        f"   funding: {len(sources)} sources, pools {sources.pool_cny_bn.sum():.0f} CNY bn, "
        f"programme share {share:.4f}, amounts {sources.amount.sum():.2f}, {len(rules)} rules"
    )
    return regions.merge(
        rooms[["region", "debt_room"]].rename(columns={"region": "id"}), on="id", how="left"
    )
