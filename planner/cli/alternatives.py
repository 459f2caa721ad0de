"""``planner alternatives [SCENARIO] --slack 0.05 --count 5 [--by region|sector|pair]``: how much room
the optimal plan has, and different plans almost as good.

Prints the ranges (least and most money per region, and per sector or pair with ``--by``) beside the
optimal amounts, the alternatives with their objective and distances, and the pairs funded in all or
none of them; ``--json`` prints one document, ``--out FILE`` writes it in the format its suffix
names: ``.json`` that document, ``.xlsx``, ``.html`` or ``.csv`` the plan's report with the
alternatives (as ``planner report --alternatives``); any other suffix exits 2. An infeasible
scenario exits 3 with its diagnosis on stderr, as ``solve`` does; a bad ``--slack``, ``--count`` or
``--by`` exits 2 with one line each.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import pandas as pd

from planner.analysis.alternatives import MAX_COUNT, Alternatives, alternatives, check_arguments
from planner.cli.common import add_change_arguments, add_scenario_argument, exit_code_for, load
from planner.cli.summary import mode_word
from planner.cli.tables import localized
from planner.errors import ScenarioError
from planner.i18n.catalog import language, t
from planner.i18n.names import project_names, region_names, sector_name
from planner.i18n.units import shown
from planner.reports import check_output, export, format_of, report_info
from planner.reports.safety import atomic_write


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "alternatives",
        help="ranges of each region's money over near-optimal plans, and different plans almost as good",
    )
    add_scenario_argument(parser)
    # read as text and checked in run(): a bad value is one line and exit 2, not argparse's usage
    parser.add_argument(
        "--slack", default="0.05", help="share of the optimum a plan may give up (0 ≤ slack < 1)"
    )
    parser.add_argument(
        "--count", default="5", help=f"how many alternatives to look for (1 to {MAX_COUNT})"
    )
    parser.add_argument(
        "--by", default="region", help="ranges per region (always), and per sector or pair"
    )
    add_change_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print exactly one JSON document")
    parser.add_argument(
        "--out",
        metavar="FILE",
        help="write them to FILE, in the format its suffix names: .json, .xlsx, .html or .csv",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    slack, count = _number(args.slack, float), _number(args.count, int)
    try:
        check_arguments(slack, count, args.by)
    except ScenarioError as err:
        raise ScenarioError([p.at(file=f"--{p.file}") for p in err.problems]) from None
    if args.out:
        check_output(args.out)  # format and folder, before the solves
    found = alternatives(load(args), slack, count, args.by, time_limit_s=args.time_limit)
    plan = found.optimal
    if plan.diagnosis is not None:
        for line in plan.diagnosis.lines:
            print(line, file=sys.stderr)
    elif plan.message:
        print(plan.message, file=sys.stderr)
    if not plan.is_optimal:
        return exit_code_for(plan.status)
    text = json.dumps(found.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if args.out:
        if format_of(args.out) == "json":
            written = atomic_write(args.out, text.encode("utf-8"))
        else:
            written = export(plan, args.out, info=report_info(plan, None), alternatives=found)
        print(t("cli.wrote", path=written), file=sys.stderr)
    if args.json:
        sys.stdout.write(text)
    elif not args.out:
        print_summary(found)
    return 0


def _number(text: str, kind: type) -> Any:
    """The value of a flag as ``kind``; an unreadable one is passed on as text, which the range
    check refuses with its own line."""
    try:
        return kind(text)
    except ValueError:
        return text


def print_summary(found: Alternatives) -> None:
    scenario = found.optimal.scenario
    head = t(
        "cli.alternatives.head",
        scenario=found.scenario_name,
        mode=mode_word(found.mode),
        optimum=f"{found.optimum:,.4g}",
        slack=f"{found.slack:.1%}",
    )
    every = t("cli.alternatives.all")
    with pd.option_context(
        "display.width",
        200,
        "display.float_format",
        "{:,.4f}".format,
        "display.unicode.east_asian_width",
        language() == "zh",
    ):
        how = shown(found.unit)  # 亿元 in Chinese; the JSON document keeps the scenario's unit
        print(f"{head}\n\n" + t("cli.alternatives.ranges", unit=how.unit))
        money = found.ranges[["min", "max", "optimal"]] * how.factor
        ranges = localized(found.ranges.assign(**money), scenario).fillna(every)
        print(ranges.to_string(index=False))
        print("\n" + t("cli.alternatives.alternatives"))
        print(localized(found.summary()).to_string(index=False))
        if len(found.projects):
            print(
                "\n"
                + (t("cli.alternatives.projects") if language() != "en" else found.PROJECTS_TITLE)
            )
            print(localized(found.projects, scenario).to_string(index=False))
    print()
    regions = region_names(scenario) if language() != "en" and scenario is not None else {}
    projects = project_names(scenario) if language() != "en" and scenario is not None else {}
    listed = [("always", found.always_funded), ("never", found.never_funded)]
    for title, pairs in [*listed, ("moving", found.moving)]:
        named = (f"{regions.get(r, r)}/{sector_name(s)}" for r, s in pairs)
        print(t(f"cli.alternatives.{title}", count=len(pairs)) + ", ".join(named))
    if len(found.projects):
        for title, ids in (
            ("always_projects", found.always_funded_projects),
            ("never_projects", found.never_funded_projects),
            ("moving_projects", found.moving_projects),
        ):
            names = (projects.get(i, i) for i in ids)
            print(t(f"cli.alternatives.{title}", count=len(ids)) + ", ".join(names))
