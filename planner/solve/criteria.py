"""What the criteria say about a plan (criteria.md, "Results"): each pair's benefit with each
criterion's part of it, and each criterion's part of the programme's benefit E.

The programme's E splits by pair: E[r,s] = Σ_{t,k} d[t] · w[p(r),s] · benefit[r,s] · tranches[k] ·
y[r,s,t,k]; since benefit[r,s] = Σ_c part_c[r,s], criterion c's part of E is
Σ_{r,s} E[r,s] · part_c[r,s] / benefit[r,s], and the parts add up to the programme's E. Projects'
values are not derived from criteria and stay outside this split.
"""

from __future__ import annotations

import math

import pandas as pd

from planner.scenario.model import Scenario
from planner.solve.plan import BENEFIT_COLUMNS, CRITERIA_COLUMNS


def benefit_table(scenario: Scenario) -> pd.DataFrame:
    """One row per pair of ``needs``: ``region, sector, benefit`` and, with criteria, one column per
    criterion key holding that criterion's part of the benefit (the parts add up to ``benefit``)."""
    benefits = scenario.derived_benefits()
    parts = scenario.benefit_parts()
    keys = list(scenario.criteria or {})
    rows = [
        [r, s, benefit, *(parts[(r, s)][c] for c in keys)] for (r, s), benefit in benefits.items()
    ]
    return pd.DataFrame(rows, columns=[*BENEFIT_COLUMNS, *keys])


def criteria_table(scenario: Scenario, pair_benefit: dict[tuple[str, str], float]) -> pd.DataFrame:
    """One row per criterion: ``criterion, label, weight, E`` (its part of the programme's E), from
    the programme's E per pair; empty without criteria."""
    if not scenario.criteria:
        return pd.DataFrame(columns=CRITERIA_COLUMNS)
    parts = scenario.benefit_parts()
    benefits = scenario.derived_benefits()
    rows = []
    for key, criterion in scenario.criteria.items():
        share = math.fsum(
            e * parts[pair][key] / benefits[pair]
            for pair, e in pair_benefit.items()
            if benefits[pair] > 0
        )
        rows.append([key, scenario.criterion_label(key), criterion.weight, share])
    return pd.DataFrame(rows, columns=CRITERIA_COLUMNS)
