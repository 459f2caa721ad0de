"""Needs and benefits as region × sector grids a planner edits, and those grids back into needs rows.

A blank need cell means the region has no need in that sector (the row is dropped); a benefit with no
need, or a need with no benefit, is a problem named by grid, row (as numbered on the page) and sector.
Annotations of a need row (``source``, ``note``) stay with it while its figures change. With criteria
(criteria.md) the benefit is derived from the scores: its grid is shown, not read, and a need row keeps
its scores (a new one scores 0 on every criterion, as a blank score does).
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
    """One row per region (column ``region``), one column per sector; blank where there is no need.
    With criteria, the ``benefit`` grid holds the derived benefit."""
    table: dict[tuple[str, str], Any] = scenario.need_table()
    if field == "benefit" and scenario.criteria:
        table = {pair: _Derived(b) for pair, b in scenario.derived_benefits().items()}
    rows = [
        {"region": r.id, **{s: _value(table, r.id, s, field) for s in scenario.sectors}}
        for r in scenario.regions
    ]
    return pd.DataFrame(rows, columns=["region", *scenario.sectors]).astype(
        {s: float for s in scenario.sectors}
    )


class _Derived:
    """A derived benefit where :func:`_value` reads a need row's ``benefit``."""

    def __init__(self, benefit: float) -> None:
        self.benefit = benefit


def _value(table: dict[tuple[str, str], Any], region: str, sector: str, field: str) -> float | None:
    need = table.get((region, sector))
    return getattr(need, field) if need is not None else None


def apply_grids(
    data: dict[str, Any], needs: pd.DataFrame, benefits: pd.DataFrame
) -> tuple[list[tuple[int, str]], list[Problem]]:
    """Rebuild ``data["needs"]`` from the grids; returns each need's (page row, sector) and problems.
    With criteria the benefits grid is not read (the benefit is derived)."""
    old = {(n["region"], n["sector"]): n for n in data["needs"]}
    scored = bool(data.get("criteria"))
    included = {r["id"] for r in data["regions"]}
    sectors = [c for c in needs.columns if c != "region"]
    cells: dict[tuple[str, str], tuple[int, float, float | None]] = {}
    problems: list[Problem] = []
    benefit_rows = benefits.to_dict(orient="records")
    for number, (need_row, benefit_row) in enumerate(
        zip(needs.to_dict(orient="records"), benefit_rows, strict=True), start=1
    ):
        region = need_row["region"]
        if region not in included:
            continue
        for sector in sectors:
            need = number_or_none(need_row.get(sector))
            benefit = None if scored else number_or_none(benefit_row.get(sector))
            if need is not None and (scored or benefit is not None):
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
            **({} if scored else {"benefit": cells[key][2]}),
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
