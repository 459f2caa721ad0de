"""The plan as an Excel workbook (openpyxl): Summary, Allocation, Region × sector, Coverage, Budget,
Constraints, Projects (with candidate projects only), Assumptions and, when there is no plan,
Diagnosis.

Every number is a number with a number format, every header carries its unit, header rows are frozen,
and text is always a string cell (see :mod:`planner.reports.safety`). NaN and infinity, which Excel
would flag as a corrupt file, are written as empty cells.
"""

from __future__ import annotations

import io
import math
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.i18n.catalog import t, text_width
from planner.i18n.names import project_names, sector_name
from planner.i18n.units import shown
from planner.reports import funding, geomap, tables
from planner.reports.alternatives import alternatives_tables
from planner.reports.replan import locked_cash_headers, replan_tables
from planner.reports.safety import is_formula_like
from planner.solve.plan import Plan

MONEY_FORMAT = "#,##0.0"
SHARE_FORMAT = "0.0%"
NUMBER_FORMAT = "#,##0.0000"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
LOCKED_FILL = PatternFill("solid", fgColor="EEEEEE")
"""A row of a period the past fixed (a re-plan's locked period, actuals.md): greyed."""
WRAPPED = Alignment(wrap_text=True, vertical="top")
MAX_WIDTH = 60
MAP_WIDTH_PX = 640  # the map's picture on the Summary sheet: about the width of columns A and B


def render_xlsx(plan: Plan, info: tables.ReportInfo) -> bytes:
    """The workbook as bytes (an .xlsx file)."""
    book = Workbook()
    book.properties.creator = f"planner {info.planner_version}"
    book.properties.title = f"{plan.scenario_name}: {plan.status}"
    _summary(book.active, plan, info)
    if tables.has_allocation(plan):
        _table(book.create_sheet(t("sheet.allocation")), tables.allocation(plan), plan.unit)
        _region_sector(book.create_sheet(t("sheet.region_sector")), plan)
        _table(
            book.create_sheet(t("sheet.coverage")),
            tables.coverage(plan),
            plan.unit,
            extra=_sector_shares(plan),
        )
        _table(book.create_sheet(t("sheet.budget")), tables.budget(plan), plan.unit)
        _table(
            book.create_sheet(t("sheet.constraints")),
            tables.constraints(plan),
            plan.unit,
            wrap={"meaning"},
            extra=_dual_header(plan),
        )
    if tables.has_projects(plan):
        _projects(book.create_sheet(t("sheet.projects")), plan)
    if funding.has_funding(plan) and tables.has_allocation(plan):
        sheet = book.create_sheet(t("sheet.funding"))
        _titled_tables(sheet, funding.funding_tables(plan), plan.unit)
        put(sheet, sheet.max_row + 2, 1, funding.next_yuan_sentence(plan)).alignment = WRAPPED
    alternatives = alternatives_tables(info)
    if alternatives:
        _titled_tables(book.create_sheet(t("sheet.alternatives")), alternatives, plan.unit)
    if info.attribution is not None:
        _attribution(book.create_sheet(t("sheet.attribution")), info)
    against_actual = replan_tables(plan, info)
    if against_actual:
        sheet = book.create_sheet(t("sheet.plan_against_actual"))
        _titled_tables(sheet, against_actual, plan.unit)
    _assumptions(book.create_sheet(t("sheet.assumptions")), plan)
    if not tables.has_allocation(plan):
        _diagnosis(book.create_sheet(t("sheet.diagnosis")), plan)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _dual_header(plan: Plan) -> dict[str, tuple[str, str]]:
    if not tables.has_projects(plan):
        return {}
    header = f"{tables.label('dual', plan.unit)}, {t('report.duals_fixed')}"
    return {"dual": (header, NUMBER_FORMAT)}


