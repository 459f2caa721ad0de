"""The page's tables and settings map back onto the scenario exactly, and bad edits are located."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

import planner
from planner.errors import ScenarioError
from ui import edit


@pytest.fixture(scope="module")
def base() -> planner.Scenario:
    return planner.load_scenario("western_china")


def unchanged(base: planner.Scenario, **settings: object) -> planner.Scenario:
    chosen = replace(edit.settings_of(base), **settings)
    return edit.edited_scenario(
        base,
        chosen,
        edit.split_table(base),
        edit.regions_table(base),
        edit.profiles_table(base),
        edit.corridors_table(base),
    )


def test_untouched_tables_give_back_the_same_scenario(base: planner.Scenario) -> None:
    assert unchanged(base) == base
    assert unchanged(base).digest() == base.digest()


def test_settings_reach_the_scenario(base: planner.Scenario) -> None:
    changed = unchanged(base, total_budget=1500.0, discount_rate=0.05, mode="balanced")
    assert changed.budget == 1500.0  # an even split stays one number, as in the file
    assert changed.discount_rate == 0.05 and changed.objective.mode == "balanced"


def test_an_uneven_split_becomes_a_budget_per_period(base: planner.Scenario) -> None:
    split = edit.split_table(base)
    split["weight"] = [2, 1, 1, 1, 0]
    scenario = edit.edited_scenario(
        base,
        edit.settings_of(base),
        split,
        edit.regions_table(base),
        edit.profiles_table(base),
        edit.corridors_table(base),
    )
    fifth = base.total_budget() / 5  # weights 2, 1, 1, 1, 0 over 5 shares of the total
    assert scenario.budget_per_period() == pytest.approx([2 * fifth, fifth, fifth, fifth, 0])
    assert math.isclose(scenario.total_budget(), base.total_budget())


def test_excluding_a_province_drops_its_needs_and_corridor_membership(
    base: planner.Scenario,
) -> None:
    regions = edit.regions_table(base)
    regions.loc[regions["id"] == "xizang", "include"] = False
    scenario = edit.edited_scenario(
        base,
        edit.settings_of(base),
        edit.split_table(base),
        regions,
        edit.profiles_table(base),
        edit.corridors_table(base),
    )
    assert "xizang" not in {r.id for r in scenario.regions}
    assert all(n.region != "xizang" for n in scenario.needs)
    assert scenario.corridors["sichuan_xizang"].regions == ["sichuan"]
    # its projects go too, and so does any project elsewhere that requires one of them
    assert all(p.region != "xizang" for p in scenario.projects)
    kept = {p.id for p in scenario.projects}
    assert all(set(p.requires) <= kept for p in scenario.projects)
    assert kept >= {p.id for p in base.projects if p.region != "xizang" and not p.requires}


def test_a_blank_shared_need_removes_that_cap(base: planner.Scenario) -> None:
    corridors = edit.corridors_table(base)
    mask = (corridors["corridor"] == "northwest") & (corridors["sector"] == "power")
    corridors.loc[mask, "shared_need"] = None
    scenario = edit.edited_scenario(
        base,
        edit.settings_of(base),
        edit.split_table(base),
        edit.regions_table(base),
        edit.profiles_table(base),
        corridors,
    )
    transport = base.corridors["northwest"].shared_need["transport"]
    assert scenario.corridors["northwest"].shared_need == {"transport": transport}


def test_bad_edits_name_table_row_and_column(base: planner.Scenario) -> None:
    regions = edit.regions_table(base)
    regions.loc[2, "min_share_of_need"] = 1.5
    split = edit.split_table(base)
    split.loc[1, "weight"] = -1

    def problems_shown() -> list[str]:
        with pytest.raises(ScenarioError) as caught:
            edit.edited_scenario(
                base,
                edit.settings_of(base),
                split,
                regions,
                edit.profiles_table(base),
                edit.corridors_table(base),
            )
        return [str(p) for p in caught.value.problems]

    shown = problems_shown()
    assert shown == ["Budget split table, row 2, field 'weight': every period needs a weight ≥ 0"]
    split.loc[1, "weight"] = 1
    shown = problems_shown()
    assert len(shown) == 1
    assert shown[0].startswith("Provinces table, row 3, field 'min_share_of_need'")


def with_edits(base: planner.Scenario, **need_tables: object) -> planner.Scenario:
    """``base`` through the page's untouched tables, with the needs' tables given (grids, notes)."""
    return edit.edited_scenario(
        base,
        edit.settings_of(base),
        edit.split_table(base),
        edit.regions_table(base),
        edit.profiles_table(base),
        edit.corridors_table(base),
        **need_tables,  # type: ignore[arg-type]
    )


def with_grids(base: planner.Scenario, needs, benefits) -> planner.Scenario:
    return with_edits(base, needs=needs, benefits=benefits)


def test_untouched_grids_give_back_the_same_scenario(base: planner.Scenario) -> None:
    """The bundled base scores its pairs on criteria, so it has a needs grid only (no benefits to
    edit: they are derived); a scenario with given benefits has both grids."""
    from tests.conftest import make
    from ui import grids

    assert base.criteria is not None
    assert with_grids(base, grids.grid(base, "need"), None) == base
    given = make()
    assert with_grids(given, grids.grid(given, "need"), grids.grid(given, "benefit")) == given


def test_a_need_edit_on_a_scored_scenario_keeps_the_scores(base: planner.Scenario) -> None:
    """Raising a need changes that row's need only: its criteria scores stay, so its derived
    benefit moves only as far as the criterion maxima (taken over pairs with a need) do."""
    from ui import grids

    needs = grids.grid(base, "need")
    region, sector = base.needs[0].region, base.needs[0].sector
    row = list(needs["region"]).index(region)
    needs.loc[row, sector] = base.needs[0].need + 10
    changed = with_grids(base, needs, None)
    assert changed.need_table()[(region, sector)].need == base.needs[0].need + 10
    assert [n.scores for n in changed.needs] == [n.scores for n in base.needs]
    assert changed.derived_benefits() == base.derived_benefits()


def test_grid_edits_change_needs_and_keep_annotations() -> None:
    """Raising r1's need in sector a from 8 to 11 changes that row only; its `source` stays."""
    from tests.conftest import make
    from ui import grids

    data = make().model_dump()
    data["needs"][0]["source"] = "survey"
    scenario = planner.validate_scenario(data)
    needs, benefits = grids.grid(scenario, "need"), grids.grid(scenario, "benefit")
    needs.loc[0, "a"] = 11.0
    changed = with_grids(scenario, needs, benefits)
    assert changed.need_table()[("r1", "a")].need == 11.0
    assert changed.needs[0].annotations == {"source": "survey"}
    assert len(changed.needs) == len(scenario.needs)
    needs.loc[0, "b"] = None  # clearing both cells drops the need
    benefits.loc[0, "b"] = None
    assert ("r1", "b") not in with_grids(scenario, needs, benefits).need_table()


