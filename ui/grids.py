"""Needs and benefits as region × sector grids a planner edits, and those grids back into needs rows.

A blank need cell means the region has no need in that sector (the row is dropped); a benefit with no
need, or a need with no benefit, is a problem named by grid, row (as numbered on the page) and sector.
Annotations of a need row (``source``, ``note``) stay with it while its figures change.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from planner import Scenario
from planner.errors import Problem

NEEDS_GRID = "Needs grid"
BENEFITS_GRID = "Benefits grid"


def grid(scenario: Scenario, field: str) -> pd.DataFrame:
    """One row per region (column ``region``), one column per sector; blank where there is no need."""
    table = scenario.need_table()
    rows = [
        {"region": r.id, **{s: _value(table, r.id, s, field) for s in scenario.sectors}}
        for r in scenario.regions
    ]
    return pd.DataFrame(rows, columns=["region", *scenario.sectors]).astype(
        {s: float for s in scenario.sectors}
    )


def _value(table: dict[tuple[str, str], Any], region: str, sector: str, field: str) -> float | None:
    need = table.get((region, sector))
    return getattr(need, field) if need is not None else None


def apply_grids(
    data: dict[str, Any], needs: pd.DataFrame, benefits: pd.DataFrame | None
) -> tuple[list[tuple[int, str]], list[Problem]]:
    """Rebuild ``data["needs"]`` from the grids; returns each need's (page row, sector) and problems.

    ``benefits`` is None for a scenario with criteria: its benefits are derived from the scores,
    which each need row keeps (a new need scores 0 on every criterion)."""
    old = {(n["region"], n["sector"]): n for n in data["needs"]}
    included = {r["id"] for r in data["regions"]}
    sectors = [c for c in needs.columns if c != "region"]
    cells: dict[tuple[str, str], tuple[int, float, float | None]] = {}
    problems: list[Problem] = []
    benefit_rows = benefits.to_dict(orient="records") if benefits is not None else None
    for number, need_row in enumerate(needs.to_dict(orient="records"), start=1):
        region = need_row["region"]
        if region not in included:
            continue
        benefit_row = benefit_rows[number - 1] if benefit_rows is not None else None
        for sector in sectors:
            need = number_or_none(need_row.get(sector))
            benefit = number_or_none(benefit_row.get(sector)) if benefit_row is not None else None
            if need is not None and (benefit is not None or benefit_row is None):
                cells[(region, sector)] = (number, need, benefit)
            elif need is not None or benefit is not None:
                grid_name, missing = (
                    (NEEDS_GRID, "need") if need is None else (BENEFITS_GRID, "benefit")
                )
                problems.append(
                    Problem(
                        f"give a {missing} too, or clear both",
                        file=grid_name,
                        row=number,
                        field=sector,
                    )
                )
    # the needs keep their order (so an untouched grid gives back the same scenario); new ones follow
    order = [key for key in old if key in cells] + [key for key in cells if key not in old]
    data["needs"] = [
        {
            **old.get(key, {"region": key[0], "sector": key[1]}),
            "need": cells[key][1],
            **({"benefit": cells[key][2]} if benefits is not None else {}),
        }
        for key in order
    ]
    return [(cells[key][0], key[1]) for key in order], problems


def locate(problem: Problem, places: list[tuple[int, str]]) -> Problem | None:
    """A needs-row problem at its grid cell; None when the problem is not about a need row."""
    loc = problem.loc
    if len(loc) >= 3 and loc[0] == "needs" and isinstance(loc[1], int) and loc[1] < len(places):
        row, sector = places[loc[1]]
        grid_name = BENEFITS_GRID if loc[2] == "benefit" else NEEDS_GRID
        return problem.at(file=grid_name, row=row, field=sector)
    return None


def number_or_none(value: Any) -> float | None:
    """An edited cell as a number, None where it is blank, not a number or NaN."""
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number
