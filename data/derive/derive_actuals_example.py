"""Write the ILLUSTRATIVE 2026 record of western_china: data/western_china/actuals_2026_example.csv
and project_starts_2026_example.csv. NOT REAL DATA: no statistics office has reported 2026 yet.

The record is the headline plan's 2026 money (``planner solve western_china``) varied by the
documented factors below, so ``planner replan`` has something realistic-looking to show:

- the programme money of every (province, sector) times its sector's execution factor
  (EXECUTION: power 0.96, transport 0.93, housing 1.02, water 0.95: slower or faster execution);
- one overrun: Xizang transport's programme money times OVERRUN_FACTOR (1.6);
- one late project: LATE_PROJECT (Chongqing Bishan airport) did not start in 2026 (its window runs
  to 2027); every other project the plan starts in 2026 started, its cash recorded in full.

Every row carries ``factor`` and ``note`` columns (annotations the model ignores) and the status
``illustrative, not real``. Rerun after a change of the headline scenario:

    python data/derive/derive_actuals_example.py
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import planner

EXECUTION = {"power": 0.96, "transport": 0.93, "housing": 1.02, "water": 0.95}
OVERRUN = ("xizang", "transport")
OVERRUN_FACTOR = 1.6
LATE_PROJECT = "chongqing_bishan_airport"
YEAR = 2026
STATUS = "illustrative, not real"
FOLDER = Path(__file__).resolve().parents[1] / "western_china"


def main() -> None:
    scenario = planner.load_scenario("western_china")
    plan = planner.solve(scenario)
    started = {
        str(r.id): r for r in plan.projects.itertuples() if bool(r.funded) and r.start == YEAR
    }
    cash: dict[tuple[str, str], float] = {}
    for p in scenario.projects:
        if p.id in started:
            key = (p.region, p.sector)
            cash[key] = cash.get(key, 0.0) + p.cost / p.duration
    late = cash_of(scenario, LATE_PROJECT)
    rows = []
    for r in plan.allocation.itertuples():
        if r.period != YEAR or r.amount <= 0:
            continue
        key = (r.region, r.sector)
        programme = r.amount - cash.get(key, 0.0)
        factor = OVERRUN_FACTOR if key == OVERRUN else EXECUTION[r.sector]
        projects = cash.get(key, 0.0) - (late if key == pair_of(scenario, LATE_PROJECT) else 0.0)
        note = "overrun" if key == OVERRUN else f"{r.sector} execution"
        if projects != cash.get(key, 0.0):
            note += f"; {LATE_PROJECT} did not start"
        # up to the next 1e-4: a rounded-down record would hold less than its projects' cash
        amount = math.ceil((projects + factor * max(programme, 0.0)) * 1e4) / 1e4
        rows.append([r.region, r.sector, YEAR, amount, factor, note, STATUS])
    write(
        FOLDER / "actuals_2026_example.csv",
        ["region", "sector", "period", "amount", "factor", "note", "status"],
        rows,
    )
    starts = [[pid, "" if pid == LATE_PROJECT else YEAR, STATUS] for pid in started]
    write(FOLDER / "project_starts_2026_example.csv", ["id", "start", "status"], starts)


def pair_of(scenario: planner.Scenario, project_id: str) -> tuple[str, str]:
    p = next(p for p in scenario.projects if p.id == project_id)
    return p.region, p.sector


def cash_of(scenario: planner.Scenario, project_id: str) -> float:
    p = next(p for p in scenario.projects if p.id == project_id)
    return p.cost / p.duration


def write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


if __name__ == "__main__":
    main()
