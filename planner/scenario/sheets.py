"""The workbook's sheets as plain rows: each sheet to its part of the scenario document, and back.

No openpyxl here: :mod:`planner.scenario.workbook` turns cells into :class:`Row` values (Excel row
number, header → value) and :mod:`planner.scenario.workbook_write` turns rows into cells. Each sheet
has a reader (rows → document part, problems, and where each part came from) and a writer (document →
header and rows), registered in :data:`SHEETS`.

Adding a sheet: write ``read_x`` and ``write_x`` here, add a :class:`SheetSpec` to :data:`SHEETS`
and to :data:`READ_ORDER` if another sheet's header depends on it,
describe its columns in ``workbook_write``'s README help, and map its document locations in
``workbook.locate``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from planner.errors import Problem
from planner.i18n.problems import problem
from planner.scenario.actuals import SPENDING_COLUMNS, STARTS_COLUMNS
from planner.scenario.columns import FUNDING_TABLES, TABLES, header_problems, near_miss

Where = dict[tuple[Any, ...], tuple[str, int]]
"""Location index: a document path (``("needs", 3)``, ``("profiles", "core", "power")``, ``("budget",)``)
→ the (sheet, Excel row) it was read from, so a validation problem can name the cell's row."""


@dataclass(frozen=True)
class Row:
    """One non-blank sheet row: its Excel row number and its cells by column header (blanks left out)."""

    number: int
    cells: dict[str, Any]


@dataclass
class SheetRead:
    """What a sheet contributes: document keys, problems, and the location of what it read."""

    document: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    where: Where = field(default_factory=dict)


@dataclass(frozen=True)
class SheetSpec:
    """A sheet: its title, whether a scenario needs it, its header, its reader and its writer."""

    title: str
    required: bool
    header: tuple[str, ...]
    read: Callable[[list[Row], str], SheetRead]
    write: Callable[[dict[str, Any]], list[dict[str, Any]]]
    text_columns: tuple[str, ...] = ()  # a number typed here is meant as text (an id, a name)


# ---- Scenario: key / value rows ----

THROUGH = "actuals through"
"""The setting that holds ``actuals.through`` (actuals.md): the last past period; the Actuals and
Project starts sheets hold the record's tables."""

SETTINGS = (
    "version",
    "name",
    "name_zh",
    "unit",
    "periods",
    "budget",
    "budget per period",
    "sectors",
    "tranches",
    "carry_over",
    "discount_rate",
    "redundancy_tolerance",
    "mode",
    "equity_weight",
    "mip_gap",
    THROUGH,
)
LIST_SETTINGS = ("periods", "budget per period", "sectors", "tranches")
OBJECTIVE_SETTINGS = ("mode", "equity_weight")
SCENARIO_HEADER = ("key", "value")


def read_settings(rows: list[Row], file: str) -> SheetRead:
    """``key | value [| value …]`` rows; lists (periods, sectors, tranches, budget per period) run
    along the row, one value per cell, so a budget per period sits under its period label."""
    read = SheetRead()
    objective: dict[str, Any] = {}
    for row in rows:
        key, values = row.cells.get("key"), row.cells.get("value", [])
        if key is None:
            read.problems.append(problem("workbook.value_without_key", file=file, row=row.number))
            continue
        key = str(key).strip()
        if key not in SETTINGS:
            meant = near_miss(key, SETTINGS)
            at: dict[str, Any] = {"file": file, "row": row.number, "field": key}
            read.problems.append(
                problem("workbook.unknown_setting_meant", key=key, meant=meant, **at)
                if meant  # a near miss is named; else every setting is listed
                else problem("workbook.unknown_setting", key=key, known=", ".join(SETTINGS), **at)
            )
            continue
        if (key,) in read.where:
            read.problems.append(
                problem("workbook.set_twice", file=file, row=row.number, field=key, key=key)
            )
            continue
        read.where[(key,)] = (file, row.number)
        value = values if key in LIST_SETTINGS else (values[0] if len(values) == 1 else values)
        if values == []:
            continue  # blank: the default, or "missing" if required
        if key in OBJECTIVE_SETTINGS:
            objective[key] = value
        elif key == THROUGH:
            read.document["actuals"] = {"through": value}
        elif key.startswith("budget") and "budget" in read.document:
            read.problems.append(
                problem(
                    "workbook.budget_both",
                    file=file,
                    row=row.number,
                    field=key,
                )
            )
        else:
            read.document["budget" if key.startswith("budget") else key] = value
    if objective:
        read.document["objective"] = objective
    return read


