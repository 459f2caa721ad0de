"""``planner diagnose SCENARIO``: why a scenario is infeasible and the smallest change that fixes it.

Exit 0 when the scenario is feasible, 3 when it is not (the diagnosis is then printed).
"""

from __future__ import annotations

import argparse

from planner.cli.common import add_change_arguments, add_scenario_argument, load
from planner.cli.tables import add_format_arguments, print_json, print_table
from planner.errors import ExitCode
from planner.solve.plan_model import diagnose


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("diagnose", help="explain an infeasible scenario and how to fix it")
    add_scenario_argument(parser, optional=False)
    add_change_arguments(parser)
    add_format_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    diagnosis = diagnose(load(args))
    if args.json:
        print_json(diagnosis.to_dict())
    elif args.csv:
        print_table(diagnosis.relaxations, args)
    else:
        print("\n".join(diagnosis.lines))
    return int(ExitCode.OK if diagnosis.feasible else ExitCode.INFEASIBLE)
