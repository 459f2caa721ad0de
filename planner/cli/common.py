"""Arguments and helpers shared by several verbs."""

from __future__ import annotations

import argparse
from typing import Any

import yaml

from planner.errors import ExitCode, ScenarioError
from planner.i18n.problems import problem
from planner.scenario.model import CHANGEABLE, Scenario


def add_scenario_argument(parser: argparse.ArgumentParser, optional: bool = True) -> None:
    parser.add_argument(
        "scenario",
        nargs="?" if optional else None,
        help="scenario YAML file, folder holding scenario.yaml, xlsx workbook, or bundled name"
        + (" (default: the bundled western_china)" if optional else ""),
    )


def add_change_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set",
        dest="changes",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="change the scenario before solving (repeatable); keys: "
        f"{', '.join(sorted(CHANGEABLE))}, criteria.NAME (a criterion's weight), "
        "funding.SOURCE (a funding source's amount)",
    )
    parser.add_argument(
        "--time-limit",
        type=positive_seconds,
        default=None,
        metavar="SECONDS",
        help="HiGHS time limit; on reaching it the exit code is 4",
    )


def positive_seconds(text: str) -> float:
    """argparse type of --time-limit: refused (exit 2, one line) unless a positive finite number."""
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"the time limit must be positive seconds, got {text}")
    return seconds


def parse_changes(pairs: list[str]) -> dict[str, Any]:
    """``key=value`` strings to keyword changes; values are read as YAML scalars or lists."""
    changes: dict[str, Any] = {}
    problems = []
    for pair in pairs:
        key, sep, text = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            problems.append(problem("expected_key_value", file="--set", got=pair))
            continue
        try:
            changes[key] = yaml.safe_load(text)
        except yaml.YAMLError:
            problems.append(problem("unreadable_value", file="--set", field=key, value=text))
    if problems:
        raise ScenarioError(problems)
    return changes


def load(args: argparse.Namespace) -> Scenario:
    """The scenario the arguments name, with the ``--set`` changes applied (validated)."""
    from planner.scenario.datasets import default_scenario_path
    from planner.scenario.files import load_scenario

    scenario = load_scenario(args.scenario or default_scenario_path())
    changes = parse_changes(getattr(args, "changes", []) or [])
    if changes:
        try:
            scenario = scenario.with_changes(**changes)
        except ScenarioError as err:
            raise ScenarioError([p.at(file="--set") for p in err.problems]) from None
    return scenario


STATUS_EXIT = {
    "optimal": ExitCode.OK,
    "infeasible": ExitCode.INFEASIBLE,
    "unbounded": ExitCode.SOLVER,
    "time limit": ExitCode.SOLVER,
    "error": ExitCode.SOLVER,
}


def exit_code_for(status: str) -> int:
    return int(STATUS_EXIT.get(status, ExitCode.SOLVER))