def write_settings(document: dict[str, Any]) -> list[dict[str, Any]]:
    budget = document.get("budget")  # a funded scenario's budget may be its sources' (funding.md)
    rows = [
        ("version", [document["version"]]),
        ("name", [document["name"]]),
        *([("name_zh", [document["name_zh"]])] if document.get("name_zh") else []),
        ("unit", [document["unit"]]),
        ("periods", document["periods"]),
        ("budget per period", budget) if isinstance(budget, list) else ("budget", [budget]),
        ("sectors", document["sectors"]),
        ("tranches", document["tranches"]),
        ("carry_over", [document["carry_over"]]),
        ("discount_rate", [document["discount_rate"]]),
        ("redundancy_tolerance", [document["redundancy_tolerance"]]),
        ("mode", [document["objective"]["mode"]]),
        ("equity_weight", [document["objective"]["equity_weight"]]),
    ]
    if "mip_gap" in document:
        rows.append(("mip_gap", [document["mip_gap"]]))
    actuals = document.get("actuals")
    rows.append((THROUGH, [actuals["through"]] if actuals else []))  # blank: where to type it
    if budget is None:
        rows = [row for row in rows if row[0] != "budget"]
    return [{"key": key, "value": values} for key, values in rows]


# ---- Criteria: one row per criterion (criteria.md) ----

CRITERION_VALUES = ("weight", "label")


def read_criteria(rows: list[Row], file: str) -> SheetRead:
    """``criterion | weight | label``; a sheet with no rows leaves the scenario without criteria (the
    template's empty sheet), since an empty criteria mapping is an input error."""
    read = read_keyed(rows, file, "criterion", "criteria", CRITERION_VALUES)
    if not read.document["criteria"]:
        del read.document["criteria"]
    return read


def read_keyed(
    rows: list[Row], file: str, column: str, part: str, values: Sequence[str]
) -> SheetRead:
    """One item per row, named in ``column`` (once each), with its ``values``: ``document[part]``."""
    read = SheetRead()
    items: dict[str, dict[str, Any]] = {}
    for row in rows:
        name = row.cells.get(column)
        if name is None:
            read.problems.append(_blank(file, row, column))
        elif name in items:
            read.problems.append(
                _twice(file, row, column, "workbook.twice", what=column, name=name)
            )
        else:
            items[name] = {k: v for k, v in row.cells.items() if k in values}
            read.where[(part, name)] = (file, row.number)
    read.document[part] = items
    return read


def write_criteria(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"criterion": key, **criterion}
        for key, criterion in (document.get("criteria") or {}).items()
    ]


# ---- Regions, Needs, Projects: one row per item, extra columns are annotations ----


def table_reader(table: str) -> Callable[[list[Row], str], SheetRead]:
    def read(rows: list[Row], file: str) -> SheetRead:
        records = [dict(row.cells) for row in rows]
        where = {(table, i): (file, row.number) for i, row in enumerate(rows)}
        return SheetRead({table: records}, [], where)

    return read


def table_writer(table: str) -> Callable[[dict[str, Any]], list[dict[str, Any]]]:
    def write(document: dict[str, Any]) -> list[dict[str, Any]]:
        rows = document.get(table, [])
        if table == "projects":
            rows = [{**row, "requires": ";".join(row["requires"])} for row in rows]
        return [dict(row) for row in rows]

    return write


# ---- Sources, Funding rules, Actuals, Project starts: tables under a key (funding.md, actuals.md) ----


def nested_reader(
    parent: str, table: str, lists: tuple[str, ...] = ()
) -> Callable[[list[Row], str], SheetRead]:
    """Rows of ``<parent>.<table>``; an empty sheet adds nothing (a scenario without funding or
    without a record). A value in a ``lists`` column may hold several figures separated by ``;``
    (a source's ``amount`` per period)."""

    def read(rows: list[Row], file: str) -> SheetRead:
        records = [dict(row.cells) for row in rows]
        for record in records:
            for column in lists:
                value = record.get(column)
                if isinstance(value, str) and ";" in value:
                    record[column] = [part.strip() for part in value.split(";") if part.strip()]
        where = {(f"{parent}.{table}", i): (file, row.number) for i, row in enumerate(rows)}
        return SheetRead({parent: {table: records}} if records else {}, [], where)

    return read


