"""``planner solve [SCENARIO]``: solve and print a readable summary, or one JSON document.

An infeasible scenario exits 3 with its diagnosis (the smallest relaxation that fixes it) on stderr.
"""

from __future__ import annotations

import argparse
import sys

from planner.analysis.explain import explain
from planner.analysis.projects import group_choices
from planner.cli.common import add_change_arguments, add_scenario_argument, exit_code_for, load
from planner.cli.recording import add_record_arguments, check_store, record_plan
from planner.cli.summary import plan_summary
from planner.solve.plan_model import PlanModel


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("solve", help="solve a scenario and print the plan")
    add_scenario_argument(parser)
    add_change_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print exactly one JSON document")
    add_record_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    scenario = load(args)
    store = check_store(args)
    live = PlanModel(scenario)
    plan = live.solve(time_limit_s=args.time_limit)
    record_plan(store, plan, args)
    if args.json:
        print(plan.to_json())
    else:
        meanings = explain(plan, live) if plan.is_optimal else None
        choices = group_choices(plan, live) if plan.is_optimal else None
        # a diagnosis goes whole to stderr below: its headline is not said twice
        said = plan_summary(plan, meanings=meanings, choices=choices, message=not plan.diagnosis)
        print(said)
    if plan.diagnosis is not None:
        for line in plan.diagnosis.lines:
            print(line, file=sys.stderr)
    elif plan.message and not args.json:
        print(plan.message, file=sys.stderr)
    return exit_code_for(plan.status)
