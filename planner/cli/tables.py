"""Printing analysis tables: readable text by default, ``--csv`` or ``--json`` for other programs.

Text is in the active language (:func:`planner.i18n.tables.localized`); CSV and JSON are for programs
and keep the tables' own column names and ids.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import pandas as pd

from planner.i18n.catalog import language
from planner.i18n.tables import localized


def add_format_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="print exactly one JSON document")
    group.add_argument("--csv", action="store_true", help="print the table as CSV")


def print_json(document: dict[str, Any]) -> None:
    print(json.dumps(document, indent=2, ensure_ascii=False, default=_plain))


def print_table(
    frame: pd.DataFrame, args: argparse.Namespace, title: str = "", scenario: Any = None
) -> None:
    """Text or CSV (``--json`` is the verb's own document); text in the active language."""
    if args.csv:
        print(frame.to_csv(index=False), end="")
        return
    if title:
        print(title)
    shown = localized(frame, scenario)
    with pd.option_context(
        "display.width",
        200,
        "display.max_colwidth",
        80,
        "display.unicode.east_asian_width",
        language() == "zh",
    ):
        print(shown.to_string(index=False))


RESIDUE = 1e-9
"""A number a person reads below this is solver noise (a spent budget's 4.5e-13 left over): shown as 0."""


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its float columns as text a person reads, like the summary's numbers: 1,266.6
    from 1 up (money to one decimal), three significant digits below (a coverage of 0.595), 0 for a
    residue, - for nothing; never 1.266566e+03."""
    shown = frame.copy()
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]):
            shown[column] = shown[column].map(_readable_number)
    return shown


def _readable_number(value: float) -> str:
    if pd.isna(value):
        return "-"
    if abs(value) < RESIDUE:
        return "0"
    return f"{value:,.1f}" if abs(value) >= 1 else f"{value:.3g}"


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else str(value)