def nested_writer(parent: str, table: str) -> Callable[[dict[str, Any]], list[dict[str, Any]]]:
    def write(document: dict[str, Any]) -> list[dict[str, Any]]:
        rows = (document.get(parent) or {}).get(table, [])
        return [
            {k: "; ".join(map(str, v)) if isinstance(v, list) else v for k, v in row.items()}
            for row in rows
        ]

    return write


# ---- Profiles: long, one row per (profile, sector) ----

PROFILE_VALUES = ("weight", "share_min", "share_max")


def read_profiles(rows: list[Row], file: str) -> SheetRead:
    """A row with a profile and no sector declares a profile with the defaults."""
    read = SheetRead()
    profiles: dict[str, dict[str, dict[str, Any]]] = {}
    for row in rows:
        name, sector = row.cells.get("profile"), row.cells.get("sector")
        if name is None:
            read.problems.append(_blank(file, row, "profile"))
            continue
        target = profiles.setdefault(name, {key: {} for key in PROFILE_VALUES})
        read.where.setdefault(("profiles", name), (file, row.number))
        if sector is None:
            continue
        if ("profiles", name, sector) in read.where:
            read.problems.append(
                _twice(
                    file, row, "sector", "workbook.profile_sector_twice", name=name, sector=sector
                )
            )
            continue
        read.where[("profiles", name, sector)] = (file, row.number)
        for key in PROFILE_VALUES:
            if key in row.cells:
                target[key][sector] = row.cells[key]
    read.document["profiles"] = profiles
    return read


