"""Reading a scenario workbook (.xlsx): sheets → scenario document → validated :class:`Scenario`.

Every problem names the sheet (``plan.xlsx[Needs]``), the Excel row number and the column header, in
the words the CSV reader uses. Formula cells are read by the value Excel saved with them; a formula
with no saved value (a workbook written by a program that does not calculate) is refused, since its
value is unknown.

Size limits, checked before any XML is parsed: the file at most :data:`MAX_XLSX_BYTES`; an xlsx is a
zip, so each member's declared unpacked size at most :data:`MAX_MEMBER_BYTES` (a sheet is held to the
CSV table limit) and all of them together at most :data:`MAX_UNPACKED_BYTES`; each sheet at most
``MAX_TABLE_ROWS`` rows. A member whose real content is longer than its declared size cannot slip
past: Python's ``zipfile`` stops reading a member at its declared size and then finds the CRC-32 of
the bytes read wrong, raising ``BadZipFile("Bad CRC-32 for file …")``, which is reported as a damaged
workbook. XML is parsed by openpyxl through defusedxml (entity-expansion bombs are refused).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from planner.errors import Problem, ScenarioError
from planner.i18n.problems import problem
from planner.scenario.columns import criteria_keys, fill_blank_scores, near_miss
from planner.scenario.files import MAX_CSV_BYTES, MAX_TABLE_ROWS
from planner.scenario.model import Scenario, is_type_tag, validate_scenario
from planner.scenario.sheets import (
    NESTED_SHEETS,
    READ_ORDER,
    SHEETS,
    THROUGH,
    Row,
    SheetSpec,
    Where,
    header_check,
)

MAX_XLSX_BYTES = MAX_CSV_BYTES
MAX_MEMBER_BYTES = MAX_CSV_BYTES
MAX_UNPACKED_BYTES = 2 * MAX_CSV_BYTES
MAX_MEMBERS = 1_000
IGNORED_SHEETS = ("README",)
NESTED_KEYS = ("funding", "actuals")
_UNREADABLE = (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError)


def load_workbook_scenario(path: Path) -> Scenario:
    """The validated scenario in a workbook. Raises :class:`ScenarioError` listing every problem."""
    book = path.name
    data = _read_bytes(path, book)
    check_zip_sizes(data, book)
    try:
        document, where, problems = read_document(data, book)
    except _UNREADABLE as err:
        raise ScenarioError([_damaged(book, err)]) from None
    if problems:
        raise ScenarioError(problems)
    try:
        return validate_scenario(document)
    except ScenarioError as err:
        raise ScenarioError([locate(p, where, book) for p in err.problems]) from None


def _damaged(book: str, err: BaseException) -> Problem:
    return problem("workbook.damaged", file=book, reason=str(err))


def _read_bytes(path: Path, book: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_XLSX_BYTES:
            raise ScenarioError(
                [
                    problem(
                        "workbook.too_big", file=book, size=f"{size:,}", limit=f"{MAX_XLSX_BYTES:,}"
                    )
                ]
            )
        return path.read_bytes()
    except OSError as err:
        raise ScenarioError([problem("cannot_read", file=book, reason=err.strerror)]) from None


def check_zip_sizes(data: bytes, book: str) -> None:
    """Refuse a workbook whose parts declare more unpacked bytes than the limits, before parsing."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as err:
        raise ScenarioError([problem("workbook.not_zip", file=book, reason=str(err))]) from None
    problems = []
    if len(members) > MAX_MEMBERS:
        problems.append(
            problem(
                "workbook.too_many_parts",
                file=book,
                count=f"{len(members):,}",
                limit=f"{MAX_MEMBERS:,}",
            )
        )
    for info in members:
        if info.file_size > MAX_MEMBER_BYTES:
            problems.append(
                problem(
                    "workbook.part_too_big",
                    file=book,
                    part=info.filename,
                    size=f"{info.file_size:,}",
                    limit=f"{MAX_MEMBER_BYTES:,}",
                )
            )
    total = sum(info.file_size for info in members)
    if total > MAX_UNPACKED_BYTES:
        problems.append(
            problem(
                "workbook.unpacks_too_big",
                file=book,
                size=f"{total:,}",
                limit=f"{MAX_UNPACKED_BYTES:,}",
            )
        )
    if problems:
        raise ScenarioError(problems)


