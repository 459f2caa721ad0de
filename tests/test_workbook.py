"""Scenario workbooks (.xlsx): round trips, a workbook not written by planner, and every bad cell kind
refused with exit 2 naming the sheet, the Excel row and the column header."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import planner
from planner.cli import main
from planner.errors import ScenarioError
from planner.scenario import workbook
from planner.scenario.datasets import bundled_scenario_path
from planner.scenario.files import load_scenario
from planner.scenario.workbook_write import save_workbook, workbook_bytes
from tests.conftest import make
from tests.test_criteria import hand
from tests.test_projects import ports

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = sorted(p.parent.name for p in (ROOT / "data").glob("*/scenario.yaml"))
TEST_SCENARIOS = {
    "two regions": make,
    "per-period budget, profiles, corridor": lambda: make(
        periods=[2026, "2027b"],
        budget=[12, 8],
        profiles={"hub": {"weight": {"a": 1.2}, "share_max": {"b": 0.7}}, "plain": {}},
        regions=[{"id": "r1", "profile": "hub", "max_per_period": 9}, {"id": "r2"}],
        corridors={
            "trunk": {"regions": ["r1", "r2"], "shared_need": {"a": 15}},
            "empty": {"regions": ["r1"]},
        },
    ),
    "projects and groups": ports,
    "criteria": hand,
}


def test_every_bundled_scenario_is_found() -> None:
    assert set(BUNDLED) >= {"western_china", "china_national"}


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_scenario_round_trips_yaml_xlsx_yaml(name: str, tmp_path: Path) -> None:
    original = load_scenario(bundled_scenario_path(name))
    assert main(["convert", name, str(tmp_path / "plan.xlsx")]) == 0
    from_book = load_scenario(tmp_path / "plan.xlsx")
    assert from_book == original and from_book.digest() == original.digest()
    assert main(["convert", str(tmp_path / "plan.xlsx"), str(tmp_path / "back")]) == 0
    assert load_scenario(tmp_path / "back") == original
    assert main(["convert", str(tmp_path / "plan.xlsx"), str(tmp_path / "one.yaml")]) == 0
    assert load_scenario(tmp_path / "one.yaml") == original


@pytest.mark.parametrize("name", TEST_SCENARIOS)
def test_test_scenario_round_trips(name: str, tmp_path: Path) -> None:
    original = TEST_SCENARIOS[name]()
    save_workbook(original, tmp_path / "t.xlsx")
    assert load_scenario(tmp_path / "t.xlsx") == original


def test_annotations_survive_xlsx_and_csv_round_trips(tmp_path: Path) -> None:
    """A `source` on a need, a Chinese name on a region, a formula-looking note on a project: all
    come back as the same text (the note stays text, never a live formula)."""
    projects = ports().model_dump()["projects"]
    projects[0]["note"] = '=HYPERLINK("http://x","y")'
    scenario = ports(projects=projects, regions=[{"id": "a", "name_zh": "甲"}, {"id": "b"}])
    data = scenario.model_dump()
    data["needs"] = [dict(n, source="survey", page=12) for n in data["needs"]]
    annotated = planner.validate_scenario(data)
    assert annotated.needs[0].annotations == {"source": "survey", "page": "12"}
    save_workbook(annotated, tmp_path / "a.xlsx")
    back = load_scenario(tmp_path / "a.xlsx")
    assert back == annotated
    assert back.projects[0].annotations["note"] == '=HYPERLINK("http://x","y")'
    assert back.region("a").annotations == {"name_zh": "甲"}
    planner.save_scenario(back, tmp_path / "csv")
    assert load_scenario(tmp_path / "csv") == annotated
    cell = openpyxl.load_workbook(tmp_path / "a.xlsx")["Projects"]
    notes = [c for row in cell.iter_rows() for c in row if c.value == projects[0]["note"]]
    assert notes and notes[0].data_type == "s"


def hand_made_book(path: Path, **edits: Any) -> Path:
    """A workbook built with openpyxl directly, the way a planner's own tool would write one."""
    book = openpyxl.Workbook()
    settings = book.active
    settings.title = "Scenario"
    for row in [
        ("key", "value"),
        ("version", 1),
        ("name", "hand made"),
        ("periods", 2026, 2027),
        ("budget per period", 12, 8),
        ("sectors", "a", "b"),
        ("carry_over", True),
    ]:
        settings.append(row)
    regions = book.create_sheet("Regions")
    for row in [("id", "profile", "source"), ("r1", "hub", "census"), ("r2", None, None)]:
        regions.append(row)
    needs = book.create_sheet("Needs")
    for row in edits.get(
        "needs",
        [
            ("region", "sector", "need", "benefit", "note"),
            ("r1", "a", 8, 3, "road"),
            ("r1", "b", 10, 1.2, None),
            (None, None, None, None, None),  # a blank row in the middle is skipped
            ("r2", "a", 20, 2, "  "),
        ],
    ):
        needs.append(row)
    profiles = book.create_sheet("Profiles")
    for row in [("profile", "sector", "weight", "share_max"), ("hub", "a", 1.5, 0.9)]:
        profiles.append(row)
    corridors = book.create_sheet("Corridors")
    for row in [("corridor", "members", "sector", "shared_need"), ("trunk", "r1; r2", "a", 25)]:
        corridors.append(row)
    book.create_sheet("My notes").append(("anything", "goes", "here"))
    for change in edits.get("changes", []):
        change(book)
    book.save(path)
    return path


