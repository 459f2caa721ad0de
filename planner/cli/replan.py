"""``planner replan SCENARIO --through PERIOD --spending FILE [--starts FILE] [--against PLAN]``:
re-plan against what was really spent and started (actuals.md).

The periods up to ``--through`` are locked at the record; the rest is re-optimized. The result equals
``planner solve`` of the scenario with that ``actuals`` key. The relaxed rows (the rules the past
broke) are said in words; with ``--against`` (a plan's JSON, or ``run:ID`` of the run store) the plan
against actual follows: the locked periods planned against spent, each project's planned start against
its actual one, and how the periods ahead differ and why. ``--record`` stores the re-plan with a
``revises`` link to the ``--against`` run.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from planner.analysis.replan import (
    PlanAgainstActual,
    locked_labels,
    nothing_relaxed,
    plan_against_actual,
    relaxed_lines,
)
from planner.cli.common import add_change_arguments, add_scenario_argument, exit_code_for, load
from planner.cli.recording import add_record_arguments, check_store
from planner.cli.summary import plan_summary
from planner.errors import ScenarioError
from planner.i18n.catalog import t
from planner.i18n.names import project_name, region_name, sector_name
from planner.i18n.problems import problem
from planner.i18n.units import shown
from planner.reports import check_output, export, report_info
from planner.scenario.files import with_actuals
from planner.scenario.model import Scenario
from planner.solve.plan import Plan, plan_from_dict
from planner.solve.plan_model import PlanModel

RUN_PREFIX = "run:"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "replan", help="re-plan the periods ahead, the past locked at what was really spent"
    )
    add_scenario_argument(parser)
    parser.add_argument(
        "--through", required=True, metavar="PERIOD", help="the last past period: up to it, locked"
    )
    parser.add_argument(
        "--spending",
        required=True,
        metavar="FILE",
        help="CSV of what was spent: region, sector, period, amount",
    )
    parser.add_argument(
        "--starts", metavar="FILE", help="CSV of the projects' real starts: id, start"
    )
    parser.add_argument(
        "--against",
        metavar="PLAN",
        help="the plan being revised: its JSON file, or run:ID of the run store",
    )
    parser.add_argument("--json", action="store_true", help="print exactly one JSON document")
    parser.add_argument(
        "--out",
        "-o",
        dest="outs",
        action="append",
        default=[],
        metavar="FILE",
        help="also write the re-plan as a report (repeatable; .xlsx, .html, .csv, .json)",
    )
    add_change_arguments(parser)
    add_record_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    for path in args.outs:
        check_output(path)
    scenario = with_actuals(load(args), _label(args.through), args.spending, args.starts)
    store = check_store(args)
    original, original_scenario, revises = _against(args)
    plan = PlanModel(scenario).solve(time_limit_s=args.time_limit)
    comparison = None
    if original is not None and plan.is_optimal:
        comparison = plan_against_actual(original, plan, scenario, original_scenario)
    _record(store, plan, args, revises)
    info = dataclasses.replace(report_info(plan), against=comparison)
    for path in args.outs:
        print(t("cli.wrote", path=export(plan, path, info=info)), file=sys.stderr)
    if args.json:
        document = plan.to_dict()
        if comparison is not None:
            document["plan_against_actual"] = comparison.to_dict()
        print(json.dumps(document, indent=2, ensure_ascii=False, default=str))
    else:
        print(plan_summary(plan))
        print()
        print(replan_text(scenario, plan, comparison))
    if plan.diagnosis is not None:
        for line in plan.diagnosis.lines:
            print(line, file=sys.stderr)
    return exit_code_for(plan.status)


def _label(text: str) -> Any:
    """A period label as the scenario writes it: ``2026`` is the number 2026."""
    return int(text) if text.strip().lstrip("-").isdigit() else text


def _against(args: argparse.Namespace) -> tuple[Plan | None, Scenario | None, str | None]:
    """The plan being revised, its scenario (a stored run's; None for a JSON file) and its run id."""
    if args.against is None:
        return None, None, None
    if args.against.startswith(RUN_PREFIX):
        from planner.cli.recording import open_store

        with open_store(args) as store:
            run_id = store.resolve(args.against[len(RUN_PREFIX) :])
            original = store.get(run_id)
        return original, original.scenario, run_id
    path = Path(args.against)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return plan_from_dict(document), None, None
    except (OSError, ValueError, KeyError, TypeError) as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise ScenarioError(
            [problem("cannot_read", file=args.against, field="--against", reason=reason)]
        ) from None


def _record(store: Any, plan: Plan, args: argparse.Namespace, revises: str | None) -> None:
    """The re-plan in the run store, derived from (and revising) the ``--against`` run."""
    if store is None:
        return
    changes = {"actuals.through": _label(args.through)}
    if revises is not None:
        changes["revises"] = revises
    with store:
        run_id = store.record(
            plan, note=args.note, user=args.user, source="cli", changes=changes, parent=revises
        )
    print(f"recorded run {run_id} in {store.location}", file=sys.stderr)


def replan_text(scenario: Scenario, plan: Plan, comparison: PlanAgainstActual | None) -> str:
    """The locked periods and the relaxed rows in words, then the plan against actual."""
    if plan.actuals is None:
        return ""
    locked = ", ".join(locked_labels(plan))
    lines = [t("replan.locked", periods=locked)]
    relaxed = relaxed_lines(scenario, plan.actuals["relaxed"])
    lines.append(t("replan.relaxed_head") if relaxed else nothing_relaxed(plan))
    lines += [f"  - {line}" for line in relaxed]
    if comparison is not None:
        lines += ["", *against_lines(scenario, comparison)]
    return "\n".join(lines)


def _or_dash(value: Any) -> Any:
    return "-" if value is None else value


def against_lines(scenario: Scenario, comparison: PlanAgainstActual) -> list[str]:
    how = shown(scenario.unit)
    regions = {r.id: r for r in scenario.regions}
    projects = {p.id: p for p in scenario.projects}
    lines = [t("replan.against_head", through=comparison.through, unit=how.unit)]
    for row in comparison.locked.itertuples(index=False):
        name = f"{region_name(regions[row.region])} {sector_name(row.sector)}"
        figures = (f"{v * how.factor:10,.1f}" for v in (row.planned, row.spent, row.difference))
        lines.append(f"  {name:32} {'  '.join(figures)}")
    if len(comparison.starts):
        lines += ["", t("replan.starts_head")]
        for row in comparison.starts.itertuples(index=False):
            actual = row.actual_start if row.actual_start is not None else t("replan.not_started")
            starts = (_or_dash(row.planned_start), actual, _or_dash(row.replanned_start))
            lines.append(
                f"  {project_name(projects[row.id]):54} {'  '.join(f'{s!s:>11}' for s in starts)}"
            )
    lines += ["", t("replan.ahead_head", unit=how.unit)]
    for row in comparison.ahead.itertuples(index=False):
        figures = (f"{v * how.factor:10,.1f}" for v in (row.planned, row.replanned, row.difference))
        lines.append(f"  {region_name(regions[row.region]):32} {'  '.join(figures)}")
    if comparison.attribution is not None:
        lines += ["", comparison.attribution.summary()]
    return lines
