"""``planner frontier SCENARIO --budget START:STOP:STEP``: benefit and coverage at each budget; or
``--criterion NAME --weights START:STOP:STEP``: at each weight of one criterion (criteria.md); or
``--source SOURCE START:STOP:STEP``: at each amount of one funding source (funding.md)."""

from __future__ import annotations

import argparse

import pandas as pd

from planner.analysis.frontier import budget_levels, frontier, source_frontier, weight_frontier
from planner.cli.common import add_change_arguments, add_scenario_argument, load
from planner.cli.tables import add_format_arguments, print_json, print_table
from planner.errors import Problem, ScenarioError
from planner.i18n.catalog import language, t
from planner.i18n.names import project_names, region_names, sector_name, source_names
from planner.i18n.problems import problem
from planner.i18n.units import shown
from planner.solve.plan import _records


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "frontier", help="benefit E and least coverage over a range of budgets or criterion weights"
    )
    add_scenario_argument(parser, optional=False)
    parser.add_argument("--budget", metavar="START:STOP:STEP", help="total budgets (unit)")
    parser.add_argument("--criterion", metavar="NAME", help="a criterion whose weight varies")
    parser.add_argument(
        "--weights", metavar="START:STOP:STEP", help="the criterion's weights (with --criterion)"
    )
    parser.add_argument(
        "--source",
        nargs=2,
        metavar=("SOURCE", "START:STOP:STEP"),
        help="a funding source and its amounts over the horizon (unit)",
    )
    add_change_arguments(parser)
    add_format_arguments(parser)
    parser.set_defaults(func=run)


def _levels(args: argparse.Namespace) -> tuple[str, list[float]]:
    """Which option gives the levels, and the levels; exactly one of --budget and --criterion."""
    by_weight = args.criterion is not None or args.weights is not None
    if sum([by_weight, args.budget is not None, args.source is not None]) != 1:
        raise ScenarioError([problem("frontier_levels", file="--budget")])
    if args.source is not None:
        try:
            return "--source", budget_levels(args.source[1])
        except ValueError as err:
            raise ScenarioError([Problem(str(err), file="--source")]) from None
    option = "--weights" if by_weight else "--budget"
    if by_weight and (args.criterion is None or args.weights is None):
        missing = "--weights" if args.weights is None else "--criterion"
        raise ScenarioError([problem("option_missing", file=missing, option=missing)])
    try:
        return option, budget_levels(args.weights if by_weight else args.budget)
    except ValueError as err:
        raise ScenarioError([Problem(str(err), file=option)]) from None


def run(args: argparse.Namespace) -> int:
    option, levels = _levels(args)
    scenario = load(args)
    if option == "--weights":
        table = weight_frontier(scenario, args.criterion, levels, time_limit_s=args.time_limit)
        title = t("cli.frontier.weight_title", scenario=scenario.name, criterion=args.criterion)
    elif option == "--source":
        table = source_frontier(scenario, args.source[0], levels, time_limit_s=args.time_limit)
        title = t(
            "cli.frontier.source_title",
            scenario=scenario.name,
            source=source_names(scenario).get(args.source[0], args.source[0]),
            unit=shown(scenario.unit).unit,
        )
    else:
        table = frontier(scenario, levels, time_limit_s=args.time_limit)
        title = t(
            "cli.frontier.budget_title", scenario=scenario.name, unit=shown(scenario.unit).unit
        )
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
        table = in_shown_money(table, scenario.unit)
        text = table.drop(
            columns=["newly_funded", "new_projects", "dropped_projects"], errors="ignore"
        )
        print_table(text, args, title, scenario)
        _print_first_funded(table, scenario)
    return 0


MONEY_COLUMNS = ("budget", "allocated")
"""The frontier's columns in the scenario's unit of money (E and coverage are not money)."""


def in_shown_money(table: pd.DataFrame, unit: str) -> pd.DataFrame:
    """``table`` with its money in the unit a person reads (亿元 in Chinese); CSV and JSON keep the
    scenario's unit."""
    how = shown(unit)
    money = [c for c in MONEY_COLUMNS if c in table]
    return table.assign(**{c: table[c] * how.factor for c in money}) if how.factor != 1 else table


def _print_first_funded(table, scenario) -> None:  # type: ignore[no-untyped-def]
    if "newly_funded" not in table:
        return
    print("\n" + t("cli.frontier.first_funded"))
    for level, funded in zip(table.iloc[:, 0], table["newly_funded"], strict=True):
        if funded:
            print(f"  {level:,.6g}: {_pairs_named(funded, scenario)}")
    if "new_projects" not in table:
        return
    print("\n" + t("cli.frontier.projects_moving"))
    names = project_names(scenario) if language() == "zh" else {}
    for level, new, dropped in zip(
        table.iloc[:, 0], table["new_projects"], table["dropped_projects"], strict=True
    ):
        moves = [f"+{names.get(p, p)}" for p in new.split(", ") if p] + [
            f"−{names.get(p, p)}" for p in dropped.split(", ") if p
        ]
        if moves:
            print(f"  {level:,.6g}: {' '.join(moves)}")


def _pairs_named(pairs: str, scenario) -> str:  # type: ignore[no-untyped-def]
    """``sichuan/water, …`` as ``四川/水利、…`` in Chinese; as given in English."""
    if language() == "en":
        return pairs
    regions = region_names(scenario)
    named = []
    for pair in pairs.split(", "):
        region, _, sector = pair.partition("/")
        named.append(f"{regions.get(region, region)}/{sector_name(sector)}")
    return t("list.separator").join(named)
