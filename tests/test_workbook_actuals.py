"""The record of the past (actuals.md) in a scenario workbook: the ``actuals through`` setting, the
Actuals and Project starts sheets (in the template too, with drop-downs), ``planner convert`` both
ways, the app's upload, and every problem in them naming the sheet, the Excel row and the column."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

import planner
from planner.cli import main
from planner.scenario.workbook_write import workbook_bytes
from tests.test_actuals_inputs import LINE, SCENARIO
from ui.upload import scenario_from_upload

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "western_china"
RECORD = {
    "through": 2026,
    "spending": "actuals_2026_example.csv",
    "projects": "project_starts_2026_example.csv",
}
SMALL_RECORD = {
    "through": 2027,
    "spending": [
        {"region": "north", "sector": "power", "period": 2026, "amount": 10, "note": "audited"},
        {"region": "south", "sector": "water", "period": 2027, "amount": 6},
    ],
    "projects": [{"id": "dam", "start": 2027, "status": "late"}, {"id": "line"}],
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled western_china with the bundled illustrative 2026 record under its actuals key."""
    target = tmp_path_factory.mktemp("western") / "western_china"
    shutil.copytree(DATA, target)
    document = yaml.safe_load((target / "scenario.yaml").read_text(encoding="utf-8"))
    document["actuals"] = RECORD
    (target / "scenario.yaml").write_text(yaml.safe_dump(document, allow_unicode=True))
    return target


@pytest.fixture(scope="module")
def converted(folder: Path) -> tuple[planner.Scenario, planner.Scenario, Path]:
    """The recorded scenario, and what comes back after yaml → xlsx → yaml with ``planner convert``."""
    book, back = folder.parent / "western.xlsx", folder.parent / "back.yaml"
    assert main(["convert", str(folder), str(book)]) == 0
    assert main(["convert", str(book), str(back)]) == 0
    return planner.load_scenario(folder), planner.load_scenario(back), book


def test_western_china_with_its_record_round_trips_through_a_workbook(converted) -> None:  # type: ignore[no-untyped-def]
    original, back, book = converted
    assert original.actuals is not None and len(original.actuals.spending) > 20
    assert back == original and back.digest() == original.digest()
    assert planner.load_scenario(book) == original
    late = [row for row in back.actuals.projects if row.start is None]
    assert [row.id for row in late] == [
        row.id for row in original.actuals.projects if row.start is None
    ]
    assert back.actuals.spending[0].annotations == original.actuals.spending[0].annotations
    assert back.actuals.spending[0].annotations["status"] == "illustrative, not real"


def test_the_round_tripped_record_gives_the_same_plan(converted) -> None:  # type: ignore[no-untyped-def]
    original, back, _book = converted
    first, second = planner.solve(original), planner.solve(back)
    assert first.is_optimal and second.is_optimal
    assert first.actuals["locked"] == second.actuals["locked"] == [2026]
    assert first.actuals["relaxed"] == second.actuals["relaxed"]
    benefits = (first.E, second.E)
    assert benefits[1] == pytest.approx(benefits[0], rel=1e-9)
    keys = ["region", "sector", "period"]
    a, b = (p.allocation.sort_values(keys).reset_index(drop=True) for p in (first, second))
    assert (a[keys] == b[keys]).all().all()
    assert a["amount"].to_numpy() == pytest.approx(b["amount"].to_numpy(), abs=1e-6)


def test_the_workbook_holds_the_record_on_its_own_sheets(converted) -> None:  # type: ignore[no-untyped-def]
    original, _back, book = converted
    sheets = openpyxl.load_workbook(book)
    settings = {row[0]: row[1:] for row in sheets["Scenario"].iter_rows(values_only=True)}
    assert settings["actuals through"][0] == 2026
    header = [c.value for c in sheets["Actuals"][1]]
    assert header == ["region", "sector", "period", "amount", "factor", "note", "status"]
    assert sheets["Actuals"].max_row == len(original.actuals.spending) + 1
    assert [c.value for c in sheets["Project starts"][1]] == ["id", "start", "status"]


def small(record: dict[str, Any] | None = SMALL_RECORD) -> planner.Scenario:
    return planner.validate_scenario({**SCENARIO, **({"actuals": record} if record else {})})


