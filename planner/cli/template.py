"""``planner template OUT.xlsx [--like SCENARIO]``: a workbook a planner fills in Excel.

Empty (headers, the spec's defaults, a README sheet, drop-downs and number checks), or prefilled with a
scenario's data with ``--like``. Then: ``planner solve OUT.xlsx``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from planner.cli.convert import check_folder
from planner.errors import OutputError
from planner.i18n.catalog import t


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("template", help="write an empty or prefilled scenario workbook")
    parser.add_argument("target", metavar="OUT.xlsx", help="the workbook to write")
    parser.add_argument(
        "--like",
        metavar="SCENARIO",
        default=None,
        help="prefill with this scenario (YAML, folder, workbook or bundled name)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from planner.scenario.files import load_scenario
    from planner.scenario.workbook_write import save_workbook

    target = Path(args.target)
    if target.suffix.lower() != ".xlsx":
        raise OutputError(t("cli.output.template_suffix", target=target))
    check_folder(target)
    scenario = load_scenario(args.like) if args.like else None
    save_workbook(scenario, target)
    what = (
        t("cli.template.prefilled", scenario=scenario.name) if scenario else t("cli.template.empty")
    )
    print(t("cli.template.written", what=what, path=target))
    return 0