def _projects(sheet: Worksheet, plan: Plan) -> None:
    """Every candidate with its cash per period, then the groups and the choice each made."""
    candidates = tables.projects(plan)
    candidates["name"] = candidates["id"].map(project_names(tables.scenario_of(plan)))
    locked = locked_cash_headers(plan, candidates.columns)  # a re-plan's past periods
    extra = {"name": (t("column.project"), "General")}
    extra |= {c: (header, MONEY_FORMAT) for c, header in locked.items()}
    row = _table(sheet, candidates, plan.unit, extra=extra)
    put(sheet, row + 1, 1, t("sheet.groups")).font = Font(bold=True, size=12)
    groups = tables.project_groups(plan)
    if groups.empty:
        put(sheet, row + 2, 1, t("report.none"))
        return
    _table(sheet, groups, plan.unit, top=row + 2, wrap={"words"}, freeze=False)


def _sector_shares(plan: Plan) -> dict[str, tuple[str, str]]:
    return {
        s: (t("column.sector_coverage", sector=sector_name(s)) + " (%)", SHARE_FORMAT)
        for s in tables.scenario_of(plan).sectors
    }


def put(
    sheet: Worksheet, row: int, column: int, value: Any, number_format: str | None = None
) -> Any:
    """Write one cell: text as a string cell (never a formula), non-finite numbers as blank."""
    cell = sheet.cell(row=row, column=column)
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        value = None
    if isinstance(value, bool):
        value = t("report.yes") if value else t("report.no")
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        if is_formula_like(value):
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    elif number_format and isinstance(value, int | float):
        cell.number_format = number_format
    return cell


def _format_for(column: str) -> str | None:
    if column in tables.SHARES:
        return SHARE_FORMAT
    if tables.is_money(column):
        return MONEY_FORMAT
    if column in ("dual", "benefit", "weight", "value"):
        return NUMBER_FORMAT
    return None


