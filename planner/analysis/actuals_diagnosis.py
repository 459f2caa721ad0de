"""Why a re-plan is infeasible when the record itself rules it out (actuals.md A2).

A mandatory project that did not start in the locked periods must start after ``through``; when its
whole start window lies in the locked periods it cannot, whatever the money. No relaxation of the
model's rows fixes that (the elastic LP of :mod:`planner.analysis.diagnosis` relaxes money rows,
not the record), so the diagnosis names the project and its window instead.
"""

from __future__ import annotations

from planner.i18n.catalog import LANGUAGES, language, t, use_language
from planner.i18n.names import project_name
from planner.scenario.actuals import locked_periods, recorded_starts
from planner.scenario.model import Scenario


def missed_windows(scenario: Scenario) -> list[str]:
    """Ids of the mandatory projects that were not recorded as started and whose every possible start
    lies in a locked period."""
    locked = set(locked_periods(scenario))
    started = recorded_starts(scenario)
    return [
        p.id
        for p in scenario.projects
        if p.mandatory
        and p.id not in started
        and all(scenario.periods[i] in locked for i in scenario.start_window(p))
    ]


def missed_window_lines(scenario: Scenario) -> dict[str, list[str]]:
    """The diagnosis' lines in every language (empty when no mandatory project missed its window)."""
    missed = set(missed_windows(scenario))
    if not missed:
        return {}
    through = locked_periods(scenario)[-1]
    projects = [p for p in scenario.projects if p.id in missed]
    worded = {}
    for lang in LANGUAGES:
        with use_language(lang):
            worded[lang] = [
                t(
                    "diagnosis.actuals.missed_window",
                    project=project_name(p, lang),
                    periods=", ".join(str(scenario.periods[i]) for i in scenario.start_window(p)),
                    through=through,
                )
                for p in projects
            ]
    return worded


def current_language_lines(worded: dict[str, list[str]]) -> list[str]:
    return worded.get(language()) or worded.get("en", [])