def test_a_benefit_without_a_need_is_named_by_grid_row_and_sector() -> None:
    from tests.conftest import make
    from ui import grids

    scenario = make()
    needs, benefits = grids.grid(scenario, "need"), grids.grid(scenario, "benefit")
    benefits.loc[1, "b"] = 2.0  # r2 has no need in b
    with pytest.raises(ScenarioError) as caught:
        with_grids(scenario, needs, benefits)
    assert [str(p) for p in caught.value.problems] == [
        "Needs grid, row 2, field 'b': give a need too, or clear both"
    ]


def test_a_notes_edit_annotates_its_need_and_a_cleared_note_drops_it() -> None:
    """The notes table is keyed by (region, sector): r1/b gets a source, r1/a loses its own."""
    from tests.conftest import make
    from ui import grids

    data = make().model_dump()
    data["needs"][0]["source"] = "survey"
    scenario = planner.validate_scenario(data)
    notes = grids.notes_table(scenario)
    assert list(notes.columns) == ["region", "sector", "source"]
    assert with_edits(scenario, notes=notes) == scenario  # untouched: the same scenario
    notes.loc[0, "source"] = ""
    notes.loc[1, "source"] = "census 2020"
    changed = with_edits(scenario, notes=notes)
    assert [n.annotations for n in changed.needs] == [{}, {"source": "census 2020"}, {}]
    # a table without annotations offers a source and a note to start one
    assert list(grids.notes_table(make()).columns) == ["region", "sector", "source", "note"]


def score_grids(scenario: planner.Scenario) -> dict:
    from ui import grids

    return {key: grids.grid(scenario, key) for key in grids.value_fields(scenario)}


def test_with_criteria_the_grids_edit_each_criterions_scores() -> None:
    """test_criteria's hand case: people 100 → 60 at r1/a reaches that score only; a blank score is 0."""
    from tests.test_criteria import hand
    from ui import grids

    scenario = hand()
    assert grids.value_fields(scenario) == ["people", "ecology"]
    needs, scores = grids.grid(scenario, "need"), score_grids(scenario)
    assert scores["people"]["a"].tolist() == [100.0, 0.0]
    assert with_edits(scenario, needs=needs, scores=scores) == scenario
    scores["people"].loc[0, "a"] = 60.0
    scores["ecology"].loc[1, "a"] = None  # blank: 0
    changed = with_edits(scenario, needs=needs, scores=scores)
    table = changed.need_table()
    assert table[("r1", "a")].scores == {"people": 60.0, "ecology": 0.0}
    assert table[("r2", "a")].scores == {"people": 0.0, "ecology": 0.0}
    assert table[("r1", "b")] == scenario.need_table()[("r1", "b")]
    assert all(n.benefit is None for n in changed.needs)


def test_bad_scores_are_named_by_their_grid_row_and_sector() -> None:
    from tests.test_criteria import hand
    from ui import grids

    scenario = hand()
    needs, scores = grids.grid(scenario, "need"), score_grids(scenario)
    scores["ecology"].loc[0, "b"] = -2.0
    with pytest.raises(ScenarioError) as caught:
        with_edits(scenario, needs=needs, scores=scores)
    (shown,) = [str(p) for p in caught.value.problems]
    assert shown.startswith("Scores grid 'ecology', row 1, field 'b': ")
    assert "greater than or equal to 0" in shown
    # clearing r1/a's need leaves people's 100 without a need (ecology's 0 is as good as blank)
    scores["ecology"].loc[0, "b"] = 4.0
    needs.loc[0, "a"] = None
    with pytest.raises(ScenarioError) as caught:
        with_edits(scenario, needs=needs, scores=scores)
    assert [str(p) for p in caught.value.problems] == [
        "Needs grid, row 1, field 'a': a score in Scores grid 'people' but no need: give a need "
        "too, or clear the score"
    ]
