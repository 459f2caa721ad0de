"""A re-plan against what really happened (actuals.md): the relaxed rows in words, and the plan
against actual: the locked periods' planned money against the record, each project's planned start
against its actual one, and for the periods ahead how the re-plan differs from the original plan and
why (an attribution in which the record is one group of changes, beside any other edits).

Everything here reads plans and scenarios; the re-plan itself is an ordinary solve of a scenario
with its ``actuals`` key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from planner.analysis.attribution import Attribution, EndpointNotOptimal, attribute
from planner.i18n.catalog import t
from planner.i18n.names import key_name, project_name, region_name, sector_name
from planner.i18n.units import money
from planner.scenario.model import Scenario
from planner.solve.plan import Plan

LOCKED_COLUMNS = ["region", "sector", "planned", "spent", "difference"]
START_COLUMNS = ["id", "planned_start", "actual_start", "replanned_start"]
AHEAD_COLUMNS = ["region", "planned", "replanned", "difference"]


def nothing_relaxed(plan: Plan) -> str:
    """What to say when A3 relaxed nothing: that the past kept every rule, unless the re-plan is
    infeasible all the same (a rule A3 never relaxes, such as a funded scenario's sources, or a
    mandatory project's window, ruled it out: the diagnosis says which)."""
    return t(
        "replan.nothing_relaxed_infeasible"
        if plan.status == "infeasible"
        else "replan.nothing_relaxed"
    )


def relaxed_lines(scenario: Scenario, records: list[dict[str, Any]]) -> list[str]:
    """Each relaxed row (actuals.md "Results") as a sentence in the active language:
    "2026 spent 58.2 CNY bn more than its budget"."""
    regions = {r.id: r for r in scenario.regions}
    projects = {p.id: p for p in scenario.projects}
    lines = []
    for record in records:
        kind, _, inside = record["constraint"].partition("[")
        keys = inside.rstrip("]").split(",")
        over = money(float(record["to"]) - float(record["from"]), scenario.unit)
        if kind == "budget":
            lines.append(t("replan.relaxed.budget", period=keys[0], amount=over))
        elif kind == "corridor":
            corridor, sector = key_name("corridor", keys[0]), sector_name(keys[1])
            lines.append(
                t("replan.relaxed.corridor", corridor=corridor, sector=sector, amount=over)
            )
        elif kind == "need":
            region, sector = region_name(regions[keys[0]]), sector_name(keys[1])
            lines.append(t("replan.relaxed.need", region=region, sector=sector, amount=over))
        elif kind == "capacity":
            region = region_name(regions[keys[0]])
            lines.append(t("replan.relaxed.capacity", region=region, period=keys[1], amount=over))
        elif kind == "group":
            group = key_name("group", keys[0])
            lines.append(
                t("replan.relaxed.group", group=group, limit=record["from"], count=record["to"])
            )
        elif kind == "requires":
            b, a = (project_name(projects[key]) for key in keys)
            lines.append(t("replan.relaxed.requires", project=b, required=a))
    return lines


@dataclass
class PlanAgainstActual:
    """The original plan against the record and the re-plan (amounts in the scenario's unit).

    ``locked``: per region × sector, the money the original plan gave the locked periods, what was
    spent, and spent − planned. ``starts``: per project the original plan's start and the recorded
    one (None: not started). ``ahead``: per region the money of the periods after ``through``, in the
    original plan and in the re-plan, and their difference. ``attribution``: why the re-plan differs
    from the original, the record being one group of changes (None when either has no plan).
    """

    through: Any
    locked: pd.DataFrame
    starts: pd.DataFrame
    ahead: pd.DataFrame
    attribution: Attribution | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "through": self.through,
            "locked": self.locked.to_dict(orient="records"),
            "starts": self.starts.to_dict(orient="records"),
            "ahead": self.ahead.to_dict(orient="records"),
            "attribution": self.attribution.to_dict() if self.attribution is not None else None,
        }


