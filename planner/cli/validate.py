"""``planner validate SCENARIO``: every problem, one per line; exit 0 when there is none."""

from __future__ import annotations

import argparse

from planner.cli.common import add_change_arguments, add_scenario_argument, load
from planner.i18n.catalog import t


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("validate", help="check a scenario and list every problem")
    add_scenario_argument(parser, optional=False)
    add_change_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    scenario = load(args)
    print(
        t(
            "cli.valid",
            name=scenario.name,
            regions=len(scenario.regions),
            sectors=len(scenario.sectors),
            periods=len(scenario.periods),
            needs=len(scenario.needs),
        )
    )
    return 0
