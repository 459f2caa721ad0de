"""The What matters tab (ui/criteria.py): a slider per criterion re-solving the session's live model,
benefit E by criterion, the benefit's parts per province, the weight sweep; the pure functions
directly, the page headless by AppTest on western_china scored on three criteria (tests/scored.py)."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import planner
from planner.i18n.catalog import t
from planner.scenario.model import validate_scenario
from tests.scored import scored_western
from tests.test_ui_app import APP, TIMEOUT_S, assert_clean
from ui import criteria, grids

TAB = "What matters"


@pytest.fixture(scope="module")
def scored() -> planner.Scenario:
    """Without candidate projects: a pure LP, so a re-solve and a fresh build agree to 1e-9."""
    return scored_western(projects=False)


def page(
    scenario: planner.Scenario, folder: Path, monkeypatch: pytest.MonkeyPatch, lang: str = "en"
) -> AppTest:
    planner.save_scenario(scenario, folder)
    monkeypatch.setattr(sys, "argv", ["app.py", "--scenario", str(folder)])
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params["lang"] = lang
    at.run()
    assert_clean(at)
    return at


def tab_of(at: AppTest, label: str = TAB) -> Any:
    (found,) = [tab for tab in at.tabs if tab.label == label]
    return found


def status(at: AppTest) -> str:
    return next(c.value for c in at.caption if "status" in c.value)


def criterion_parts(plan: planner.Plan) -> dict[str, float]:
    return dict(zip(plan.criteria["criterion"], plan.criteria["E"], strict=True))


# ---- the page ----


def test_a_slider_re_solves_in_place_and_equals_a_fresh_solve_with_that_weight(
    scored: planner.Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = page(scored, tmp_path / "scored", monkeypatch)
    before = tab_of(at).dataframe[0].value
    assert [float(w) for w in before["weight"]] == [1.0, 0.3, 0.2]  # the scenario's own weights

    at.slider(key="criteria_weight_ecology").set_value(2.0).run()
    assert_clean(at)
    assert "re-solved in place" in status(at)  # a weight moves objective coefficients only
    shown = tab_of(at).dataframe[0].value
    fresh = planner.solve(scored.with_changes(criteria={"ecology": 2.0}))
    assert [float(w) for w in shown["weight"]] == [1.0, 0.3, 2.0]
    assert list(shown["E"]) == pytest.approx(list(criterion_parts(fresh).values()), rel=1e-7)
    assert math.fsum(shown["E"]) == pytest.approx(fresh.E, rel=1e-9)
    assert shown["E"].iloc[2] > before["E"].iloc[2]  # ecology weighs more, so it earns more of E


def test_a_scenario_without_criteria_says_so_in_one_line(
    scored: planner.Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given = scored.model_dump()
    benefits = scored.derived_benefits()
    for need in given["needs"]:
        need["benefit"] = benefits[(need["region"], need["sector"])]
        need["scores"] = {}
    unscored = validate_scenario({**given, "criteria": None})
    at = page(unscored, tmp_path / "unscored", monkeypatch)
    tab = tab_of(at)
    assert [i.value for i in tab.info] == [t("ui.criteria.none")]
    assert not tab.slider and not tab.dataframe
    assert "criteria:" in t("ui.criteria.none")  # says how to add them


def test_the_chinese_page_names_the_tab_and_the_criteria_in_chinese(
    scored: planner.Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = page(scored, tmp_path / "scored", monkeypatch, lang="zh")
    tab = tab_of(at, "看重什么")
    assert [s.label for s in tab.slider] == ["受益人口", "增长带动", "生态效益"]
    assert list(tab.dataframe[0].value["name"]) == ["受益人口", "增长带动", "生态效益"]


def test_the_weight_sweep_draws_a_pairs_funding_as_fresh_solves_give_it(
    scored: planner.Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = page(scored, tmp_path / "scored", monkeypatch)
    at.selectbox(key="criteria_sweep_criterion").set_value("ecology")
    at.selectbox(key="criteria_sweep_region").set_value("qinghai")
    at.selectbox(key="criteria_sweep_sector").set_value("water")
    at.text_input(key="criteria_sweep_levels").set_value("0:1:0.5").run()
    at.button(key="criteria_sweep_button").click().run()
    assert_clean(at)
    (found,) = at.session_state[criteria.SWEEPS_KEY].values()
    funding = criteria.pair_funding(found, "qinghai", "water")
    assert list(funding["weight"]) == [0.0, 0.5, 1.0]
    for weight, amount in zip(funding["weight"], funding["amount"], strict=True):
        plan = planner.solve(scored.with_changes(criteria={"ecology": weight}))
        mine = plan.allocation.query("region == 'qinghai' and sector == 'water'")
        assert amount == pytest.approx(mine["amount"].sum(), abs=1e-6)
    assert funding["amount"].iloc[0] < funding["amount"].iloc[-1]  # ecology's weight buys water
    answer = criteria.sweep_answer(found, scored, "qinghai", "water")
    assert "Qinghai's water" in answer and "whole need" in answer
    assert answer in [m.value for m in tab_of(at).markdown]


# ---- the pure functions ----


def test_e_by_criterion_adds_up_to_E_with_the_projects_valued_apart() -> None:
    """With candidate projects the criteria's parts add up to E less the funded projects' values,
    Σ_p d[t_p] · w[profile(r_p), s_p] · value[p] (projects.md), computed here from the plan's
    projects table; the tab's extra row holds exactly that, so its rows add up to E."""
    scenario = scored_western(projects=True)
    plan = planner.solve(scenario)
    table = criteria.e_by_criterion(plan)
    assert list(table["criterion"]) == ["people", "growth", "ecology", criteria.PROJECTS_ROW]
    assert math.fsum(table["E"]) == pytest.approx(plan.E, rel=1e-9)
    funded = plan.projects[plan.projects["funded"]]
    periods = list(scenario.periods)
    values = []
    for project in funded.itertuples():
        region = scenario.region(project.region)
        weight = scenario.profile_of(region).weight.get(project.sector, 1.0)
        discount = (1 + scenario.discount_rate) ** -periods.index(project.start)
        values.append(discount * weight * project.value)
    assert len(values) > 0
    assert table["E"].iloc[-1] == pytest.approx(math.fsum(values), rel=1e-6)


