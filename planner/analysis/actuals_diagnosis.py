"""Why a re-plan is infeasible when the record itself rules it out (actuals.md A2, A3 with funding).

- A mandatory project that did not start in the locked periods must start after ``through``; when
  its whole start window lies in the locked periods it cannot, whatever the money.
- With funding, a locked cell's recorded money must be paid by the sources (F1, A3: "the model
  splits the locked money among the sources within their rules"); when no source may fund its
  pair at all (each is limited to another region, or its rule's share there is 0), no amount of
  any source pays it.

No relaxation of the model's rows fixes either (the elastic LP of :mod:`planner.analysis.diagnosis`
relaxes money rows, not the record, and a pair no source may fund has no column to relax), so the
diagnosis names the project and its window, or the pair, period and amount, instead. Where sources
may pay the record but hold too little, the elastic LP names the source and period
(:mod:`planner.analysis.diagnosis_funding`).
"""

from __future__ import annotations

from typing import Any

from planner.i18n.catalog import LANGUAGES, language, t, use_language
from planner.i18n.names import project_name, region_name, sector_name
from planner.i18n.units import money
from planner.scenario.actuals import locked_periods, recorded_amounts, recorded_starts
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


def unpayable_cells(scenario: Scenario) -> list[tuple[str, str, Any, float]]:
    """(region, sector, period, amount) of every locked cell with recorded money whose pair no
    source may fund (funding.md P(f)); empty without funding."""
    if scenario.funding is None:
        return []
    payable = {
        (r, sector) for (_f, r, sector), share in scenario.funding_shares().items() if share > 0
    }
    locked = set(locked_periods(scenario))
    return [
        (r, sector, period, amount)
        for (r, sector, period), amount in recorded_amounts(scenario).items()
        if period in locked and amount > 0 and (r, sector) not in payable
    ]


def record_lines(scenario: Scenario) -> dict[str, list[str]]:
    """The diagnosis' lines in every language (empty when the record rules no plan out by itself):
    the mandatory projects that missed their window, then the cells no source may pay."""
    missed = set(missed_windows(scenario))
    unpaid = unpayable_cells(scenario)
    if not missed and not unpaid:
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
            ] + [
                t(
                    "diagnosis.actuals.unpaid",
                    period=period,
                    amount=money(amount, scenario.unit),
                    region=region_name(scenario.region(r)),
                    sector=sector_name(sector),
                )
                for r, sector, period, amount in unpaid
            ]
    return worded


def current_language_lines(worded: dict[str, list[str]]) -> list[str]:
    return worded.get(language()) or worded.get("en", [])
