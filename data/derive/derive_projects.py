"""Candidate projects of a bundled scenario, and the recalibration their real costs call for.

Inputs (this folder): projects.csv (one row per project or provincial section, each with its source
or estimation method), project_groups.csv (competing alternatives, with the reason), and
assumptions.csv's ``project_value_factor``.

Method (shared/spec/projects.md; data/README.md explains it for readers):
  value[p]          = cost[p] * benefit[r,s] * project_value_factor   (r, s the project's pair)
  budget            = programme budget + sum of mandatory projects' costs (committed money on top)
  shared_need[g,s] += sum of mandatory projects' costs in the corridor's members and sector s
  max_per_period[r] += sum over the region's candidate projects of cost / duration
The programme keeps the room it had before the projects; optional projects compete with it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
SPEC_COLUMNS = [
    "id",
    "name",
    "region",
    "sector",
    "cost",
    "duration",
    "earliest",
    "latest",
    "value",
    "mandatory",
    "group",
    "requires",
]
ANNOTATIONS = ["name_zh", "status", "total_investment_cny_bn", "source", "source_year", "url", "method"]


def read_projects(regions: list[str]) -> pd.DataFrame:
    """The scenario's candidates: rows of its regions with no ``excluded_reason`` (a project that
    no plan could host, or one financed outside the regional budget, stays listed with its reason)."""
    table = pd.read_csv(HERE / "projects.csv", keep_default_na=False, na_values={"cost": [""]})
    table = table.replace("", pd.NA)
    kept = table["region"].isin(regions) & table["excluded_reason"].isna()
    return table[kept].drop(columns="excluded_reason").reset_index(drop=True)


def read_groups(projects: pd.DataFrame) -> pd.DataFrame:
    groups = pd.read_csv(HERE / "project_groups.csv")
    return groups[groups["group"].isin(set(projects["group"].dropna()))]


def with_values(projects: pd.DataFrame, needs: pd.DataFrame, factor: float) -> pd.DataFrame:
    benefit = needs.set_index(["region", "sector"])["benefit"]
    out = projects.copy()
    pairs = list(zip(out["region"], out["sector"], strict=True))
    out["value"] = [round(c * benefit[pair] * factor, 2) for c, pair in zip(out["cost"], pairs, strict=True)]
    return out


def committed(projects: pd.DataFrame) -> pd.DataFrame:
    return projects[projects["mandatory"].astype(bool)]


def raise_corridor_caps(
    shared: dict[tuple[str, str], float], members: dict[str, list[str]], projects: pd.DataFrame
) -> dict[tuple[str, str], float]:
    """shared_need[g,s] plus the mandatory projects' costs that the corridor's cap counts."""
    fixed = committed(projects)
    out = {}
    for (g, s), amount in shared.items():
        inside = fixed[fixed["region"].isin(members[g]) & (fixed["sector"] == s)]
        out[(g, s)] = round(amount + float(inside["cost"].sum()), 1)
    return out


def raise_capacities(regions: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """max_per_period[r] plus room for every candidate project's cash running at once."""
    cash = (projects["cost"] / projects["duration"]).groupby(projects["region"]).sum()
    out = regions.copy()
    out["max_per_period"] = (out["max_per_period"] + out["id"].map(cash).fillna(0.0)).round(1)
    return out


def scenario_table(projects: pd.DataFrame) -> pd.DataFrame:
    """The scenario's projects.csv: the spec's columns, then the annotations."""
    out = projects.copy()
    out["mandatory"] = out["mandatory"].map(lambda v: "true" if bool(v) else "false")
    for column in ("earliest", "latest", "source_year"):
        out[column] = out[column].astype("Int64")
    return out[SPEC_COLUMNS + ANNOTATIONS]


def groups_yaml(groups: pd.DataFrame) -> list[str]:
    if groups.empty:
        return []
    lines = ["project_groups:"]
    lines += [f"  {row.group}: {{max: {int(row.max)}}}" for row in groups.itertuples()]
    return lines