def plan_against_actual(
    original: Plan, replan: Plan, scenario: Scenario, original_scenario: Scenario | None = None
) -> PlanAgainstActual:
    """Compare the ``original`` plan with the record and the ``replan`` of ``scenario`` (which has
    an ``actuals`` key). ``original_scenario`` is the scenario the original was solved from; without
    it, the re-plan's scenario without its record stands in (so the attribution has one group)."""
    assert scenario.actuals is not None and replan.actuals is not None
    locked = list(replan.actuals["locked"])
    planned = _money(original, locked)
    spent = _money(replan, locked)
    cells = sorted(
        {k for k in {*planned, *spent} if planned.get(k, 0.0) or spent.get(k, 0.0)},
        key=lambda k: (_order(scenario, k[0]), k[1]),
    )
    locked_rows = [(r, s, planned.get((r, s), 0.0), spent.get((r, s), 0.0)) for r, s in cells]
    locked_table = pd.DataFrame(
        [(*row, row[3] - row[2]) for row in locked_rows], columns=LOCKED_COLUMNS
    )
    ahead = [t for t in scenario.periods if t not in locked]
    before, after = _by_region(original, ahead), _by_region(replan, ahead)
    ahead_table = pd.DataFrame(
        [(r.id, before.get(r.id, 0.0), after.get(r.id, 0.0)) for r in scenario.regions],
        columns=AHEAD_COLUMNS[:3],
    )
    ahead_table["difference"] = ahead_table["replanned"] - ahead_table["planned"]
    return PlanAgainstActual(
        through=replan.actuals["through"],
        locked=locked_table,
        starts=_starts(original, replan),
        ahead=ahead_table,
        attribution=_why(original_scenario or scenario.with_changes(actuals=None), scenario),
    )


def _order(scenario: Scenario, region: str) -> int:
    ids = [r.id for r in scenario.regions]
    return ids.index(region) if region in ids else len(ids)


def _money(plan: Plan, periods: list[Any]) -> dict[tuple[str, str], float]:
    texts = {str(t) for t in periods}
    a = plan.allocation
    hit = a[a["period"].astype(str).isin(texts)]
    return {
        (str(r), str(s)): float(v)
        for (r, s), v in hit.groupby(["region", "sector"], sort=False)["amount"].sum().items()
    }


def locked_labels(plan: Plan) -> list[str]:
    """The labels of the periods a plan's record locked (actuals.md), in order; none without one."""
    return [str(p) for p in (plan.actuals or {}).get("locked", [])]


def _by_region(plan: Plan, periods: list[Any]) -> dict[str, float]:
    texts = {str(t) for t in periods}
    a = plan.allocation
    hit = a[a["period"].astype(str).isin(texts)]
    return {str(r): float(v) for r, v in hit.groupby("region")["amount"].sum().items()}


def _starts(original: Plan, replan: Plan) -> pd.DataFrame:
    """Projects the original plan started in a locked period, or that really started: the
    original's start, the recorded one (None: did not start) and the re-plan's (None: not funded)."""
    before, after = _funded_starts(original), _funded_starts(replan)
    locked = set(locked_labels(replan))
    rows = [
        (
            pid,
            before.get(pid),
            after.get(pid) if str(after.get(pid)) in locked else None,
            after.get(pid),
        )
        for pid in (str(i) for i in replan.projects["id"])
        if str(before.get(pid)) in locked or str(after.get(pid)) in locked
    ]
    return pd.DataFrame(rows, columns=START_COLUMNS, dtype=object)


def _funded_starts(plan: Plan) -> dict[str, Any]:
    """Funded project → start label (a JSON plan's starts come back as floats: 2026.0 → 2026)."""
    return {
        str(r.id): int(r.start) if isinstance(r.start, float) and r.start.is_integer() else r.start
        for r in plan.projects.itertuples()
        if bool(r.funded)
    }


def _why(original: Scenario, scenario: Scenario) -> Attribution | None:
    try:
        return attribute(original, scenario)
    except EndpointNotOptimal:
        return None
