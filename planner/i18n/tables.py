"""An analysis table as a person reads it in the active language.

Headers from the catalog (``cli.column.<name>``, else the reports' ``column.<name>``), solve statuses
and yes/no in words, regions, sectors and candidate projects by their names when the scenario is
given. English leaves a table as it is: its headers are the names programs and the docs use.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from planner.i18n.catalog import catalog, language, t
from planner.i18n.names import project_names, region_names, sector_name


def localized(frame: pd.DataFrame, scenario: Any = None) -> pd.DataFrame:
    """The table as a person reads it in the active language (English: unchanged)."""
    if language() == "en":
        return frame
    shown = frame.copy()
    if "status" in shown:
        shown["status"] = [status_word(s) if isinstance(s, str) else s for s in shown["status"]]
    if scenario is not None:
        names = {"region": region_names(scenario), "sector": {}, "id": project_names(scenario)}
        names["sector"] = {s: sector_name(s) for s in scenario.sectors}
        for column, table in names.items():
            if column in shown and column != "id":
                shown[column] = shown[column].map(lambda v, m=table: m.get(v, v))
        if "id" in shown and "name" in shown:  # a projects table: the name in the language
            shown["name"] = [
                names["id"].get(i, n) for i, n in zip(shown["id"], shown["name"], strict=True)
            ]
    for column in [c for c in shown.columns if pd.api.types.is_bool_dtype(shown[c])]:
        shown[column] = [t("report.yes") if v else t("report.no") for v in shown[column]]
    return shown.rename(columns={c: column_word(c) for c in shown.columns})


def column_word(column: Any) -> Any:
    """A table header in the active language: ``column.<name>``, else ``cli.column.<name>``."""
    for key in (f"cli.column.{column}", f"column.{column}"):
        if key in catalog("en"):
            return t(key)
    return column


def status_word(status: str) -> str:
    """A solve status in the active language (``optimal`` → ``最优``); unknown ones as given."""
    key = f"status.{status.replace(' ', '_')}"
    return t(key) if key in catalog("en") else status
