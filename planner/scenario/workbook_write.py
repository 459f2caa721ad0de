"""Writing a scenario workbook (.xlsx) and the empty template a planner fills in Excel.

Every workbook carries a ``README`` sheet explaining each column and its unit, frozen header rows, set
column widths and data validation: drop-downs for profiles, sectors, regions, groups and booleans
(read live from the workbook's own sheets, so a region added to ``Regions`` appears in the ``Needs``
drop-down), numbers ≥ 0, shares in [0, 1] and whole numbers where the spec asks for them. Excel
enforces these while a planner types; :mod:`planner.scenario.workbook` checks everything again.

Text is written as text: a name starting with ``=`` is a string cell with Excel's quote prefix, never a
formula.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from planner.scenario.actuals import SpendingRow, StartRow
from planner.scenario.columns import criteria_keys, table_columns
from planner.scenario.files import scenario_document, write_atomic
from planner.scenario.funding import FundingRule, Source
from planner.scenario.model import Need, Objective, Region, Scenario
from planner.scenario.projects import Project
from planner.scenario.sheets import SHEET_TABLES, SHEETS, THROUGH, SheetSpec

MAX_VALIDATED_ROW = 5_000
"""Rows 2 … this carry the data validation (Excel stores a range, so the size costs nothing)."""
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FONT_BOLD = True
MIN_WIDTH, MAX_WIDTH = 10, 48

TEMPLATE_SETTINGS: dict[str, list[Any]] = {
    "version": [1],
    "name": [],
    "unit": ["CNY bn"],
    "periods": [],
    "budget": [],
    "sectors": [],
    "tranches": [1],
    "carry_over": [True],
    "discount_rate": [0],
    "redundancy_tolerance": [0],
    "mode": ["efficiency"],
    "equity_weight": [0.5],
    "mip_gap": [0.0001],
    THROUGH: [],
}
"""The Scenario sheet of an empty template: the spec's defaults, blanks where only the planner knows."""

NON_NEGATIVE = (
    "need",
    "benefit",
    "max_per_period",
    "cost",
    "value",
    "shared_need",
    "weight",
    "debt_room",
)
SHARES = ("min_share_of_need", "share_min", "share_max", "max_share")
LIST_SOURCES = {
    "source": "=Sources!$A$2:$A${n}",
    "profile": "=Profiles!$A$2:$A${n}",
    "region": "=Regions!$A$2:$A${n}",
    "group": "=Groups!$A$2:$A${n}",
    "project": "=Projects!$A$2:$A${n}",
}
SETTING_LISTS = {"sector": "sectors", "period": "periods"}
"""Drop-downs read from a row of the Scenario sheet: a sector from ``sectors``, a period from
``periods``."""
COLUMN_KINDS = {("Actuals", "period"): "period", ("Project starts", "start"): "period"}
COLUMN_KINDS |= {("Project starts", "id"): "project", ("Actuals", "amount"): "need"}
"""Columns checked like another kind on their sheet: a recorded start is a period, a recorded id a
project's, a recorded amount a number ≥ 0 like a need (a Sources ``amount`` may list figures)."""
BOOLEAN_LIST = '"TRUE,FALSE"'
MODE_LIST = '"efficiency,equity,balanced"'


def workbook_bytes(scenario: Scenario | None) -> bytes:
    """The scenario as an xlsx workbook; ``None`` gives the empty template."""
    from openpyxl import Workbook

    book = Workbook()
    readme = book.active
    readme.title = "README"
    document = scenario_document(scenario) if scenario is not None else None
    settings: dict[str, int] = {}
    criteria = criteria_keys(document) if document is not None else []
    for spec in SHEETS:
        sheet = book.create_sheet(spec.title)
        if spec.title == "Scenario":
            settings = _write_settings(sheet, document)
        else:
            rows = spec.write(document) if document is not None else []
            _write_table(sheet, spec, rows, criteria)
    for spec in SHEETS:
        _validate(book[spec.title], spec, settings, criteria)
    _write_readme(readme, scenario.unit if scenario is not None else "the scenario's unit")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def save_workbook(scenario: Scenario | None, path: str | os.PathLike[str]) -> Path:
    """Write :func:`workbook_bytes` to ``path`` atomically; returns the path."""
    target = Path(path)
    write_atomic(target, workbook_bytes(scenario))
    return target


