"""Scenario files: loading, located errors, writing back, changes."""

from __future__ import annotations

import os

import pytest
from conftest import make

import planner
from planner.errors import ScenarioError


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


SCENARIO = """
version: 1
name: files
periods: [2026, 2027]
budget: [10, 12]
sectors: [a, b]
regions: regions.csv
needs: needs.csv
profiles:
  green: {share_min: {b: 0.2}}
"""


def folder_with(tmp_path, regions: str, needs: str):
    write(tmp_path, "scenario.yaml", SCENARIO)
    write(tmp_path, "regions.csv", regions)
    write(tmp_path, "needs.csv", needs)
    return tmp_path


def problems_of(source) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        planner.load_scenario(source)
    return [str(p) for p in caught.value.problems]


def test_csv_tables_load_with_blank_cells_as_defaults(tmp_path):
    folder = folder_with(
        tmp_path,
        "id,name,profile,min_share_of_need,max_per_period,name_zh\nr1,One,green,,,一\nr2,Two,,0.1,5,二\n",
        "region,sector,need,benefit\nr1,a,4,1\nr1,b,6,2\nr2,a,3,1\n",
    )
    scenario = planner.load_scenario(folder)
    r1, r2 = scenario.regions
    assert (r1.min_share_of_need, r1.max_per_period, r1.profile) == (0.0, None, "green")
    assert (r2.min_share_of_need, r2.max_per_period, r2.profile) == (0.1, 5.0, None)
    assert r1.model_extra == {"name_zh": "一"}
    assert planner.solve(scenario).status == "optimal"


def test_every_problem_is_reported_with_file_row_and_field(tmp_path):
    folder = folder_with(
        tmp_path,
        "id,profile\nr1,green\nr2,grey\n",
        "region,sector,need,benefit\nr1,a,-4,1\nr3,a,6,2\nr2,c,3,x\n",
    )
    lines = problems_of(folder)
    assert (
        "needs.csv, row 2, field 'need': Input should be greater than or equal to 0 (got '-4')"
        in lines
    )
    assert (
        "needs.csv, row 4, field 'benefit': Input should be a valid number, unable to parse string as a number (got 'x')"
        in lines
    )


def test_reference_problems_are_collected_after_field_problems(tmp_path):
    folder = folder_with(
        tmp_path,
        "id,profile\nr1,green\nr2,grey\nr1,\n",
        "region,sector,need,benefit\nr1,a,4,1\nr3,a,6,2\nr2,c,3,1\nr1,a,1,1\n",
    )
    lines = problems_of(folder)
    assert "regions.csv, row 3, field 'profile': unknown profile 'grey' (profiles: green)" in lines
    assert "regions.csv, row 4, field 'id': duplicate region id 'r1'" in lines
    assert "needs.csv, row 3, field 'region': unknown region 'r3'" in lines
    assert "needs.csv, row 4, field 'sector': unknown sector 'c'" in lines
    assert "needs.csv, row 5, field 'sector': (r1, a) appears twice" in lines
    assert len(lines) == 5


def test_missing_file_and_unknown_name_are_one_line_each(tmp_path):
    assert problems_of(tmp_path / "nope.yaml") == [
        f"{tmp_path / 'nope.yaml'}: no such file, folder or bundled scenario"
    ]
    write(tmp_path, "scenario.yaml", SCENARIO)
    lines = problems_of(tmp_path)
    assert "scenario.yaml, field 'regions': no such file 'regions.csv'" in lines


def test_saved_scenario_loads_back_equal(tmp_path):
    original = planner.load_scenario("western_china")
    planner.save_scenario(original, tmp_path / "copy")
    assert planner.load_scenario(tmp_path / "copy") == original


def test_inline_scenario_round_trips_through_files(tmp_path):
    scenario = make(
        regions=[
            {"id": "r1", "profile": "p", "max_per_period": 7.5},
            {"id": "r2", "min_share_of_need": 0.25},
        ],
        profiles={"p": {"weight": {"a": 1.5}, "share_max": {"b": 0.8}}},
        corridors={"g": {"regions": ["r1", "r2"], "shared_need": {"a": 12}}},
    )
    planner.save_scenario(scenario, tmp_path)
    assert planner.load_scenario(tmp_path) == scenario


def test_with_changes_validates_and_lists_every_problem(base):
    assert base.with_changes(budget=[5]).budget == [5]  # one period, one figure
    with pytest.raises(ScenarioError) as caught:
        base.with_changes(budget=-1, mode="fastest", colour="red")
    text = str(caught.value)
    assert "unknown change 'colour'" in text
    assert "field 'budget'" in text and "field 'objective.mode'" in text
    assert base.with_changes(carry_over=True).carry_over is True
    assert base.budget == 20  # the original is untouched


def test_digest_changes_with_inputs(base):
    assert base.digest() == make().digest()
    assert base.digest() != base.with_changes(budget=21).digest()


def test_json_schema_describes_fields_and_csv_paths():
    from planner.cli.schema import scenario_file_schema

    schema = scenario_file_schema()
    assert schema["properties"]["budget"]["description"].startswith("Total budget")
    assert {
        "type": "string",
        "description": "path of a CSV file, relative to the scenario's folder",
    } in schema["properties"]["needs"]["anyOf"]
    assert set(schema["required"]) >= {
        "version",
        "name",
        "periods",
        "sectors",
        "regions",
        "needs",
    }
    # the budget is required unless funding sources give it (funding.md)
    assert schema["anyOf"] == [{"required": ["budget"]}, {"required": ["funding"]}]
    sources = schema["$defs"]["Funding"]["properties"]["sources"]["anyOf"]
    assert any(option.get("type") == "string" for option in sources)


def test_scenario_from_dataframes_equals_the_inline_one(base):
    import pandas as pd

    data = base.model_dump()
    regions = pd.DataFrame(
        [{"id": "r1", "max_per_period": None}, {"id": "r2", "max_per_period": None}]
    )
    needs = pd.DataFrame(data["needs"])
    rebuilt = planner.validate_scenario({**data, "regions": regions, "needs": needs})
    assert rebuilt == base


def test_a_typo_of_a_bundled_name_gets_a_did_you_mean():
    """Issue 33: ``western_chian`` said only "no such …"; the closest bundled name is offered."""
    assert problems_of("western_chian") == [
        "western_chian: no such file, folder or bundled scenario; did you mean western_china?"
    ]
    assert problems_of("nothing_like_it") == [
        "nothing_like_it: no such file, folder or bundled scenario"
    ]


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_written_scenario_files_follow_the_umask(base, tmp_path, umask):
    """Issue 33: ``convert`` and ``save_scenario`` wrote mode 0600 (mkstemp's) under umask 022, while
    reports were 0644. Every file written follows the umask, as a plain open() would."""
    from planner.cli import main

    previous = os.umask(umask)
    try:
        saved = planner.save_scenario(base, tmp_path / "saved")
        assert main(["convert", str(saved), str(tmp_path / "book.xlsx")]) == 0
        assert main(["convert", str(tmp_path / "book.xlsx"), str(tmp_path / "back.yaml")]) == 0
    finally:
        os.umask(previous)
    written = [*saved.parent.iterdir(), tmp_path / "book.xlsx", tmp_path / "back.yaml"]
    modes = {f.name: oct(f.stat().st_mode & 0o777) for f in written if f.is_file()}
    assert set(modes.values()) == {oct(0o666 & ~umask)}, modes