def read_document(data: bytes, book: str) -> tuple[dict[str, Any], Where, list[Problem]]:
    """The scenario document in a workbook's sheets, where each part came from, and the problems."""
    import openpyxl

    values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        document: dict[str, Any] = {}
        where: Where = {}
        problems = _sheet_title_problems(values.sheetnames, book)
        for spec in READ_ORDER:
            if spec.title not in values.sheetnames:
                continue
            file = f"{book}[{spec.title}]"
            rows, sheet_problems = sheet_rows(
                spec, values[spec.title], formulas[spec.title], file, criteria_keys(document)
            )
            problems += sheet_problems
            if not sheet_problems:
                read = spec.read(rows, file)
                if spec.title == "Needs":
                    fill_blank_scores(read.document["needs"], criteria_keys(document))
                for key in NESTED_KEYS:  # a key's tables come from several sheets
                    merged = {**document.get(key, {}), **read.document.pop(key, {})}
                    if merged:
                        document[key] = merged
                document.update(read.document)
                where.update(read.where)
                problems += read.problems
        return document, where, problems
    finally:
        values.close()
        formulas.close()


def _sheet_title_problems(titles: list[str], book: str) -> list[Problem]:
    known = [spec.title for spec in SHEETS]
    problems = [
        problem("workbook.missing_sheet", file=book, field=spec.title, sheet=spec.title)
        for spec in SHEETS
        if spec.required and spec.title not in titles
    ]
    for title in titles:
        meant = near_miss(title, known) if title not in IGNORED_SHEETS else None
        if meant is not None:
            problems.append(
                problem("workbook.unknown_sheet", file=book, field=title, title=title, meant=meant)
            )
    return problems


def sheet_rows(
    spec: SheetSpec, values: Any, formulas: Any, file: str, criteria: list[str]
) -> tuple[list[Row], list[Problem]]:
    """The sheet's non-blank rows below its header, or the problems that make it unreadable;
    ``criteria`` are the criterion keys read so far (the Needs sheet's score columns)."""
    value_rows = values.iter_rows()
    formula_rows = formulas.iter_rows()
    first = next(value_rows, ())
    next(formula_rows, None)
    header = _header(first)
    merges = list(_merged_ranges(values))
    problems = [_merge_problem(ref, header, file) for ref in merges]
    problems += header_check(spec, header, file, criteria)
    if problems:
        return [], problems
    rows: list[Row] = []
    for number, (cells, formula_cells) in enumerate(
        zip(value_rows, formula_rows, strict=False), start=2
    ):
        if number - 1 > MAX_TABLE_ROWS:
            problems.append(
                problem("workbook.too_many_rows", file=file, limit=f"{MAX_TABLE_ROWS:,}")
            )
            break
        row, row_problems = _row(spec, header, cells, formula_cells, number, file)
        problems += row_problems
        if row.cells:
            rows.append(row)
    return rows, problems


def _header(cells: tuple[Any, ...]) -> list[str]:
    header = [_text(_clean(cell.value)) if _clean(cell.value) is not None else "" for cell in cells]
    while header and header[-1] == "":
        header.pop()
    return header


def _row(
    spec: SheetSpec,
    header: list[str],
    cells: tuple[Any, ...],
    formula_cells: tuple[Any, ...],
    number: int,
    file: str,
) -> tuple[Row, list[Problem]]:
    values: list[Any] = []
    problems = []
    for index, (cell, formula) in enumerate(zip(cells, formula_cells, strict=False)):
        column = header[index] if index < len(header) else ""
        value = _clean(cell.value)
        if getattr(formula, "data_type", None) == "f" and value is None:
            problems.append(
                problem(
                    "workbook.formula",
                    formula=formula.value,
                    file=file,
                    row=number,
                    field=column or _letter(index),
                )
            )
        if value is not None and column in spec.text_columns:
            value = _text(value)
        values.append(value)
    if spec.title == "Scenario":
        return _setting_row(values, number, file), problems
    named = {}
    for index, value in enumerate(values):
        if value is None:
            continue
        if index >= len(header) or header[index] == "":
            problems.append(
                problem(
                    "workbook.no_header",
                    file=file,
                    row=number,
                    field=_letter(index),
                )
            )
            continue
        named[header[index]] = value
    return Row(number, named), problems


def _setting_row(values: list[Any], number: int, file: str) -> Row:
    """``key | value | value …``: the values run along the row up to the last non-blank cell."""
    while values and values[-1] is None:
        values.pop()
    if not values:
        return Row(number, {})
    key = _text(values[0]) if values[0] is not None else None
    cells: dict[str, Any] = {"value": values[1:]}
    if key is not None:
        cells["key"] = key
    return Row(number, cells)