def test_the_template_has_the_record_sheets_with_drop_downs(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    path.write_bytes(workbook_bytes(None))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[-2:] == ["Actuals", "Project starts"]
    assert [c.value for c in book["Actuals"][1]] == ["region", "sector", "period", "amount"]
    assert [c.value for c in book["Project starts"][1]] == ["id", "start"]
    settings = {row[0].value: row[0].row for row in book["Scenario"].iter_rows(max_col=1)}
    periods = f"=Scenario!$B${settings['periods']}:$Z${settings['periods']}"
    sectors = f"=Scenario!$B${settings['sectors']}:$Z${settings['sectors']}"

    def lists(sheet: str) -> dict[str, str]:
        rules = book[sheet].data_validations.dataValidation
        return {str(v.sqref).split(":")[0]: v.formula1 for v in rules}

    assert lists("Actuals") == {
        "A2": "=Regions!$A$2:$A$5000",
        "B2": sectors,
        "C2": periods,
        "D2": "0",  # an amount ≥ 0
    }
    assert lists("Project starts") == {"A2": "=Projects!$A$2:$A$5000", "B2": periods}
    assert lists("Scenario")[f"B{settings['actuals through']}"] == periods
    for sheet in ("Actuals", "Project starts"):
        assert book[sheet].freeze_panes == "A2"
    readme = {(r[0], r[1]) for r in book["README"].iter_rows(values_only=True)}
    assert readme >= {("Actuals", "amount"), ("Project starts", "start")}
    assert ("Scenario", "actuals through") in readme


def test_a_scenario_without_a_record_keeps_the_record_sheets_empty(tmp_path: Path) -> None:
    path = tmp_path / "plain.xlsx"
    path.write_bytes(workbook_bytes(small(None)))
    assert planner.load_scenario(path).actuals is None
    book = openpyxl.load_workbook(path)
    assert book["Actuals"].max_row == 1 and book["Project starts"].max_row == 1


def test_the_app_takes_a_workbook_with_a_record() -> None:
    scenario = small()
    uploaded = scenario_from_upload("record.xlsx", workbook_bytes(scenario))
    assert uploaded == scenario
    assert uploaded.actuals.spending[0].annotations == {"note": "audited"}
    assert [(r.id, r.start) for r in uploaded.actuals.projects] == [("dam", 2027), ("line", None)]


def cells(sheet: str, **values: Any) -> Any:
    def change(book: Any) -> None:
        for ref, value in values.items():
            book[sheet][ref] = value

    return change


def through_row(book: Any) -> int:
    rows = book["Scenario"].iter_rows(max_col=1)
    return next(r[0].row for r in rows if r[0].value == "actuals through")


def set_through(value: Any) -> Any:
    def change(book: Any) -> None:
        book["Scenario"].cell(row=through_row(book), column=2).value = value

    return change


BAD = {
    "unknown region": (
        cells("Actuals", A2="west"),
        "[Actuals], row 2, field 'region': unknown region 'west'",
    ),
    "negative amount": (cells("Actuals", D3=-1), "[Actuals], row 3, field 'amount'"),
    "period not locked": (
        cells("Actuals", C3=2028),
        "[Actuals], row 3, field 'period': period 2028 is not locked",
    ),
    "same cell twice": (
        cells("Actuals", A3="north", B3="power", C3=2026),
        "[Actuals], row 3, field 'period'",
    ),
    "unknown project": (
        cells("Project starts", A3="ghost"),
        "[Project starts], row 3, field 'id': unknown project 'ghost'",
    ),
    "project twice": (
        cells("Project starts", A3="dam"),
        "[Project starts], row 3, field 'id'",
    ),
    "start not locked": (
        cells("Project starts", B2=2028),
        "[Project starts], row 2, field 'start': start 2028 is not a locked period",
    ),
    "through not a period": (
        set_through(2035),
        "[Scenario], row {through}, field 'actuals through': '2035' is not a period label",
    ),
    "a record without through": (
        set_through(None),
        "[Scenario], row {through}, field 'actuals through'",
    ),
}


@pytest.fixture(scope="module")
def good_book() -> bytes:
    return workbook_bytes(small())


@pytest.mark.parametrize("kind", sorted(BAD))
def test_each_bad_record_cell_exits_2_naming_sheet_row_and_column(
    kind: str, good_book: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change, wanted = BAD[kind]
    path = tmp_path / "record.xlsx"
    path.write_bytes(good_book)
    book = openpyxl.load_workbook(path)
    change(book)
    wanted = "record.xlsx" + wanted.format(through=through_row(book))
    book.save(path)
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert out == "" and "Traceback" not in err
    assert lines and all(LINE.match(line) for line in lines), err
    assert any(wanted in line for line in lines), (wanted, lines)
