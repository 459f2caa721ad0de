"""A scenario with criteria for the app's and the reports' tests: western_china with its four bundled
criteria replaced by three simpler ones (criteria.md), whose figures the tests work out by hand.

- ``people``: the pair's bundled ``relief`` score, which is the former single benefit per unit (so
  the plan stays close to the bundled one);
- ``growth``: 1 for power and transport, 0.4 for housing and water;
- ``ecology``: water only, 1 on the Qinghai–Tibet plateau (``qinghai``, ``xizang``), 0.3 elsewhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import planner
from planner.scenario.model import validate_scenario

PLATEAU = ("qinghai", "xizang")
CRITERIA = {
    "people": {"weight": 1.0, "label": "People served"},
    "growth": {"weight": 0.3, "label": "Growth effect"},
    "ecology": {"weight": 0.2, "label": "Ecological gain"},
}


def scored_western(projects: bool = True) -> planner.Scenario:
    data: dict[str, Any] = planner.load_scenario("western_china").model_dump()
    for need in data["needs"]:
        need["people"] = need.pop("relief")
        need["growth"] = 1.0 if need["sector"] in ("power", "transport") else 0.4
        on_plateau = need["region"] in PLATEAU
        need["ecology"] = (1.0 if on_plateau else 0.3) if need["sector"] == "water" else 0.0
    data["criteria"] = CRITERIA
    if not projects:
        data["projects"] = []
        data["project_groups"] = {}
    return validate_scenario(data)


def saved(scenario: planner.Scenario, folder: Path) -> Path:
    """The scenario written as YAML + CSV under ``folder``; the path the app is started with."""
    planner.save_scenario(scenario, folder)
    return folder
