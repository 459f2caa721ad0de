"""Score every (province, sector) on the bundled scenarios' criteria (planner's criteria.md).

Inputs: criteria.csv (keys, labels, weights and their rationale), assumptions.csv (growth_income_
elasticity, ecology_*), and the factors derive_needs.py computes from the sourced indicators.

  relief  = benefit_base[s] * income_factor * gap[s] ** benefit_gap_elasticity   (the former benefit)
  growth  = benefit_base[s] * (provincial / national GDP per resident) ** growth_income_elasticity
  people  = population / the province's five-year total need   (residents per CNY bn)
  ecology = water: ecology_water_<role> * water scarcity index; power: ecology_power_ecological in
            an ecological-profile province; else 0   (role: the province's profile in the scenario)

The planner derives benefit[r,s] = sum_c weight[c] * score_c[r,s] / max_c; derived_benefit() repeats
that formula here only so that project values (derive_projects.py) can read the pair's benefit.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
ECOLOGICAL = "ecological"


def read_criteria() -> pd.DataFrame:
    return pd.read_csv(HERE / "criteria.csv")


def scenario_independent_scores(table: pd.DataFrame, a: dict[str, float]) -> pd.DataFrame:
    """relief, growth and people for every row of derive_needs.derive_table's output."""
    out = table.rename(columns={"benefit": "relief"})  # derive_table's benefit is the relief score
    base = out["sector"].map(lambda s: a[f"benefit_base_{s}"])
    provinces = out.drop_duplicates("region")
    national = provinces["gdp_cny_bn"].sum() / provinces["population"].sum()
    income_ratio = out["gdp_cny_bn"] / out["population"] / national
    out["growth"] = (base * income_ratio ** a["growth_income_elasticity"]).round(4)
    total_need = out.groupby("region")["need"].transform("sum")
    out["people"] = (out["population"] / total_need / 1e6).round(4)  # million residents per CNY bn
    return out


def ecology_scores(needs: pd.DataFrame, profile_of: dict[str, str], a: dict[str, float]) -> pd.Series:
    """The ecological gain of each row, from its province's profile in the scenario."""

    def score(row: pd.Series) -> float:
        ecological = profile_of[row["region"]] == ECOLOGICAL
        if row["sector"] == "water":
            role = "ecological" if ecological else "other"
            return a[f"ecology_water_{role}"] * row["gap_index"]
        if row["sector"] == "power" and ecological:
            return a["ecology_power_ecological"]
        return 0.0

    return needs.apply(score, axis=1).round(4)


def derived_benefit(needs: pd.DataFrame, criteria: pd.DataFrame) -> pd.Series:
    """sum_c weight[c] * score_c / max_c (max over the rows with need > 0), rounded like a benefit."""
    funded = needs[needs["need"] > 0]
    total = pd.Series(0.0, index=needs.index)
    for c in criteria.itertuples():
        top = funded[c.criterion].max()
        if top > 0:
            total += c.weight * needs[c.criterion] / top
    return total


def criteria_yaml(criteria: pd.DataFrame) -> list[str]:
    lines = ["criteria:"]
    for c in criteria.itertuples():
        lines.append(f'  {c.criterion}: {{weight: {c.weight:g}, label: "{c.label}"}}')
    return lines
