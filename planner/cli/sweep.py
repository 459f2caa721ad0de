"""``planner sweep [SCENARIO]``: Monte-Carlo sweep over uncertain needs, benefits and budgets."""

from __future__ import annotations

import argparse

from planner.cli.common import add_change_arguments, add_scenario_argument, load
from planner.errors import ExitCode
from planner.i18n.catalog import t
from planner.sweep.engine import sweep, terminal_progress
from planner.sweep.robust import CRITERIA


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "sweep",
        help="solve many perturbed samples of a scenario and summarize what holds up",
        description="Draw perturbed samples of the scenario, solve each, and report per region × "
        "sector the P10/P50/P90 allocation, the probability of funding, the regret of the "
        "deterministic plan and a robust plan (docs/sweeps.md).",
    )
    add_scenario_argument(parser)
    add_change_arguments(parser)
    parser.add_argument(
        "--samples", type=int, default=100, metavar="N", help="samples per grid point"
    )
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    parser.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="SPEC",
        help="what moves and how, e.g. benefit=±30%%, need[transport]@region=tri:-20%%..0%%..+40%%, "
        "budget=1800..2400 (repeatable)",
    )
    parser.add_argument(
        "--grid",
        action="append",
        default=[],
        metavar="KEY=V1,V2",
        help="run the sweep for each value (repeatable; combinations of all grids)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="address of a running Dask scheduler (tcp://host:port)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        metavar="K",
        help="local worker processes (default: one per core; 0 runs in this process)",
    )
    parser.add_argument("--batch-size", type=int, metavar="B", help="samples per task")
    parser.add_argument(
        "--candidates", type=int, default=5, metavar="C", help="sampled plans competing for robust"
    )
    parser.add_argument("--robust", choices=sorted(CRITERIA), default="expected")
    parser.add_argument("--out", metavar="PATH", help="results .parquet or .csv (tables beside it)")
    parser.add_argument("--report", metavar="PATH", help="write the Markdown report section here")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from planner.errors import OutputError, ScenarioError
    from planner.i18n.problems import problem

    problems = [
        problem("at_least", file=f"--{name.replace('_', '-')}", low=low)
        for name, low in (("samples", 1), ("workers", 0), ("batch_size", 1), ("candidates", 0))
        if getattr(args, name) is not None and getattr(args, name) < low
    ]
    if problems:
        raise ScenarioError(problems)
    scenario = load(args)
    result = sweep(
        scenario,
        samples=args.samples,
        seed=args.seed,
        vary=args.vary,
        grid=args.grid,
        scheduler=args.scheduler,
        workers=args.workers,
        batch_size=args.batch_size,
        candidates=args.candidates,
        robust=args.robust,
        time_limit_s=args.time_limit,
        progress=None if args.no_progress else terminal_progress(),
    )
    print(result.summary_text(scenario=scenario))
    if args.out:
        for path in result.write(args.out):
            print(t("cli.wrote", path=path))
    if args.report:
        from planner.sweep.result import write_text

        try:
            write_text(args.report, result.report_section())
        except OSError as err:
            raise OutputError(
                t("cli.output.cannot_write", target=args.report, reason=err.strerror or err)
            ) from None
        print(t("cli.wrote", path=args.report))
    return int(ExitCode.OK)
