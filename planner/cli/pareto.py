"""``planner pareto SCENARIO --points N``: the equity–efficiency frontier (ε-constraint)."""

from __future__ import annotations

import argparse

from planner.analysis.frontier import pareto
from planner.cli.common import add_change_arguments, add_scenario_argument, load
from planner.cli.tables import add_format_arguments, print_json, print_table
from planner.errors import ScenarioError
from planner.i18n.catalog import t
from planner.i18n.problems import problem
from planner.solve.plan import _records


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("pareto", help="benefit E against least coverage, point by point")
    add_scenario_argument(parser, optional=False)
    parser.add_argument("--points", type=int, default=11, metavar="N", help="ε values (≥ 2)")
    add_change_arguments(parser)
    add_format_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.points < 2:
        raise ScenarioError([problem("too_few_points", file="--points")])
    scenario = load(args)
    table = pareto(scenario, args.points, time_limit_s=args.time_limit)
    if args.json:
        plans = [p.to_dict() for p in table.attrs["plans"]]
        print_json(
            {
                "scenario": scenario.name,
                "unit": scenario.unit,
                "points": _records(table),
                "plans": plans,
            }
        )
    else:
        print_table(table, args, t("cli.pareto.title", scenario=scenario.name), scenario)
        if not args.csv and table["balanced"].any():  # the row with no ε: say what it is
            weight = scenario.objective.equity_weight
            print("\n" + t("cli.pareto.balanced_row", weight=f"{weight:g}"))
    return 0
