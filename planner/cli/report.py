"""``planner report [SCENARIO] --out FILE [--out FILE ...] [--briefing FILE.html] [--lang zh]``: solve
and write reports, and a director's one-page briefing.

The format follows each file's suffix (.xlsx, .html, .csv, .json). Every ``--out`` is checked before
the solve, so a typo costs a second, not a solve. An infeasible scenario still gets its reports (with
the diagnosis) and exit code 3.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from planner.analysis.alternatives import alternatives
from planner.cli.common import add_change_arguments, add_scenario_argument, exit_code_for, load
from planner.cli.recording import add_record_arguments, check_store, record_plan
from planner.errors import OutputError
from planner.i18n.catalog import t
from planner.i18n.tables import status_word
from planner.reports import (
    RENDERERS,
    Approval,
    check_briefing,
    check_output,
    export,
    format_of,
    projects_csv_path,
    report_info,
    write_briefing,
)
from planner.scenario.files import load_scenario
from planner.solve.plan_model import solve


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    known = ", ".join(f".{f}" for f in RENDERERS)
    parser = sub.add_parser(
        "report",
        help="solve a scenario and write reports (Excel, HTML, CSV, JSON)",
        description=f"Solve a scenario and write one report per --out; the suffix picks the format ({known}).",
    )
    add_scenario_argument(parser)
    add_change_arguments(parser)
    parser.add_argument(
        "--out",
        "-o",
        dest="outs",
        action="append",
        default=[],
        metavar="FILE",
        help=f"report file to write (repeatable); format from the suffix: {known}",
    )
    parser.add_argument(
        "--alternatives",
        action="store_true",
        help="add near-optimal ranges and 5 alternatives within 5%% of the optimum "
        "(as `planner alternatives`)",
    )
    parser.add_argument(
        "--baseline",
        metavar="SCENARIO",
        help="compare the plan against this scenario: the reports say which input changes moved it",
    )
    parser.add_argument(
        "--briefing",
        metavar="FILE.html",
        help="also write a one-page briefing for a director (print-ready HTML on A4)",
    )
    add_record_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.outs and not args.briefing:
        raise OutputError(t("cli.output.report_none"))
    for path in args.outs:
        check_output(path)  # OutputError → exit 2 with the reason, before any work
    if args.briefing:
        check_briefing(args.briefing)
    baseline = load_scenario(args.baseline) if args.baseline else None
    scenario = load(args)
    store = check_store(args)
    found = None
    if args.alternatives:
        found = alternatives(scenario, time_limit_s=args.time_limit)
        plan = found.optimal
    else:
        plan = solve(scenario, time_limit_s=args.time_limit)
    run_id = record_plan(store, plan, args)
    info = report_info(plan, baseline)
    if run_id:  # the reports name the run; a run just recorded is not decided yet
        info = replace(info, approval=Approval(run_id, note=args.note or ""))
    for path in args.outs:
        written = export(plan, path, info=info, alternatives=found if plan.is_optimal else None)
        print(t("cli.wrote", path=written), file=sys.stderr)
        if format_of(written) == "csv" and len(plan.projects):
            print(t("cli.wrote", path=projects_csv_path(written)), file=sys.stderr)
    if args.briefing:
        written = write_briefing(plan, args.briefing, approval=info.approval)
        print(t("cli.wrote", path=written), file=sys.stderr)
    if plan.message:
        print(plan.message, file=sys.stderr)
    print(
        t("cli.status_line", scenario=plan.scenario_name, status=status_word(plan.status)),
        file=sys.stderr,
    )
    return exit_code_for(plan.status)