def test_a_hand_made_workbook_loads(tmp_path: Path) -> None:
    scenario = load_scenario(hand_made_book(tmp_path / "hand.xlsx"))
    assert scenario.periods == [2026, 2027] and scenario.budget_per_period() == [12.0, 8.0]
    assert [n.annotations for n in scenario.needs] == [{"note": "road"}, {}, {}]
    assert scenario.profiles["hub"].weight == {"a": 1.5}
    assert scenario.corridors["trunk"].regions == ["r1", "r2"]
    assert scenario.region("r1").annotations == {"source": "census"}


def test_formulas_are_read_by_their_saved_values(tmp_path: Path) -> None:
    """Excel saves `<f>4*2</f><v>8</v>`; openpyxl cannot calculate, so the saved value is written
    into the XML by hand, as Excel would have."""
    path = hand_made_book(
        tmp_path / "f.xlsx",
        changes=[lambda book: book["Needs"].__setitem__("C2", "=4*2")],
    )
    patch_member(path, "xl/worksheets/sheet3.xml", b"<f>4*2</f><v />", b"<f>4*2</f><v>8</v>")
    assert load_scenario(path).needs[0].need == 8.0


def patch_member(path: Path, member: str, old: bytes, new: bytes) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    assert old in parts[member], parts[member][:2000]
    parts[member] = parts[member].replace(old, new)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def set_cell(sheet: str, ref: str, value: Any):
    return lambda book: book[sheet].__setitem__(ref, value)


BAD_CELLS = {
    "text in a number column": (
        [set_cell("Needs", "C3", "lots")],
        r"hand\.xlsx\[Needs\], row 3, field 'need': .*number",
    ),
    "negative need": (
        [set_cell("Needs", "C2", -5)],
        r"hand\.xlsx\[Needs\], row 2, field 'need': .*greater than or equal to 0",
    ),
    "unknown profile in a drop-down column": (
        [set_cell("Regions", "B2", "hubb")],
        r"hand\.xlsx\[Regions\], row 2, field 'profile': unknown profile 'hubb'",
    ),
    "missing sheet": (
        [lambda book: book.remove(book["Needs"])],
        r"hand\.xlsx, field 'Needs': missing sheet 'Needs'",
    ),
    "missing header": (
        [set_cell("Needs", "D1", None)],
        r"hand\.xlsx\[Needs\], row 1, field 'benefit': missing column 'benefit'",
    ),
    "merged header cell": (
        [lambda book: book["Needs"].merge_cells("C1:D1")],
        r"hand\.xlsx\[Needs\], row 1, field 'need': merged header cells C1:D1",
    ),
    "formula without a saved value": (
        [set_cell("Needs", "D2", "=B7*2")],
        r"hand\.xlsx\[Needs\], row 2, field 'benefit': the formula =B7\*2 has no saved value",
    ),
    "near-miss header": (
        [set_cell("Needs", "D1", "benfit")],
        r"hand\.xlsx\[Needs\], row 1, field 'benfit': unknown column 'benfit': did you mean 'benefit'",
    ),
    "bad corridor member": (
        [set_cell("Corridors", "B2", "r1;r9")],
        r"hand\.xlsx\[Corridors\], row 2, field 'members': unknown region 'r9'",
    ),
    "bad setting": (
        [set_cell("Scenario", "B7", "maybe")],
        r"hand\.xlsx\[Scenario\], row 7, field 'carry_over': .*boolean",
    ),
}


def scored_book(path: Path, changes: Any = ()) -> Path:
    """The hand-made workbook with criteria: a Criteria sheet (people 1, ecology 2) and the Needs
    sheet's benefit column replaced by one score column per criterion."""
    needs = [
        ("region", "sector", "need", "people", "ecology", "note"),
        ("r1", "a", 8, 100, 0, "road"),
        ("r1", "b", 10, 50, 4, None),
        ("r2", "a", 20, None, 1, None),  # a blank score is 0
    ]

    def criteria(book: Any) -> None:
        sheet = book.create_sheet("Criteria")
        for row in [
            ("criterion", "weight", "label", "label_zh"),
            ("people", 1, "People served", "受益人口"),
            ("ecology", 2, None, None),
        ]:
            sheet.append(row)

    return hand_made_book(path, needs=needs, changes=[criteria, *changes])