def _table(
    sheet: Worksheet,
    frame: pd.DataFrame,
    unit: str,
    *,
    top: int = 1,
    extra: dict[str, tuple[str, str]] | None = None,
    wrap: set[str] | None = None,
    freeze: bool = True,
) -> int:
    """Write ``frame`` with a styled header at row ``top``; return the next free row.

    ``extra`` gives columns the shared tables do not know (a sector) their header and number format.
    """
    extra = extra or {}
    factor = tables.money_factor(unit)
    frame = tables.named(frame)
    columns = list(frame.columns)
    headers = [extra[c][0] if c in extra else tables.label(c, unit) for c in columns]
    formats = [extra[c][1] if c in extra else _format_for(c) for c in columns]
    for j, header in enumerate(headers, start=1):
        cell = put(sheet, top, j, header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    locked = list(frame["locked"]) if "locked" in columns else [""] * len(frame)
    for i, record in enumerate(frame.itertuples(index=False), start=top + 1):
        for j, value in enumerate(record, start=1):
            if formats[j - 1] == MONEY_FORMAT and _is_number(value):
                value = value * factor  # the header names the shown unit
            cell = put(sheet, i, j, value, formats[j - 1])
            if wrap and columns[j - 1] in wrap:
                cell.alignment = WRAPPED
            if locked[i - top - 1]:
                cell.fill = LOCKED_FILL
    for j, column in enumerate(columns, start=1):
        _widen(
            sheet,
            j,
            [headers[j - 1], *map(_shown, frame[column].head(500))],
            column in (wrap or ()),
        )
    if freeze:
        sheet.freeze_panes = sheet.cell(row=top + 1, column=1)
    return top + len(frame) + 1


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _widen(sheet: Worksheet, column: int, texts: list[str], wrapped: bool) -> None:
    """Fit the column to its longest text (capped; wrapped columns may be wider)."""
    letter = get_column_letter(column)
    width = min(90 if wrapped else MAX_WIDTH, max(text_width(text) for text in texts) + 2)
    current = sheet.column_dimensions[letter].width or 0
    sheet.column_dimensions[letter].width = max(width, current, 8)


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return "" if not math.isfinite(value) else f"{value:,.1f}"
    return str(value)


def _summary(sheet: Worksheet, plan: Plan, info: tables.ReportInfo) -> None:
    sheet.title = t("sheet.summary")
    for j, header in enumerate((t("sheet.item"), t("sheet.value")), start=1):
        cell = put(sheet, 1, j, header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    formats = {"money": MONEY_FORMAT, "share": SHARE_FORMAT, "number": NUMBER_FORMAT}
    rows = tables.summary(plan, info)
    factor = tables.money_factor(plan.unit)
    for i, (item, value, kind) in enumerate(rows, start=2):
        if kind == "money" and _is_number(value):
            value = value * factor
        put(sheet, i, 1, item)
        put(sheet, i, 2, value, formats.get(kind)).alignment = Alignment(
            horizontal="left", wrap_text=True
        )
    sheet.column_dimensions["A"].width = max(text_width(r[0]) for r in rows) + 2
    sheet.column_dimensions["B"].width = 70
    sheet.freeze_panes = "A2"
    if tables.has_allocation(plan):
        _map(sheet, plan, len(rows) + 3)


def _map(sheet: Worksheet, plan: Plan, top: int) -> None:
    """The report's map (geomap.map_png) under the summary: title, legend in cells, the picture.

    The title and legend are cells so that they follow the language (the picture has no text)."""
    put(sheet, top, 1, t("map.title")).font = HEADER_FONT
    items = geomap.legend(plan)
    for i, (label, colour) in enumerate(items, start=top + 1):
        sheet.cell(row=i, column=1).fill = PatternFill("solid", fgColor=colour.lstrip("#").upper())
        put(sheet, i, 2, label)
    caption = put(sheet, top + len(items) + 1, 1, t("map.caption"))
    sheet.merge_cells(start_row=caption.row, start_column=1, end_row=caption.row, end_column=2)
    caption.alignment = WRAPPED
    sheet.row_dimensions[caption.row].height = 45
    picture = Image(io.BytesIO(geomap.map_png(plan)))
    ratio = picture.height / picture.width
    picture.width, picture.height = MAP_WIDTH_PX, round(MAP_WIDTH_PX * ratio)
    sheet.add_image(picture, f"A{caption.row + 1}")
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _region_sector(sheet: Worksheet, plan: Plan) -> None:
    frame = tables.region_sector(plan).reset_index()
    names = tables.region_names(plan)
    frame.insert(1, "name", [names.get(r, t("report.all_regions")) for r in frame["region"]])
    unit = shown(plan.unit).unit
    sectors = {
        s: (f"{sector_name(s)} ({unit})", MONEY_FORMAT) for s in tables.scenario_of(plan).sectors
    }
    _table(sheet, frame, plan.unit, extra=sectors)
    for j in range(1, len(frame.columns) + 1):  # the totals row stands out
        sheet.cell(row=len(frame) + 1, column=j).font = HEADER_FONT


def _assumptions(sheet: Worksheet, plan: Plan) -> None:
    _titled_tables(sheet, tables.assumptions(plan), plan.unit)


def _titled_tables(sheet: Worksheet, titled: list[tuple[str, pd.DataFrame]], unit: str) -> None:
    """Tables one below the other, each under its bold title (``none`` for an empty one)."""
    row = 1
    for title, frame in titled:
        put(sheet, row, 1, title).font = Font(bold=True, size=12)
        if frame.empty:
            put(sheet, row + 1, 1, t("report.none"))
            row += 3
            continue
        row = _table(sheet, frame, unit, top=row + 1, freeze=False) + 1
    sheet.freeze_panes = None


def _diagnosis(sheet: Worksheet, plan: Plan) -> None:
    status = t(f"status.{plan.status.replace(' ', '_')}")
    put(sheet, 1, 1, t("sheet.no_plan", status=status)).font = HEADER_FONT
    for i, line in enumerate(tables.diagnosis_lines(plan), start=2):
        put(sheet, i, 1, line).alignment = WRAPPED
    sheet.column_dimensions["A"].width = 110


def _attribution(sheet: Worksheet, info: tables.ReportInfo) -> None:
    """The change against the baseline in words, then one row per group of changed inputs."""
    put(sheet, 1, 1, info.attribution.summary()).alignment = WRAPPED
    sheet.row_dimensions[1].height = 90
    table = tables.attribution_table(info)
    if len(table):
        formats = {c: (c, NUMBER_FORMAT) for c in table.columns if c not in ("group", "change")}
        _table(sheet, table, info.attribution.unit, top=3, extra=formats)
    sheet.column_dimensions["A"].width = max(sheet.column_dimensions["A"].width or 0, 24)
