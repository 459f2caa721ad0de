"""The scenario as the tables and settings a planner edits, and those edits back into a Scenario.

Pure functions over pandas tables (no Streamlit here), so they are tested directly. Validation is the
scenario's own (:func:`planner.validate_scenario`); this module only says which table, row and column a
problem comes from, in the words the page uses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from planner import Scenario, validate_scenario
from planner.errors import Problem, ScenarioError
from planner.scenario.projects import projects_within

from . import annotations, grids

PROVINCES = "Provinces table"
PROFILES = "Profiles table"
CORRIDORS = "Corridors table"
SPLIT = "Budget split table"
SETTINGS = "Settings"

REGION_COLUMNS = ["include", "id", "name", "profile", "min_share_of_need", "max_per_period"]
PROFILE_COLUMNS = ["profile", "sector", "weight", "share_min", "share_max"]
CORRIDOR_COLUMNS = ["corridor", "members", "sector", "shared_need"]
SPLIT_COLUMNS = ["period", "weight"]

_SETTING_LABELS = {
    "budget": "total budget",
    "carry_over": "carry-over",
    "discount_rate": "discount rate",
    "redundancy_tolerance": "redundancy tolerance",
    "objective.mode": "objective mode",
    "objective.equity_weight": "equity weight",
}


@dataclass(frozen=True)
class Settings:
    """The sidebar's numbers: money in the scenario's unit, rates and shares as fractions."""

    total_budget: float
    carry_over: bool
    discount_rate: float
    redundancy_tolerance: float
    mode: str
    equity_weight: float


def settings_of(scenario: Scenario) -> Settings:
    return Settings(
        total_budget=scenario.total_budget(),
        carry_over=scenario.carry_over,
        discount_rate=scenario.discount_rate,
        redundancy_tolerance=scenario.redundancy_tolerance,
        mode=scenario.objective.mode,
        equity_weight=scenario.objective.equity_weight,
    )


# ---- scenario -> tables ----


def split_table(scenario: Scenario) -> pd.DataFrame:
    """Relative weight of each period in the total budget (the scenario's own split)."""
    per_period = scenario.budget_per_period()
    total = math.fsum(per_period)
    weights = [b / total if total > 0 else 1.0 / len(per_period) for b in per_period]
    return pd.DataFrame({"period": [str(p) for p in scenario.periods], "weight": weights})


def regions_table(scenario: Scenario) -> pd.DataFrame:
    rows = [
        {
            "include": True,
            "id": r.id,
            "name": r.label,
            "profile": r.profile or "",
            "min_share_of_need": r.min_share_of_need,
            "max_per_period": r.max_per_period,
        }
        for r in scenario.regions
    ]
    return annotations.with_annotations(
        pd.DataFrame(rows, columns=REGION_COLUMNS), scenario.regions
    )


def profiles_table(scenario: Scenario) -> pd.DataFrame:
    """One row per (profile, sector); a blank cell means the default (weight 1, shares 0 and 1)."""
    rows = []
    for name, profile in scenario.profiles.items():
        for sector in scenario.sectors:
            rows.append(
                {
                    "profile": name,
                    "sector": sector,
                    "weight": profile.weight.get(sector),
                    "share_min": profile.share_min.get(sector),
                    "share_max": profile.share_max.get(sector),
                }
            )
    return pd.DataFrame(rows, columns=PROFILE_COLUMNS).astype(
        {"weight": float, "share_min": float, "share_max": float}
    )


def corridors_table(scenario: Scenario) -> pd.DataFrame:
    """One row per (corridor, sector) with a shared need."""
    rows = [
        {
            "corridor": name,
            "members": ", ".join(corridor.regions),
            "sector": sector,
            "shared_need": amount,
        }
        for name, corridor in scenario.corridors.items()
        for sector, amount in corridor.shared_need.items()
    ]
    return pd.DataFrame(rows, columns=CORRIDOR_COLUMNS)


# ---- tables -> scenario ----


def edited_scenario(
    base: Scenario,
    settings: Settings,
    split: pd.DataFrame,
    regions: pd.DataFrame,
    profiles: pd.DataFrame,
    corridors: pd.DataFrame,
    needs: pd.DataFrame | None = None,
    benefits: pd.DataFrame | None = None,
    *,
    scores: dict[str, pd.DataFrame] | None = None,
    notes: pd.DataFrame | None = None,
) -> Scenario:
    """The base scenario with the page's settings and table edits, validated as one document.

    ``needs`` and ``benefits`` are the region × sector grids of :mod:`ui.grids`; with criteria,
    ``scores`` (criterion key → its grid) stand in for ``benefits``. ``notes`` is the needs'
    annotations table (:func:`ui.grids.notes_table`). Each is left unchanged when not given.

    Raises
    ------
    ScenarioError
        Every problem, located by table, row (as numbered on the page, from 1) and column.
    """
    data = base.model_dump()
    problems: list[Problem] = []
    budget, budget_problems = _budget(base, settings.total_budget, split)
    problems += budget_problems
    data.update(
        budget=budget,
        carry_over=bool(settings.carry_over),
        discount_rate=settings.discount_rate,
        redundancy_tolerance=settings.redundancy_tolerance,
        objective={"mode": settings.mode, "equity_weight": settings.equity_weight},
    )
    kept_rows = _apply_regions(data, base, regions)
    places: list[tuple[int, str]] = []
    values = {grids.BENEFIT: benefits} if benefits is not None else scores
    if values is None:  # the benefits or scores not given: as the base has them
        values = {field: grids.grid(base, field) for field in grids.value_fields(base)}
    if needs is not None:  # after regions: excluded ones stay out
        places, grid_problems = grids.apply_grids(data, needs, values)
        problems += grid_problems
    if notes is not None:  # after the grids: a need they dropped has no notes left to take
        grids.apply_notes(data, notes)
    _apply_profiles(data, profiles)
    _apply_corridors(data, corridors)
    if problems:
        raise ScenarioError(problems)
    try:
        return validate_scenario(data)
    except ScenarioError as err:
        raise ScenarioError(
            [
                grids.locate(p, places) or _locate(p, kept_rows, profiles, corridors)
                for p in err.problems
            ]
        ) from None


def _budget(base: Scenario, total: float, split: pd.DataFrame) -> tuple[Any, list[Problem]]:
    """A scalar budget when the split is even (as the scenario file would say it), else a list."""
    weights = [grids.number_or_none(w) for w in split["weight"]]
    if any(w is None or w < 0 for w in weights):
        return base.budget, [
            Problem("every period needs a weight ≥ 0", file=SPLIT, row=i + 1, field="weight")
            for i, w in enumerate(weights)
            if w is None or w < 0
        ]
    weight_sum = math.fsum(w for w in weights if w is not None)
    if weight_sum <= 0:
        return base.budget, [Problem("the weights sum to 0", file=SPLIT, field="weight")]
    if base.total_budget() == total and split_table(base)["weight"].tolist() == weights:
        return base.budget, []  # unchanged: keep the scenario's own figures exactly
    shares = [w / weight_sum for w in weights if w is not None]
    if max(shares) - min(shares) <= 1e-12:
        return total, []
    return [total * s for s in shares], []


def _apply_regions(data: dict[str, Any], base: Scenario, regions: pd.DataFrame) -> list[int]:
    """Write floors, capacities and profiles; drop excluded regions everywhere; returns kept rows."""
    by_id = {r["id"]: r for r in data["regions"]}
    kept: list[dict[str, Any]] = []
    kept_rows: list[int] = []
    for row_number, row in enumerate(regions.to_dict(orient="records"), start=1):
        region = by_id.get(row["id"])
        if region is None or not bool(row.get("include", True)):
            continue
        region.update(
            profile=annotations.text(row.get("profile")) or None,
            min_share_of_need=grids.number_or_none(row.get("min_share_of_need")),
            max_per_period=grids.number_or_none(row.get("max_per_period")),
        )
        for key in set(row) - set(REGION_COLUMNS):  # annotations, edited as text
            annotations.set_annotation(region, key, row[key])
        kept.append(region)
        kept_rows.append(row_number)
    ids = {r["id"] for r in kept}
    data["regions"] = kept
    data["needs"] = [n for n in data["needs"] if n["region"] in ids]
    corridors = {}
    for name, corridor in data["corridors"].items():
        members = [m for m in corridor["regions"] if m in ids]
        if members:  # a corridor whose members are all excluded has nothing left to cap
            corridors[name] = {**corridor, "regions": members}
    data["corridors"] = corridors
    data["projects"] = projects_within(base.projects, ids, set(base.sectors))
    return kept_rows


def _apply_profiles(data: dict[str, Any], profiles: pd.DataFrame) -> None:
    rebuilt: dict[str, dict[str, dict[str, Any]]] = {
        name: {"weight": {}, "share_min": {}, "share_max": {}} for name in data["profiles"]
    }
    for row in profiles.to_dict(orient="records"):
        target = rebuilt.get(row["profile"])
        if target is None:
            continue
        for column in ("weight", "share_min", "share_max"):
            value = grids.number_or_none(row.get(column))
            if value is not None:  # blank = the default, written as nothing (as in the file)
                target[column][row["sector"]] = value
    data["profiles"] = rebuilt


def _apply_corridors(data: dict[str, Any], corridors: pd.DataFrame) -> None:
    for name, corridor in data["corridors"].items():
        shared = {}
        for row in corridors[corridors["corridor"] == name].to_dict(orient="records"):
            value = grids.number_or_none(row.get("shared_need"))
            if value is not None:
                shared[row["sector"]] = value
        corridor["shared_need"] = shared


def _locate(
    problem: Problem, kept_rows: list[int], profiles: pd.DataFrame, corridors: pd.DataFrame
) -> Problem:
    loc = problem.loc
    head = loc[0] if loc else ""
    if head == "regions" and len(loc) >= 2 and isinstance(loc[1], int):
        row = kept_rows[loc[1]] if loc[1] < len(kept_rows) else None
        field = str(loc[2]) if len(loc) >= 3 else problem.field
        return problem.at(file=PROVINCES, row=row, field=field)
    if head == "profiles" and len(loc) >= 2:
        return problem.at(file=PROFILES, row=_row_of(profiles, "profile", loc), field=_last(loc))
    if head == "corridors" and len(loc) >= 2:
        return problem.at(file=CORRIDORS, row=_row_of(corridors, "corridor", loc), field=_last(loc))
    label = _SETTING_LABELS.get(problem.field, problem.field)
    return problem.at(file=SETTINGS, field=label)


def _row_of(table: pd.DataFrame, key: str, loc: tuple[str | int, ...]) -> int | None:
    """Page row (from 1) of a (name, ..., sector) location, or of the name's first row."""
    mask = table[key] == loc[1]
    if len(loc) >= 4 and "sector" in table:
        mask &= table["sector"] == loc[3]
    hits = [i for i, hit in enumerate(mask.tolist(), start=1) if hit]
    return hits[0] if hits else None


def _last(loc: tuple[str | int, ...]) -> str:
    names = [str(p) for p in loc[2:3]]
    return names[0] if names else ""