def _put(sheet: Any, row: int, column: int, value: Any) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited


def _write_settings(sheet: Any, document: dict[str, Any] | None) -> dict[str, int]:
    """Key / value rows; returns each key's Excel row (the sector and period drop-downs read
    theirs)."""
    rows = SHEETS[0].write(document) if document is not None else _template_settings()
    _header(sheet, ("key", "value"))
    for number, row in enumerate(rows, start=2):
        _put(sheet, number, 1, row["key"])
        for column, value in enumerate(row["value"], start=2):
            _put(sheet, number, column, value)
    sheet.column_dimensions["A"].width = 22
    for letter in "BCDEFGHIJKL":
        sheet.column_dimensions[letter].width = 14
    return {row["key"]: number for number, row in enumerate(rows, start=2)}


def _template_settings() -> list[dict[str, Any]]:
    return [{"key": key, "value": values} for key, values in TEMPLATE_SETTINGS.items()]


def _write_table(
    sheet: Any, spec: SheetSpec, rows: list[dict[str, Any]], criteria: list[str]
) -> None:
    """With criteria, the Needs sheet's score columns replace ``benefit`` (criteria.md)."""
    table = SHEET_TABLES.get(spec.title)
    first = table_columns(table, criteria if table == "needs" else []) if table else spec.header
    annotations = list(dict.fromkeys(k for row in rows for k in row if k not in first))
    columns = [*first, *annotations] if table else list(first)
    _header(sheet, columns)
    for number, row in enumerate(rows, start=2):
        for column, name in enumerate(columns, start=1):
            value = row.get(name)
            if value is not None and value != "":
                _put(sheet, number, column, value)
    _set_widths(sheet, columns, rows)


def _header(sheet: Any, columns: Any) -> None:
    from openpyxl.styles import Font

    for column, name in enumerate(columns, start=1):
        _put(sheet, 1, column, name)
        sheet.cell(row=1, column=column).font = Font(bold=HEADER_FONT_BOLD)
    sheet.freeze_panes = "A2"


