"""``planner alternatives [SCENARIO] --slack 0.05 --count 5 [--by region|sector|pair]``: how much room
the optimal plan has, and different plans almost as good.

Prints the ranges (least and most money per region, and per sector or pair with ``--by``) beside the
optimal amounts, the alternatives with their objective and distances, and the pairs funded in all or
none of them; ``--json`` prints one document, ``--out FILE`` writes it instead. An infeasible
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
from planner.errors import ScenarioError
from planner.reports.safety import atomic_write, check_writable


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
    parser.add_argument("--out", metavar="FILE", help="write the JSON document to FILE")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    slack, count = _number(args.slack, float), _number(args.count, int)
    try:
        check_arguments(slack, count, args.by)
    except ScenarioError as err:
        raise ScenarioError([p.at(file=f"--{p.file}") for p in err.problems]) from None
    if args.out:
        check_writable(args.out)  # before the solves
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
        print(f"wrote {atomic_write(args.out, text.encode('utf-8'))}", file=sys.stderr)
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
    head = (
        f"{found.scenario_name}: {found.mode} optimum {found.optimum:,.4g}, slack {found.slack:.1%}"
    )
    with pd.option_context("display.width", 200, "display.float_format", "{:,.4f}".format):
        print(f"{head}\n\nRanges over the near-optimal plans ({found.unit}, all periods)")
        print(found.ranges.fillna({"region": "all", "sector": "all"}).to_string(index=False))
        print("\nAlternatives (distances: share of the budget moved)")
        print(found.summary().to_string(index=False))
        if len(found.projects):
            print(f"\n{found.PROJECTS_TITLE}")
            print(found.projects.to_string(index=False))
    print()
    listed = [("Funded in all", found.always_funded), ("Funded in none", found.never_funded)]
    for title, pairs in [*listed, ("Moves", found.moving)]:
        print(f"{title} ({len(pairs)}): " + ", ".join(f"{r}/{s}" for r, s in pairs))
    if len(found.projects):
        for title, ids in (
            ("Projects funded in all", found.always_funded_projects),
            ("Projects funded in none", found.never_funded_projects),
            ("Projects that move", found.moving_projects),
        ):
            print(f"{title} ({len(ids)}): " + ", ".join(ids))
