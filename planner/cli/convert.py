"""``planner convert IN OUT``: a scenario between YAML (+ CSV tables) and an xlsx workbook.

The direction is chosen by OUT's suffix: ``.xlsx`` writes a workbook; ``.yaml``/``.yml`` one YAML file
with the tables inline; anything else a folder holding ``scenario.yaml`` and its CSV tables. IN is
anything ``load_scenario`` reads. Loading OUT gives a scenario equal to IN.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from planner.errors import OutputError
from planner.i18n.catalog import t


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "convert", help="convert a scenario between YAML (+ CSV) and an xlsx workbook"
    )
    parser.add_argument(
        "source", metavar="IN", help="scenario YAML, folder, workbook or bundled name"
    )
    parser.add_argument(
        "target",
        metavar="OUT",
        help="plan.xlsx (workbook), plan.yaml (one YAML file) or a folder (scenario.yaml + CSVs)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from planner.scenario.files import (
        load_scenario,
        save_scenario,
        scenario_yaml_text,
        write_atomic,
    )
    from planner.scenario.workbook_write import save_workbook

    scenario = load_scenario(args.source)
    target = Path(args.target)
    suffix = target.suffix.lower()
    if suffix in (".xlsx", ".yaml", ".yml"):
        check_folder(target)
    if suffix == ".xlsx":
        save_workbook(scenario, target)
    elif suffix in (".yaml", ".yml"):
        write_atomic(target, scenario_yaml_text(scenario))
    elif target.suffix:
        raise OutputError(t("cli.output.convert_suffix", target=target))
    else:
        if target.exists() and not target.is_dir():
            raise OutputError(t("cli.output.folder_is_file", target=target))
        save_scenario(scenario, target)
    print(f"{scenario.name}: written to {target}")
    return 0


def check_folder(target: Path) -> None:
    """Refuse before writing anything when OUT's folder is missing or OUT is a folder."""
    if target.is_dir():
        raise OutputError(t("cli.output.is_folder", target=target))
    if not target.absolute().parent.is_dir():
        raise OutputError(t("cli.output.no_folder", target=target, folder=target.parent))
