"""Funding inputs (shared/spec/funding.md): the files, the checks at the edge, the changes, and that a
scenario without funding builds today's model exactly.

The inline form of every input error is in the bad-input corpus (``tests/bad_inputs/funding_*``);
here the CSV form names its file, row and field.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import models
import planner
from planner.cli import main
from planner.errors import ScenarioError
from planner.solve.plan_model import PlanModel

SCENARIO = Path(__file__).parent / "scenarios" / "funding_two_provinces"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "funded"
    shutil.copytree(SCENARIO, target)
    return target


def refusal(folder: Path) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        planner.load_scenario(folder)
    return [str(p) for p in caught.value.problems]


def test_csv_tables_load_with_their_annotations():
    scenario = planner.load_scenario(SCENARIO)
    assert scenario.funding is not None
    central = scenario.funding.sources[0]
    assert central.annotations == {"note": "test figure", "name_zh": "中央预算内投资"}
    assert scenario.funding.rules[0].annotations == {"note": "pays at most half of any pair"}
    assert scenario.region("north").debt_room == 15 and scenario.region("south").debt_room is None
    # no budget given: it is the sources' total, split evenly like a scalar amount
    assert scenario.budget_per_period() == [40.0, 40.0]


def test_the_most_specific_rule_applies():
    shares = planner.load_scenario(SCENARIO).funding_shares()
    assert shares["central", "north", "transport"] == 0.5  # every region, every sector
    assert shares["central", "south", "water"] == 0.8  # region alone beats neither
    assert shares["bonds", "north", "water"] == 0.0  # sector alone
    assert shares["bonds", "north", "transport"] == 1.0  # no rule
    assert ("north_own", "south", "water") not in shares  # a region-only source


@pytest.mark.parametrize(
    ("table", "edit", "where", "words"),
    [
        (
            "sources.csv",
            ("bonds,Special", "central,Special"),
            "row 3, field 'id'",
            "duplicate source",
        ),
        ("sources.csv", (",north,", ",west,"), "row 4, field 'region'", "unknown region 'west'"),
        (
            "sources.csv",
            ("40,false", "-40,false"),
            "row 2, field 'amount'",
            "greater than or equal to 0",
        ),
        ("sources.csv", ("40,false", "inf,false"), "row 2, field 'amount'", "finite"),
        ("sources.csv", ("30,true", "30,often"), "row 3, field 'debt'", "boolean"),
        ("rules.csv", ("central,,,0.5", "ghost,,,0.5"), "row 2, field 'source'", "unknown source"),
        ("rules.csv", ("central,south", "central,west"), "row 3, field 'region'", "unknown region"),
        ("rules.csv", ("bonds,,water", "bonds,,air"), "row 4, field 'sector'", "unknown sector"),
        (
            "rules.csv",
            ("central,south,,0.8", "central,,,0.8"),
            "row 3, field 'source'",
            "two rules",
        ),
        (
            "rules.csv",
            ("0.5,pays", "1.2,pays"),
            "row 2, field 'max_share'",
            "less than or equal to 1",
        ),
        (
            "regions.csv",
            (",,15,", ",,-15,"),
            "row 2, field 'debt_room'",
            "greater than or equal to 0",
        ),
    ],
)
def test_each_csv_input_error_names_file_row_and_field(folder, table, edit, where, words):
    path = folder / table
    path.write_text(path.read_text().replace(*edit, 1))
    lines = refusal(folder)
    assert any(f"{table}, {where}" in line and words in line for line in lines), lines


def test_a_budget_that_disagrees_with_the_sources_names_the_period(folder):
    yaml = folder / "scenario.yaml"
    yaml.write_text(yaml.read_text() + "budget: [40, 41]\n")
    lines = refusal(folder)
    assert any(
        "field 'budget'" in x and "budget of 2027 is 41" in x and "total 40" in x for x in lines
    )


def test_a_budget_equal_to_the_sources_is_accepted(folder):
    yaml = folder / "scenario.yaml"
    yaml.write_text(yaml.read_text() + "budget: 80\n")
    assert planner.load_scenario(folder).budget_per_period() == [40.0, 40.0]


def test_without_funding_the_budget_is_still_required(folder):
    yaml = folder / "scenario.yaml"
    text = yaml.read_text()
    yaml.write_text(text[: text.index("funding:")])
    assert any("field 'budget'" in line and "required" in line for line in refusal(folder))


def test_the_cli_exits_2_on_a_bad_source(folder, capsys):
    path = folder / "sources.csv"
    path.write_text(path.read_text().replace(",north,", ",west,"))
    assert main(["solve", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "sources.csv, row 4, field 'region'" in err and "Traceback" not in err


# ---- changes: --set funding.SOURCE=AMOUNT, and budget refused ----


def test_a_source_amount_change_is_a_new_amount():
    scenario = planner.load_scenario(SCENARIO)
    changed = scenario.with_changes(**{"funding.central": 60})
    assert changed.source_amounts()["central"] == [30.0, 30.0]
    assert changed.budget_per_period() == [50.0, 50.0]
    per_period = scenario.with_changes(funding={"bonds": [10, 0]})
    assert per_period.source_amounts()["bonds"] == [10, 0]


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"funding.ghost": 5}, "unknown source"),
        ({"funding.central": -5}, "number ≥ 0"),
        ({"funding.central": [1, 2, 3]}, "amount lists 3 figures"),
        ({"budget": 90}, "change the sources instead"),
    ],
)
def test_a_bad_funding_change_is_refused(changes, words):
    with pytest.raises(ScenarioError, match=words):
        planner.load_scenario(SCENARIO).with_changes(**changes)


def test_set_budget_on_a_funded_scenario_exits_2(capsys):
    assert main(["solve", str(SCENARIO), "--set", "budget=90"]) == 2
    assert "change the sources instead" in capsys.readouterr().err


def test_funding_changes_need_a_funded_scenario():
    with pytest.raises(ScenarioError, match="no funding sources"):
        planner.load_scenario("western_china").with_changes(**{"funding.central": 5})


# ---- a scenario without funding is model.md's and projects.md's exactly ----


def _lp(scenario: planner.Scenario) -> tuple[np.ndarray, ...]:
    lp = PlanModel(scenario).bridge.highs.getLp()
    a = lp.a_matrix_
    return tuple(
        np.asarray(v, dtype=float)
        for v in (
            lp.col_lower_,
            lp.col_upper_,
            lp.row_lower_,
            lp.row_upper_,
            a.start_,
            a.index_,
            a.value_,
        )
    )


@pytest.mark.parametrize("mode", ["efficiency", "equity"])
def test_without_funding_the_lp_is_the_one_without_the_funding_code(monkeypatch, mode):
    """The LP HiGHS receives equals the one built with the funding families taken out."""
    scenario = planner.load_scenario("western_china").with_changes(mode=mode)
    with_code = _lp(scenario)
    plain = tuple(f for f in models.FAMILIES if not f.__name__.startswith("models.funding"))
    monkeypatch.setattr(models, "FAMILIES", plain)
    reported = {k: v for k, v in models.REPORTED_CONSTRAINTS.items() if "funding" not in k}
    monkeypatch.setattr(models, "REPORTED_CONSTRAINTS", reported)
    monkeypatch.setattr(models.funding, "define_components", _no_funding)
    without_code = _lp(scenario)
    assert len(with_code) == len(without_code)
    for got, want in zip(with_code, without_code, strict=True):
        np.testing.assert_array_equal(got, want)


def _no_funding(m, scenario):  # the flags the budget family and the parametric lists read
    m.with_funding = False
    from pyomo.environ import Set, Var

    m.F = Set(initialize=[])
    m.e = Var(m.F, m.T)


def test_without_funding_the_plan_document_has_no_funding_keys():
    document = planner.solve("western_china").to_dict()
    assert not {"funding", "sources", "debt"} & set(document)


# ---- the xlsx workbook: Sources and Funding rules sheets ----


def test_a_funded_scenario_round_trips_through_a_workbook(tmp_path):
    from planner.scenario.workbook_write import save_workbook

    scenario = planner.load_scenario(SCENARIO)
    back = planner.load_scenario(save_workbook(scenario, tmp_path / "funded.xlsx"))
    assert back.funding == scenario.funding and back.regions == scenario.regions
    assert back.digest() == scenario.digest()


def test_the_template_has_funding_sheets_with_drop_downs(tmp_path):
    import openpyxl

    from planner.scenario.workbook_write import save_workbook

    book = openpyxl.load_workbook(save_workbook(None, tmp_path / "template.xlsx"))
    rules, sources = book["Funding rules"], book["Sources"]
    assert [c.value for c in rules[1]] == ["source", "region", "sector", "max_share"]
    assert [c.value for c in sources[1]] == ["id", "name", "amount", "debt", "region"]
    lists = {v.formula1 for v in rules.data_validations.dataValidation}
    assert "=Sources!$A$2:$A$5000" in lists and "=Regions!$A$2:$A$5000" in lists
    assert '"TRUE,FALSE"' in {v.formula1 for v in sources.data_validations.dataValidation}


def test_a_bad_rule_in_a_workbook_names_its_sheet_row_and_column(tmp_path):
    import openpyxl

    from planner.scenario.workbook_write import save_workbook

    path = save_workbook(planner.load_scenario(SCENARIO), tmp_path / "funded.xlsx")
    book = openpyxl.load_workbook(path)
    book["Funding rules"]["A3"] = "ghost"
    book.save(path)
    lines = refusal(path)
    assert any("funded.xlsx[Funding rules], row 3, field 'source'" in x for x in lines), lines