def write_profiles(document: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for name, profile in document.get("profiles", {}).items():
        sectors = list(dict.fromkeys(s for key in PROFILE_VALUES for s in profile[key]))
        if not sectors:
            rows.append({"profile": name})
        for sector in sectors:
            values = {key: profile[key][sector] for key in PROFILE_VALUES if sector in profile[key]}
            rows.append({"profile": name, "sector": sector, **values})
    return rows


# ---- Corridors: one row per (corridor, sector), members separated by ';' ----


def read_corridors(rows: list[Row], file: str) -> SheetRead:
    """Later rows of a corridor may leave ``members`` blank; if they give it, it must agree."""
    read = SheetRead()
    corridors: dict[str, dict[str, Any]] = {}
    for row in rows:
        name, sector = row.cells.get("corridor"), row.cells.get("sector")
        if name is None:
            read.problems.append(_blank(file, row, "corridor"))
            continue
        members = _split(row.cells.get("members"))
        corridor = corridors.get(name)
        if corridor is None:
            corridor = corridors[name] = {"regions": members, "shared_need": {}}
            read.where[("corridors", name)] = (file, row.number)
        elif members and members != corridor["regions"]:
            read.problems.append(
                problem(
                    "workbook.corridor_members",
                    name=name,
                    first=read.where[("corridors", name)][1],
                    file=file,
                    row=row.number,
                    field="members",
                )
            )
        if sector is None:
            continue
        if ("corridors", name, sector) in read.where:
            read.problems.append(
                _twice(
                    file, row, "sector", "workbook.corridor_sector_twice", name=name, sector=sector
                )
            )
            continue
        read.where[("corridors", name, sector)] = (file, row.number)
        if "shared_need" in row.cells:
            corridor["shared_need"][sector] = row.cells["shared_need"]
    read.document["corridors"] = corridors
    return read


def write_corridors(document: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for name, corridor in document.get("corridors", {}).items():
        members = ";".join(corridor["regions"])
        if not corridor["shared_need"]:
            rows.append({"corridor": name, "members": members})
        for sector, amount in corridor["shared_need"].items():
            rows.append(
                {"corridor": name, "members": members, "sector": sector, "shared_need": amount}
            )
    return rows


def _split(value: Any) -> list[str]:
    return [part.strip() for part in str(value).split(";") if part.strip()] if value else []


# ---- Groups ----


def read_groups(rows: list[Row], file: str) -> SheetRead:
    return read_keyed(rows, file, "group", "project_groups", ("max",))


def write_groups(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"group": name, **group} for name, group in document.get("project_groups", {}).items()]


def _blank(file: str, row: Row, column: str) -> Problem:
    return problem("workbook.blank", file=file, row=row.number, field=column, column=column)


def _twice(file: str, row: Row, column: str, key: str, **params: Any) -> Problem:
    return problem(key, file=file, row=row.number, field=column, **params)


CRITERIA_SHEET = SheetSpec(
    "Criteria",
    False,
    ("criterion", *CRITERION_VALUES),
    read_criteria,
    write_criteria,
    ("criterion", "label"),
)

SHEETS = (
    SheetSpec("Scenario", True, SCENARIO_HEADER, read_settings, write_settings),
    SheetSpec(
        "Regions",
        True,
        TABLES["regions"],
        table_reader("regions"),
        table_writer("regions"),
        ("id", "name", "profile"),
    ),
    SheetSpec(
        "Needs",
        True,
        TABLES["needs"],
        table_reader("needs"),
        table_writer("needs"),
        ("region", "sector"),
    ),
    CRITERIA_SHEET,
    SheetSpec(
        "Profiles",
        False,
        ("profile", "sector", *PROFILE_VALUES),
        read_profiles,
        write_profiles,
        ("profile", "sector"),
    ),
    SheetSpec(
        "Corridors",
        False,
        ("corridor", "members", "sector", "shared_need"),
        read_corridors,
        write_corridors,
        ("corridor", "members", "sector"),
    ),
    SheetSpec(
        "Projects",
        False,
        TABLES["projects"],
        table_reader("projects"),
        table_writer("projects"),
        ("id", "name", "region", "sector", "group", "requires"),
    ),
    SheetSpec("Groups", False, ("group", "max"), read_groups, write_groups, ("group",)),
    SheetSpec(
        "Sources",
        False,
        FUNDING_TABLES["sources"],
        nested_reader("funding", "sources", lists=("amount",)),
        nested_writer("funding", "sources"),
        ("id", "name", "region"),
    ),
    SheetSpec(
        "Funding rules",
        False,
        FUNDING_TABLES["rules"],
        nested_reader("funding", "rules"),
        nested_writer("funding", "rules"),
        ("source", "region", "sector"),
    ),
    SheetSpec(
        "Actuals",
        False,
        SPENDING_COLUMNS,
        nested_reader("actuals", "spending"),
        nested_writer("actuals", "spending"),
        ("region", "sector"),
    ),
    SheetSpec(
        "Project starts",
        False,
        STARTS_COLUMNS,
        nested_reader("actuals", "projects"),
        nested_writer("actuals", "projects"),
        ("id",),
    ),
)
"""Every sheet a scenario workbook may hold, in the order they are written. A ``README`` sheet is
written for people and ignored when reading; any other sheet is ignored too (planners keep scratch
sheets), unless its title is a near miss of one of these."""

READ_ORDER = (CRITERIA_SHEET, *(spec for spec in SHEETS if spec is not CRITERIA_SHEET))
"""Sheets in the order they are read: ``Criteria`` first, since the ``Needs`` header depends on it
(one score column per criterion, no ``benefit``)."""

SHEET_TABLES = {
    "Regions": "regions",
    "Needs": "needs",
    "Projects": "projects",
    "Sources": "sources",
    "Funding rules": "rules",
    "Actuals": "actuals.spending",
    "Project starts": "actuals.projects",
}
"""Sheets whose extra columns are annotations carried in the Scenario, and their tables' names."""

NESTED_SHEETS = {
    ("funding", "sources"): "Sources",
    ("funding", "rules"): "Funding rules",
    ("actuals", "spending"): "Actuals",
    ("actuals", "projects"): "Project starts",
}
"""The sheets holding a table under a scenario key: (key, table) → sheet title."""


def header_check(
    spec: SheetSpec, header: list[str], file: str, criteria: Sequence[str] = ()
) -> list[Problem]:
    """Missing and near-miss columns of a sheet's header row (row 1); with ``criteria`` (read from the
    Criteria sheet first), the Needs sheet holds one score column per criterion and no benefit."""
    table = SHEET_TABLES.get(spec.title)
    if table is not None:
        return header_problems(table, header, file, criteria=criteria if table == "needs" else ())
    required = spec.header[:1] if spec.title != "Scenario" else spec.header
    problems = [
        problem("missing_column", file=file, row=1, field=c, column=c)
        for c in required
        if c not in header
    ]
    for name in header:
        meant = near_miss(name, spec.header)
        if meant is not None:
            problems.append(
                problem(
                    "workbook.unknown_column",
                    name=name,
                    meant=meant,
                    file=file,
                    row=1,
                    field=name,
                )
            )
    return problems
