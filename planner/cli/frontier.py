"""``planner frontier SCENARIO --budget START:STOP:STEP``: benefit and coverage at each budget."""

from __future__ import annotations

import argparse

from planner.analysis.frontier import budget_levels, frontier
from planner.cli.common import add_change_arguments, add_scenario_argument, load
from planner.cli.tables import add_format_arguments, print_json, print_table
from planner.errors import Problem, ScenarioError
from planner.solve.plan import _records


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("frontier", help="benefit E and least coverage over a range of budgets")
    add_scenario_argument(parser, optional=False)
    parser.add_argument(
        "--budget", required=True, metavar="START:STOP:STEP", help="total budgets (unit)"
    )
    add_change_arguments(parser)
    add_format_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        levels = budget_levels(args.budget)
    except ValueError as err:
        raise ScenarioError([Problem(str(err), file="--budget")]) from None
    scenario = load(args)
    table = frontier(scenario, levels, time_limit_s=args.time_limit)
    if args.json:
        payload = {
            "scenario": scenario.name,
            "unit": scenario.unit,
            "points": _records(table),
            "first_funded": table.attrs["first_funded"],
        }
        if "first_funded_projects" in table.attrs:  # only with candidate projects
            payload["first_funded_projects"] = table.attrs["first_funded_projects"]
        print_json(payload)
    elif args.csv:
        print_table(table, args)
    else:
        # the lists of newly funded pairs are long: print them under the table, not in a column
        shown = table.drop(
            columns=["newly_funded", "new_projects", "dropped_projects"], errors="ignore"
        )
        print_table(shown, args, f"{scenario.name}: budget frontier ({scenario.unit})")
        _print_first_funded(table)
    return 0


def _print_first_funded(table) -> None:  # type: ignore[no-untyped-def]
    if "newly_funded" not in table:
        return
    print("\nFirst funded at (region/sector):")
    for budget, funded in zip(table["budget"], table["newly_funded"], strict=True):
        if funded:
            print(f"  {budget:,.1f}: {funded}")
    if "new_projects" not in table:
        return
    print("\nProjects entering (+) and leaving (−) at:")
    for budget, new, dropped in zip(
        table["budget"], table["new_projects"], table["dropped_projects"], strict=True
    ):
        moves = [f"+{p}" for p in new.split(", ") if p] + [
            f"−{p}" for p in dropped.split(", ") if p
        ]
        if moves:
            print(f"  {budget:,.1f}: {' '.join(moves)}")