def _set_widths(sheet: Any, columns: list[str], rows: list[dict[str, Any]]) -> None:
    from openpyxl.utils import get_column_letter

    for index, name in enumerate(columns, start=1):
        longest = max([len(name)] + [len(str(row.get(name, ""))) for row in rows[:500]])
        width = min(max(longest + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width


# ---- data validation ----


def _validate(sheet: Any, spec: SheetSpec, settings: dict[str, int], criteria: list[str]) -> None:
    if spec.title == "Scenario":
        _validate_settings(sheet, settings)
        return
    from openpyxl.utils import get_column_letter

    header = [cell.value for cell in sheet[1]]
    for index, name in enumerate(header, start=1):
        score = spec.title == "Needs" and name in criteria
        rule = _column_rule(spec.title, "need" if score else name, settings)
        if rule is not None:
            letter = get_column_letter(index)
            rule.add(f"{letter}2:{letter}{MAX_VALIDATED_ROW}")
            sheet.add_data_validation(rule)


def _column_rule(title: str, name: str, settings: dict[str, int]) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    def rule(kind: str, message: str, **limits: Any) -> DataValidation:
        return DataValidation(
            type=kind,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=f"{title}: {name}",
            error=message,
            **limits,
        )

    own_key = {"Profiles": "profile", "Groups": "group"}.get(title)
    kind = COLUMN_KINDS.get((title, name), name)
    if kind in NON_NEGATIVE:
        return rule("decimal", "a number ≥ 0", operator="greaterThanOrEqual", formula1="0")
    if name in SHARES:
        return rule(
            "decimal", "a share between 0 and 1", operator="between", formula1="0", formula2="1"
        )
    if name == "duration":
        return rule(
            "whole", "a whole number of periods ≥ 1", operator="greaterThanOrEqual", formula1="1"
        )
    if name == "max" and title == "Groups":
        return rule("whole", "a whole number ≥ 0", operator="greaterThanOrEqual", formula1="0")
    if name in ("mandatory", "debt"):
        return rule("list", "TRUE or FALSE", formula1=BOOLEAN_LIST)
    if kind in SETTING_LISTS and SETTING_LISTS[kind] in settings:
        source = _settings_row(settings[SETTING_LISTS[kind]])
        message = f"one of the {SETTING_LISTS[kind]} listed on the Scenario sheet"
        return rule("list", message, formula1=source)
    if kind in LIST_SOURCES and kind != own_key and not (title == "Regions" and kind == "region"):
        source = LIST_SOURCES[kind].format(n=MAX_VALIDATED_ROW)
        return rule("list", f"a {kind} listed on its own sheet", formula1=source)
    return None


def _settings_row(number: int) -> str:
    """The values of one Scenario-sheet row, as a drop-down's source."""
    return f"=Scenario!$B${number}:$Z${number}"


def _validate_settings(sheet: Any, settings: dict[str, int]) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    periods = _settings_row(settings["periods"])
    for row in sheet.iter_rows(min_row=2, max_col=1):
        key = row[0].value
        choices = {"carry_over": BOOLEAN_LIST, "mode": MODE_LIST, THROUGH: periods}.get(key)
        if choices is not None:
            rule = DataValidation(type="list", formula1=choices, allow_blank=True)
            rule.add(f"B{row[0].row}")
            sheet.add_data_validation(rule)


# ---- README ----

PROFILE_HELP = {
    "profile": (
        "text",
        "Name of the profile; a row with only a name declares a profile with defaults.",
    ),
    "sector": ("text", "A sector of the Scenario sheet."),
    "weight": (
        "multiplier",
        "Benefit multiplier of this sector for regions of the profile (blank = 1).",
    ),
    "share_min": (
        "share 0–1",
        "Least share of a region's own total allocation for this sector (blank = 0).",
    ),
    "share_max": (
        "share 0–1",
        "Largest share of a region's own total allocation for this sector (blank = 1).",
    ),
}
CORRIDOR_HELP = {
    "corridor": ("text", "Name of the corridor; one row per sector it caps."),
    "members": (
        "region ids",
        "Member regions separated by ';' (later rows of a corridor may leave it blank).",
    ),
    "sector": ("text", "Sector capped for the members together."),
    "shared_need": ("{unit}", "Cap on the members' combined allocation in this sector."),
}
CRITERION_HELP = {
    "criterion": (
        "text",
        "Key of a criterion; the Needs sheet then holds one column of scores under this key "
        "(blank = 0) and no benefit column.",
    ),
    "weight": (
        "weight ≥ 0",
        "Weight of the criterion: benefit = Σ weight · score ÷ the criterion's largest score "
        "over the pairs with a need (weights are used as given, not rescaled).",
    ),
    "label": ("text", "Display name of the criterion (blank = the key)."),
}
SCORE_HELP = (
    "Needs",
    "(each criterion key)",
    "score ≥ 0",
    "With a Criteria sheet: the pair's score on that criterion (blank = 0); leave out benefit.",
)
GROUP_HELP = {
    "group": ("text", "Name of a group of alternative projects (the projects' `group` column)."),
    "max": ("whole number", "Most projects of the group that may be funded."),
}
SETTING_HELP = {
    "budget": (
        "{unit}",
        "Total budget, split evenly over the periods (or use 'budget per period').",
    ),
    "budget per period": ("{unit}", "One budget per period, each under its period label."),
    "periods": ("labels", "Period labels, one per cell along the row."),
    "sectors": ("names", "Sector names, one per cell along the row."),
    "tranches": ("multipliers", "Relative marginal benefit of successive equal slices of a need."),
    "mode": ("text", "What the plan maximizes: efficiency, equity or balanced."),
    "equity_weight": ("share 0–1", "Weight of equity in balanced mode."),
    THROUGH: (
        "period label",
        "The last past period (actuals.md): the periods up to it are locked to what the Actuals "
        "and Project starts sheets record; blank = no record, every period is planned.",
    ),
}
MONEY = {"need", "max_per_period", "cost", "shared_need"}


def _model_help(model: Any, column: str, unit: str) -> tuple[str, str]:
    info = model.model_fields.get(column)
    meaning = info.description if info is not None and info.description else ""
    money = column in MONEY or (model is SpendingRow and column == "amount")
    what = unit if money else ("share 0–1" if column in SHARES else "")
    return what, meaning.replace("(unit)", f"({unit})")


def _setting_help(key: str, unit: str) -> tuple[str, str]:
    if key in SETTING_HELP:
        what, meaning = SETTING_HELP[key]
        return what.format(unit=unit), meaning
    return _model_help(Objective if key == "equity_weight" else Scenario, key, unit)


def _readme_rows(unit: str) -> list[tuple[str, str, str, str]]:
    keys = [*TEMPLATE_SETTINGS, "budget per period"]
    rows = [("Scenario", key, *_setting_help(key, unit)) for key in keys]
    models = {
        "Regions": Region,
        "Needs": Need,
        "Projects": Project,
        "Sources": Source,
        "Funding rules": FundingRule,
        "Actuals": SpendingRow,
        "Project starts": StartRow,
    }
    helps = {
        "Criteria": CRITERION_HELP,
        "Profiles": PROFILE_HELP,
        "Corridors": CORRIDOR_HELP,
        "Groups": GROUP_HELP,
    }
    for spec in SHEETS[1:]:
        for column in spec.header:
            if spec.title in models:
                what, meaning = _model_help(models[spec.title], column, unit)
            else:
                what, meaning = helps[spec.title][column]
            rows.append((spec.title, column, what.format(unit=unit), meaning))
        if spec.title == "Needs":
            rows.append(SCORE_HELP)
    return rows


def _write_readme(sheet: Any, unit: str) -> None:
    lines = [
        "A planner scenario. Fill the sheets, save, and run: planner solve plan.xlsx",
        "Each table's first row holds the column names; keep them. Blank cells mean the default.",
        "Any other column in Regions, Needs or Projects (source, note, …) is kept as an annotation.",
        "Criteria (optional): the benefit is then derived from one Needs column of scores per "
        "criterion.",
        "Sources and Funding rules (optional): which pool pays for what (funding.md); the budget "
        "is then the sources' total, and Regions may carry a debt_room column.",
        f"Actuals and Project starts (optional, with '{THROUGH}' on the Scenario sheet): what "
        "was really spent and started in the past periods, which are then locked (actuals.md).",
        "Formulas are fine: planner reads the value Excel saved with them.",
    ]
    for number, line in enumerate(lines, start=1):
        _put(sheet, number, 1, line)
    start = len(lines) + 2
    _header_at(sheet, start, ("sheet", "column", "unit", "meaning"))
    for number, row in enumerate(_readme_rows(unit), start=start + 1):
        for column, value in enumerate(row, start=1):
            _put(sheet, number, column, value)
    for letter, width in zip("ABCD", (12, 22, 16, 90), strict=True):
        sheet.column_dimensions[letter].width = width


def _header_at(sheet: Any, row: int, columns: tuple[str, ...]) -> None:
    from openpyxl.styles import Font

    for column, name in enumerate(columns, start=1):
        sheet.cell(row=row, column=column, value=name).font = Font(bold=True)