def test_a_hand_made_workbook_with_criteria_derives_its_benefits(tmp_path: Path) -> None:
    """max_people = 100, max_ecology = 4: r1/a = 1·100/100 = 1.0, r1/b = 1·50/100 + 2·4/4 = 2.5,
    r2/a = 0 + 2·1/4 = 0.5 (its blank people score is 0). Columns after the criteria (label_zh)
    are ignored, as on the other settings sheets."""
    scenario = load_scenario(scored_book(tmp_path / "c.xlsx"))
    assert scenario.criteria is not None
    assert {k: (c.weight, c.label) for k, c in scenario.criteria.items()} == {
        "people": (1.0, "People served"),
        "ecology": (2.0, ""),
    }
    assert scenario.derived_benefits() == {("r1", "a"): 1.0, ("r1", "b"): 2.5, ("r2", "a"): 0.5}
    assert [n.annotations for n in scenario.needs] == [{"note": "road"}, {}, {}]
    save_workbook(scenario, tmp_path / "back.xlsx")
    assert load_scenario(tmp_path / "back.xlsx") == scenario
    header = [c.value for c in openpyxl.load_workbook(tmp_path / "back.xlsx")["Needs"][1]]
    assert header == ["region", "sector", "need", "people", "ecology", "note"]


BAD_CRITERIA = {
    "negative weight": (
        [set_cell("Criteria", "B3", -1)],
        r"hand\.xlsx\[Criteria\], row 3, field 'weight': .*greater than or equal to 0",
    ),
    "criterion named twice": (
        [set_cell("Criteria", "A3", "people")],
        r"hand\.xlsx\[Criteria\], row 3, field 'criterion': criterion 'people' appears twice",
    ),
    "criterion without its score column": (
        [set_cell("Criteria", "A3", "growth")],
        r"hand\.xlsx\[Needs\], row 1, field 'growth': missing column 'growth' \(the scores of",
    ),
    "benefit beside criteria": (
        [set_cell("Needs", "F1", "benefit")],
        r"hand\.xlsx\[Needs\], row 1, field 'benefit': column 'benefit' beside criteria",
    ),
    "text in a score column": (
        [set_cell("Needs", "E3", "high")],
        r"hand\.xlsx\[Needs\], row 3, field 'ecology': .*number",
    ),
    "negative score": (
        [set_cell("Needs", "D2", -3)],
        r"hand\.xlsx\[Needs\], row 2, field 'people': .*greater than or equal to 0",
    ),
    "criterion named like a needs column": (
        [set_cell("Criteria", "A3", "need")],
        r"hand\.xlsx\[Criteria\], row 3, field 'criterion': criterion 'need' is named like",
    ),
}


def bad_book(kind: str, folder: Path) -> tuple[Path, str]:
    """``hand.xlsx`` with the bad cells of ``kind`` (BAD_CELLS or BAD_CRITERIA) and the English
    line's pattern."""
    book, (changes, pattern) = (
        (scored_book, BAD_CRITERIA[kind])
        if kind in BAD_CRITERIA
        else (hand_made_book, BAD_CELLS[kind])
    )
    return book(folder / "hand.xlsx", changes=changes), pattern