def _clean(value: Any) -> Any:
    """Blank cells (and cells of spaces) mean 'not given', as in the CSV reader."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _text(value: Any) -> str:
    """A number in a text column (an id typed as 7) is its text; Excel stores 7 as 7.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _merged_ranges(sheet: Any) -> Iterator[str]:
    """The merged ranges of a read-only sheet (openpyxl reads them only in its slower full mode), from
    the sheet's XML, streamed through openpyxl's defused parser."""
    from openpyxl.xml.functions import iterparse

    # read-only worksheets keep their zip member's path here; nothing public exposes it
    with sheet.parent._archive.open(sheet._worksheet_path) as member:
        for _event, element in iterparse(member):
            if element.tag.endswith("}mergeCell"):
                yield element.get("ref", "")
            element.clear()


def _merge_problem(ref: str, header: list[str], file: str) -> Problem:
    from openpyxl.utils.cell import range_boundaries

    min_col, min_row, max_col, _max_row = range_boundaries(ref)
    column = header[min_col - 1] if min_col - 1 < len(header) else _letter(min_col - 1)
    return problem(
        "workbook.merged_header" if min_row == 1 else "workbook.merged",
        ref=ref,
        file=file,
        row=min_row,
        field=column or _letter(min_col - 1),
    )


# ---- naming the cell of a validation problem ----

_TABLE_SHEETS = {"regions": "Regions", "needs": "Needs", "projects": "Projects"}


def locate(problem: Problem, where: Where, book: str) -> Problem:
    """The problem at the sheet, Excel row and column header its document path came from."""
    loc = problem.loc
    head = str(loc[0]) if loc else ""
    # a score's place is (needs, i, scores, key); the planner's column is the key
    names = [str(p) for p in loc[2:] if not isinstance(p, int) and p != "scores"]
    if head in _TABLE_SHEETS and len(loc) >= 2 and isinstance(loc[1], int):
        key: tuple[Any, ...] = (head, loc[1])
        field = ".".join(names) or problem.field
        return _at(problem, where, key, f"{book}[{_TABLE_SHEETS[head]}]", field)
    if head == "profiles" and len(loc) >= 2:
        key = ("profiles", loc[1], loc[3]) if len(loc) >= 4 else ("profiles", loc[1])
        return _at(problem, where, key, f"{book}[Profiles]", names[0] if names else "profile")
    if head == "corridors" and len(loc) >= 2:
        key = ("corridors", loc[1], loc[3]) if len(loc) >= 4 else ("corridors", loc[1])
        field = {"regions": "members"}.get(names[0], names[0]) if names else "corridor"
        return _at(problem, where, key, f"{book}[Corridors]", field)
    if head == "criteria" and len(loc) >= 2:
        return _at(
            problem,
            where,
            ("criteria", loc[1]),
            f"{book}[Criteria]",
            names[0] if names else "criterion",
        )
    nested = NESTED_SHEETS.get((head, str(loc[1]))) if len(loc) >= 2 else None
    if nested is not None and len(loc) >= 3 and isinstance(loc[2], int):
        key = (f"{head}.{loc[1]}", loc[2])
        names = [str(p) for p in loc[3:] if not isinstance(p, int)]
        field = next((n for n in names if "[" not in n and not is_type_tag(n)), "")
        return _at(problem, where, key, f"{book}[{nested}]", field or problem.field)
    if nested is not None and head == "actuals":  # a problem of the whole table
        return problem.at(file=f"{book}[{nested}]", field=problem.field)
    if head == "actuals":
        return _at(problem, where, (THROUGH,), f"{book}[Scenario]", THROUGH)
    if head == "project_groups" and len(loc) >= 2:
        return _at(problem, where, ("project_groups", loc[1]), f"{book}[Groups]", "max")
    setting = str(loc[1]) if head == "objective" and len(loc) >= 2 else head
    if setting == "budget" and ("budget per period",) in where:
        setting = "budget per period"
    return _at(problem, where, (setting,), f"{book}[Scenario]", setting or problem.field)


def _at(problem: Problem, where: Where, key: tuple[Any, ...], sheet: str, field: str) -> Problem:
    file, row = where.get(key, (sheet, None))
    return problem.at(file=file, row=row, field=field)
