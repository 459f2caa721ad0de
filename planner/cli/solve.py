"""``planner solve [SCENARIO]``: solve and print a readable summary, or one JSON document."""

from __future__ import annotations

import argparse
import sys

from planner.cli.common import add_change_arguments, add_scenario_argument, exit_code_for, load
from planner.solve import solve
from planner.summary import plan_summary


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("solve", help="solve a scenario and print the plan")
    add_scenario_argument(parser)
    add_change_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print exactly one JSON document")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    scenario = load(args)
    plan = solve(scenario, time_limit_s=args.time_limit)
    if args.json:
        print(plan.to_json())
    else:
        print(plan_summary(plan))
        if plan.message:
            print(plan.message, file=sys.stderr)
    return exit_code_for(plan.status)
