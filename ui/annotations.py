"""Annotation columns (``source``, ``note``, ``status``, …) of the input tables as the editors show them.

A scenario keeps the columns a table does not know as text on each row (``row.annotations``); the
editors show them as text columns after the table's own and write an edit back onto the row's record.
A blank cell is no annotation (the readers drop blank cells too), so an untouched blank stays absent and
the scenario comes back equal.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def annotation_columns(rows: Any) -> list[str]:
    """The annotation columns of an input table's rows, in the order first given."""
    return list(dict.fromkeys(k for row in rows for k in row.annotations))


DEFAULT_COLUMNS = ["source", "note"]
"""The annotation columns an editor offers when its table has none yet, so a planner can start one."""


def editable_columns(rows: Any) -> list[str]:
    """The annotation columns an editor shows: the rows' own, else ``source`` and ``note``."""
    return annotation_columns(rows) or list(DEFAULT_COLUMNS)


def with_annotations(frame: pd.DataFrame, rows: Any) -> pd.DataFrame:
    """``frame`` with the rows' :func:`editable_columns` as text columns after its own (blank
    where a row has none)."""
    for key in editable_columns(rows):
        if key not in frame.columns:
            frame[key] = [row.annotations.get(key, "") for row in rows]
    return frame


def text(value: Any) -> str:
    """An edited cell as text: blank for None, NaN and whitespace."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def set_annotation(record: dict[str, Any], key: str, value: Any) -> None:
    """Write one edited annotation cell onto a row's record: text, or no annotation when blank."""
    written = text(value)
    if written:
        record[key] = written
    elif record.get(key) not in (None, ""):
        del record[key]  # cleared on the page: the row no longer carries it
