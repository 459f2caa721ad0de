"""Candidate projects of a bundled scenario, and the recalibration their real costs call for.

Inputs (this folder): projects.csv (one row per project or provincial section, each with its source
or estimation method), project_groups.csv (competing alternatives, with the reason), and
assumptions.csv's ``project_value_factor``.

Method (shared/spec/projects.md; data/README.md explains it for readers):
  section[p]        = total_investment[p] * section_share[p]     (a sourced split, or an estimated one)
  a project under construction (construction_start and scheduled_completion given), over the
  horizon [2026-01-01, 2031-01-01) and years of 365.25 days:
    from[p]         = progress_date[p] if a dated investment-completed figure exists, else start[p]
    left[p]         = section[p] - invested[p] * section_share[p]  (invested = 0 without a figure)
    cost[p]         = left[p] * overlap([from, completion], horizon) / (completion - from)
    duration[p]     = ceil(overlap / 1 year), at least 1
  i.e. what remains at the latest dated figure is spent evenly up to the scheduled completion
  (the linear schedule from the start where no figure exists); the part after 2030 is left out.
  value[p]          = cost[p] * benefit[r,s] * project_value_factor   (r, s the project's pair)
  budget            = programme budget + sum of mandatory projects' costs (committed money on top)
  shared_need[g,s] += sum of mandatory projects' costs in the corridor's members and sector s
  max_per_period[r] += sum over the region's candidate projects of cost / duration
The programme keeps the room it had before the projects; optional projects compete with it.
"""

from __future__ import annotations

import math
from datetime import date
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
HORIZON = (date(2026, 1, 1), date(2031, 1, 1))  # 2026-2030, the scenario's periods
YEAR_DAYS = 365.25
ANNOTATIONS = [
    "name_zh",
    "status",
    "total_investment_cny_bn",
    "source",
    "source_year",
    "url",
    "method",
    "construction_start",
    "scheduled_completion",
    "progress_date",
    "invested_cny_bn",
    "section_share",
]


def read_projects(regions: list[str]) -> pd.DataFrame:
    """The scenario's candidates: rows of its regions with no ``excluded_reason`` (a project that
    no plan could host, or one financed outside the regional budget, stays listed with its reason)."""
    numeric = ("cost", "duration", "invested_cny_bn", "section_share")
    table = pd.read_csv(
        HERE / "projects.csv", keep_default_na=False, na_values={c: [""] for c in numeric}
    )
    table = table.replace("", pd.NA)
    table = with_scheduled_costs(table)
    kept = table["region"].isin(regions) & table["excluded_reason"].isna()
    return table[kept].drop(columns="excluded_reason").reset_index(drop=True)


def years_between(start: date, end: date) -> float:
    return (end - start).days / YEAR_DAYS


def scheduled_cost(row: pd.Series) -> tuple[float, int]:
    """(cost in 2026-2030 in CNY bn, duration in periods) of a project under construction: what is
    left at its latest dated investment-completed figure (or at its start) spent evenly up to its
    scheduled completion, counting only the part inside the horizon."""
    share = float(row["section_share"])
    completion = date.fromisoformat(row["scheduled_completion"])
    if pd.notna(row["progress_date"]):
        since = date.fromisoformat(row["progress_date"])
        left = float(row["total_investment_cny_bn"] - row["invested_cny_bn"]) * share
    else:
        since = date.fromisoformat(row["construction_start"])
        left = float(row["total_investment_cny_bn"]) * share
    inside = years_between(max(since, HORIZON[0]), min(completion, HORIZON[1]))
    if inside <= 0:
        return 0.0, 0
    cost = left * inside / years_between(since, completion)
    return round(cost, 2), max(1, math.ceil(inside - 1e-9))


def with_scheduled_costs(table: pd.DataFrame) -> pd.DataFrame:
    """Cost and duration of every project with a construction start and a scheduled completion,
    derived from its dates (the other rows keep the cost their method gives)."""
    out = table.copy()
    dated = out["construction_start"].notna() & out["scheduled_completion"].notna()
    for i in out.index[dated]:
        out.loc[i, ["cost", "duration"]] = scheduled_cost(out.loc[i])
    out["cost"] = out["cost"].astype(float)
    out["duration"] = out["duration"].astype(int)
    return out


def read_groups(projects: pd.DataFrame) -> pd.DataFrame:
    groups = pd.read_csv(HERE / "project_groups.csv")
    return groups[groups["group"].isin(set(projects["group"].dropna()))]


def with_values(projects: pd.DataFrame, needs: pd.DataFrame, factor: float) -> pd.DataFrame:
    benefit = needs.set_index(["region", "sector"])["benefit"]
    out = projects.copy()
    pairs = list(zip(out["region"], out["sector"], strict=True))
    out["value"] = [
        round(c * benefit[pair] * factor, 2) for c, pair in zip(out["cost"], pairs, strict=True)
    ]
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
