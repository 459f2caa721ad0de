"""Needs and their benefits (or, with criteria, their scores) as region × sector grids a planner edits,
the needs' annotations as a table beside them, and all of it back into needs rows.

A blank need cell means the region has no need in that sector (the row is dropped). A benefit with no
need, or a need with no benefit, is a problem named by grid, row (as numbered on the page) and sector.
With criteria (criteria.md) each criterion has its own grid of scores; a blank score is 0, a score
other than 0 with no need is a problem. Annotations of a need row (``source``, ``note``) stay with it while its figures
change, and are edited in the notes table, one row per need.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from planner import Scenario
from planner.errors import Problem
from planner.i18n.catalog import t

from . import annotations

NEEDS_GRID = "Needs grid"
BENEFITS_GRID = "Benefits grid"
BENEFIT = "benefit"


def value_fields(scenario: Scenario) -> list[str]:
    """What the grids beside the needs hold: ``benefit``, or one score per criterion key."""
    return [BENEFIT] if scenario.criteria is None else list(scenario.criteria)


def grid(scenario: Scenario, field: str) -> pd.DataFrame:
    """One row per region (column ``region``), one column per sector; blank where there is no need.

    ``field`` is ``need``, ``benefit`` or a criterion key (that criterion's scores)."""
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
    if need is None:
        return None
    return getattr(need, field) if field in ("need", BENEFIT) else need.scores.get(field, 0.0)


def grid_name(field: str) -> str:
    """The grid a value column is edited in, as problems name it."""
    if field == "need":
        return NEEDS_GRID
    return BENEFITS_GRID if field == BENEFIT else t("ui.needs.scores_grid", criterion=field)


def apply_grids(
    data: dict[str, Any], needs: pd.DataFrame, values: dict[str, pd.DataFrame]
) -> tuple[list[tuple[int, str]], list[Problem]]:
    """Rebuild ``data["needs"]`` from the needs grid and ``values`` (``benefit`` → its grid, or
    criterion key → its scores); returns each need's (page row, sector) and the problems."""
    old = {(n["region"], n["sector"]): n for n in data["needs"]}
    included = {r["id"] for r in data["regions"]}
    sectors = [c for c in needs.columns if c != "region"]
    value_rows = {field: table.to_dict(orient="records") for field, table in values.items()}
    cells: dict[tuple[str, str], tuple[int, dict[str, float]]] = {}
    problems: list[Problem] = []
    for index, need_row in enumerate(needs.to_dict(orient="records")):
        region = need_row["region"]
        if region not in included:
            continue
        for sector in sectors:
            given = {f: number_or_none(rows[index].get(sector)) for f, rows in value_rows.items()}
            figures, cell_problems = _cell(number_or_none(need_row.get(sector)), given)
            problems += [p.at(row=index + 1, field=sector) for p in cell_problems]
            if figures is not None:
                cells[(region, sector)] = (index + 1, figures)
    # the needs keep their order (so an untouched grid gives back the same scenario); new ones follow
    order = [key for key in old if key in cells] + [key for key in cells if key not in old]
    data["needs"] = [
        {**old.get(key, {"region": key[0], "sector": key[1]}), **cells[key][1]} for key in order
    ]
    return [(cells[key][0], key[1]) for key in order], problems


def _cell(
    need: float | None, given: dict[str, float | None]
) -> tuple[dict[str, float] | None, list[Problem]]:
    """One (region, sector) cell of every grid: the need row's figures, or what is missing.

    A benefit must come with a need and a need with a benefit; a blank score is 0, and a score
    other than 0 with no need is a problem (it would be silently dropped)."""
    stray = [f for f, v in given.items() if v is not None and (f == BENEFIT or v != 0)]
    if need is None:
        return None, [
            Problem(
                "give a need too, or clear both"
                if f == BENEFIT
                else t("ui.needs.score_without_need", grid=grid_name(f)),
                file=NEEDS_GRID,
            )
            for f in stray
        ]
    if BENEFIT in given and given[BENEFIT] is None:
        return None, [Problem("give a benefit too, or clear both", file=BENEFITS_GRID)]
    return {"need": need, **{f: 0.0 if v is None else v for f, v in given.items()}}, []


def locate(problem: Problem, places: list[tuple[int, str]]) -> Problem | None:
    """A needs-row problem at its grid cell; None when the problem is not about a need row's
    figures (an annotation's problem is the notes table's, see :func:`locate_note`)."""
    loc = problem.loc
    if len(loc) >= 3 and loc[0] == "needs" and isinstance(loc[1], int) and loc[1] < len(places):
        row, sector = places[loc[1]]
        if loc[2] == "scores" and len(loc) >= 4:
            return problem.at(file=grid_name(str(loc[3])), row=row, field=sector)
        if loc[2] in ("need", BENEFIT):
            return problem.at(file=grid_name(str(loc[2])), row=row, field=sector)
    return None


# ---- the needs' annotations, one row per need ----


def notes_table(scenario: Scenario) -> pd.DataFrame:
    """One row per need (region, sector) with its annotation columns as text (blank where none);
    without any annotation yet, ``source`` and ``note``."""
    frame = pd.DataFrame(
        [{"region": n.region, "sector": n.sector} for n in scenario.needs],
        columns=["region", "sector"],
    )
    return annotations.with_annotations(frame, scenario.needs)


def apply_notes(data: dict[str, Any], notes: pd.DataFrame) -> None:
    """Write the notes table's annotations onto ``data["needs"]`` by (region, sector); a need the
    grids dropped loses its row, one the grids added has none."""
    by_pair = {(n["region"], n["sector"]): n for n in data["needs"]}
    columns = [c for c in notes.columns if c not in ("region", "sector")]
    for row in notes.to_dict(orient="records"):
        record = by_pair.get((row["region"], row["sector"]))
        if record is not None:
            for key in columns:
                annotations.set_annotation(record, key, row.get(key))


def number_or_none(value: Any) -> float | None:
    """An edited cell as a number, None where it is blank, not a number or NaN."""
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number