@pytest.mark.parametrize("kind", [*BAD_CELLS, *BAD_CRITERIA])
def test_each_bad_cell_kind_exits_2_naming_sheet_row_and_column(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, pattern = bad_book(kind, tmp_path)
    assert main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert re.search("^error: " + pattern, captured.err, re.MULTILINE), captured.err
    assert "Traceback" not in captured.err


def test_a_zip_bomb_is_refused_by_its_declared_size_before_parsing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """51 MB of spaces deflate to ~50 kB: the file is small, its declared unpacked size is not."""
    path = hand_made_book(tmp_path / "bomb.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.xml", b" " * (workbook.MAX_MEMBER_BYTES + 1))
    assert path.stat().st_size < 1_000_000
    assert main(["solve", str(path)]) == 2
    err = capsys.readouterr().err
    assert "error: bomb.xlsx: part 'xl/padding.xml' unpacks to 52,428,801 bytes" in err


def test_a_member_longer_than_its_declared_size_is_refused_while_reading(tmp_path: Path) -> None:
    """A zip whose headers understate a sheet's size passes the size check; Python's zipfile then
    stops at the declared size and finds the CRC-32 wrong."""
    path = hand_made_book(tmp_path / "liar.xlsx")
    member = "xl/worksheets/sheet3.xml"
    with zipfile.ZipFile(path) as archive:
        real = archive.getinfo(member).file_size
    understate_size(path, member, real - 40)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(member).file_size == real - 40  # the lie is what a reader sees
    with pytest.raises(
        ScenarioError, match=r"liar\.xlsx: .*Bad CRC-32 for file 'xl/worksheets/sheet3\.xml'"
    ):
        load_scenario(path)


def understate_size(path: Path, member: str, size: int) -> None:
    """Rewrite the uncompressed-size fields of ``member`` in its local and central headers."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, name_at, size_at in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            if data[start + name_at : start + name_at + len(name)] == name:
                data[start + size_at : start + size_at + 4] = struct.pack("<I", size)
            start += 4
    path.write_bytes(bytes(data))


def test_near_miss_fires_on_benfit_and_not_on_source(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    planner.save_scenario(make(), folder)
    needs = folder / "needs.csv"
    text = needs.read_text()
    needs.write_text(
        text.replace("benefit", "benefit,source", 1)
        .replace("\n", ",NDRC\n")
        .replace("source,NDRC", "source", 1)
    )
    assert {n.annotations.get("source") for n in load_scenario(folder).needs} == {"NDRC"}
    needs.write_text(text.replace("benefit", "benfit", 1))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    shown = [str(p) for p in caught.value.problems]
    assert (
        "needs.csv, row 1, field 'benfit': unknown column 'benfit': did you mean 'benefit'?"
        in shown[-1]
    )


def test_near_miss_in_an_inline_yaml_table(tmp_path: Path) -> None:
    text = planner.scenario_yaml_text(make()).replace(
        "- id: r1\n", "- id: r1\n  min_share_of_needs: 0.2\n"
    )
    (tmp_path / "s.yaml").write_text(text)
    with pytest.raises(ScenarioError, match="did you mean 'min_share_of_need'"):
        load_scenario(tmp_path / "s.yaml")


def test_the_template_has_readme_dropdowns_checks_and_frozen_headers(tmp_path: Path) -> None:
    assert main(["template", str(tmp_path / "t.xlsx")]) == 0
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames[:4] == ["README", "Scenario", "Regions", "Needs"]
    readme = [tuple(c.value for c in row) for row in book["README"].iter_rows()]
    assert ("Needs", "need", "the scenario's unit") in {r[:3] for r in readme}
    assert all(r[3] for r in readme if r[0] in ("Regions", "Needs", "Projects"))
    assert ("Criteria", "weight", "weight ≥ 0") in {r[:3] for r in readme}
    assert ("Needs", "(each criterion key)", "score ≥ 0") in {r[:3] for r in readme}
    for sheet in ("Regions", "Needs", "Criteria", "Profiles", "Corridors", "Projects", "Groups"):
        assert book[sheet].freeze_panes == "A2"
    weights = {str(v.sqref): v for v in book["Criteria"].data_validations.dataValidation}
    assert (weights["B2:B5000"].type, weights["B2:B5000"].formula1) == ("decimal", "0")
    rules = {str(v.sqref).split(":")[0]: v for v in book["Needs"].data_validations.dataValidation}
    assert rules["A2"].formula1.startswith("Regions!") or rules["A2"].formula1.startswith(
        "=Regions!"
    )
    assert rules["C2"].type == "decimal" and rules["C2"].formula1 == "0"
    shares = {
        str(v.sqref).split(":")[0]: v for v in book["Regions"].data_validations.dataValidation
    }
    assert (shares["D2"].formula1, shares["D2"].formula2) == ("0", "1")
    assert book["Regions"].column_dimensions["D"].width >= len("min_share_of_need")
    with pytest.raises(ScenarioError, match=r"t\.xlsx\[Scenario\], row 3, field 'name'"):
        load_scenario(tmp_path / "t.xlsx")


def test_a_prefilled_template_solves_like_its_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["template", str(tmp_path / "w.xlsx"), "--like", "western_china"]) == 0
    assert load_scenario(tmp_path / "w.xlsx") == planner.load_scenario("western_china")
    needs = openpyxl.load_workbook(tmp_path / "w.xlsx")["Needs"]
    header = [c.value for c in needs[1]]
    assert header[:7] == ["region", "sector", "need", "relief", "growth", "people", "ecology"]
    checked = {str(v.sqref): v.type for v in needs.data_validations.dataValidation}
    assert {checked[f"{col}2:{col}5000"] for col in "CDEFG"} == {"decimal"}  # need and scores


@pytest.mark.parametrize("target", ["t.csv", "missing/t.xlsx"])
def test_template_and_convert_refuse_bad_targets_writing_nothing(
    tmp_path: Path, target: str
) -> None:
    assert main(["template", str(tmp_path / target)]) == 2
    assert main(["convert", "western_china", str(tmp_path / target)]) == 2
    assert list(tmp_path.iterdir()) == []


def test_workbook_bytes_are_a_readable_zip() -> None:
    with zipfile.ZipFile(io.BytesIO(workbook_bytes(None))) as archive:
        assert archive.testzip() is None