def test_without_projects_the_criteria_alone_add_up_to_E(scored: planner.Scenario) -> None:
    plan = planner.solve(scored)
    table = criteria.e_by_criterion(plan)
    assert criteria.PROJECTS_ROW not in set(table["criterion"])
    assert math.fsum(table["E"]) == pytest.approx(plan.E, rel=1e-9)


def test_parts_per_province_for_a_sector_and_need_weighted_for_all(
    scored: planner.Scenario,
) -> None:
    """Qinghai's water: people = its former benefit ÷ the largest, growth 0.3·0.4, ecology 0.2·1
    (the plateau's score 1 is ecology's largest). For all sectors each part is Σ need·part ÷ Σ need."""
    plan = planner.solve(scored)
    water = criteria.parts_by_province(plan, "water")
    qinghai = water[water["region"] == "qinghai"].set_index("criterion")["part"]
    assert qinghai["growth"] == pytest.approx(0.3 * 0.4 / 1.0)
    assert qinghai["ecology"] == pytest.approx(0.2 * 1.0)
    assert math.fsum(qinghai) == pytest.approx(scored.derived_benefits()[("qinghai", "water")])

    every = criteria.parts_by_province(plan, criteria.ALL_SECTORS)
    mean = every[every["region"] == "qinghai"].set_index("criterion")["part"]
    needs = [n for n in scored.needs if n.region == "qinghai"]
    parts = scored.benefit_parts()
    for key in ("people", "growth", "ecology"):
        weighted = math.fsum(n.need * parts[("qinghai", n.sector)][key] for n in needs)
        assert mean[key] == pytest.approx(weighted / math.fsum(n.need for n in needs))
    assert list(dict.fromkeys(every["region"])) == [r.id for r in scored.regions]


def test_weights_left_as_the_scenario_gives_them_change_nothing(scored: planner.Scenario) -> None:
    assert criteria.weighed(scored, {"people": 1.0, "growth": 0.3}) is scored
    changed = criteria.weighed(scored, {"ecology": 3.0})
    assert changed.criteria is not None and changed.criteria["ecology"].weight == 3.0
    assert changed.criteria["ecology"].label == "Ecological gain"


def test_another_scenario_forgets_the_sliders(scored: planner.Scenario) -> None:
    session: dict[str, Any] = {}
    criteria.apply(scored, scored, session)
    session[criteria.slider_key("ecology")] = 2.5
    assert criteria.apply(scored, scored, session).criteria["ecology"].weight == 2.5  # type: ignore[index]
    other = scored.with_changes(budget=2000)
    assert criteria.apply(other, other, session) is other
    assert criteria.slider_key("ecology") not in session


def test_editing_a_need_keeps_the_pairs_scores_and_needs_no_benefit(
    scored: planner.Scenario,
) -> None:
    """With criteria the grids beside the needs are the scores (no benefit grid is read back)."""
    data = scored.model_dump()
    needs = grids.grid(scored, "need")
    needs.loc[needs["region"] == "qinghai", "water"] = 99.0
    assert grids.value_fields(scored) == list(scored.criteria or {})
    scores = {key: grids.grid(scored, key) for key in grids.value_fields(scored)}
    _places, problems = grids.apply_grids(data, needs, scores)
    assert problems == []
    edited = validate_scenario(data)
    need = edited.need_table()[("qinghai", "water")]
    assert need.need == 99.0 and need.benefit is None
    assert need.scores == scored.need_table()[("qinghai", "water")].scores
