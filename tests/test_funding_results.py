"""Funding results as a planner reads them (funding.md "Results"): the CLI's Who pays table, the most
valuable next yuan in words, binding co-financing caps explained, all of it in Chinese too."""

from __future__ import annotations

from pathlib import Path

import pytest

import planner
from planner.analysis.funding_words import next_yuan, next_yuan_words, who_pays
from planner.cli import main
from planner.i18n.catalog import use_language
from tests.catalog_words import english_fragments, leftovers

SCENARIO = str(Path(__file__).parent / "scenarios" / "funding_two_provinces")


@pytest.fixture(scope="module")
def plan() -> planner.Plan:
    return planner.solve(SCENARIO)


def test_who_pays_splits_each_source_by_sector_and_sets_use_against_amount(plan):
    table = who_pays(plan)
    assert list(table.index) == ["central", "bonds", "north_own"]
    assert table.loc["bonds", "water"] == 0  # bonds may not fund water
    sectors = ["transport", "water"]
    assert table[sectors].sum(axis=1).to_numpy() == pytest.approx(table["used"].to_numpy())
    assert table.loc["central", "amount"] == 40 and table["use"].max() <= 1 + 1e-9
    assert table["used"].sum() == pytest.approx(plan.allocated_total, rel=1e-6)


def test_the_next_yuan_names_the_most_valuable_source_first():
    """Central's amount raised in 2027 only: its 2026 money is spent, and central is worth more than
    the bonds (which may not fund water, whose cap is what binds)."""
    plan = planner.solve(SCENARIO, funding={"central": [20, 20]})
    best = next_yuan(plan)
    assert list(best["dual"]) == sorted(best["dual"], reverse=True)
    words = next_yuan_words(plan)
    first = best.iloc[0]
    names = {"central": "Central budget investment", "bonds": "Special bonds"}
    assert words.startswith(
        f"One more CNY bn of {names.get(first.source, 'North own fiscal money')}"
    )
    assert f"in {first.period} adds {first.dual:.3g}" in words
    assert "The debt room of North binds." in words


def test_the_cli_summary_has_who_pays_and_the_binding_caps_in_words(capsys):
    assert main(["solve", SCENARIO]) == 0
    out = capsys.readouterr().out
    assert "Who pays (CNY bn)" in out
    assert "One more CNY bn of" in out
    assert "Central budget investment already pays its 50% cap of North's transport." in out


def test_the_cli_summary_in_chinese_has_no_english_left(capsys):
    assert main(["--lang", "zh", "solve", SCENARIO]) == 0
    out = capsys.readouterr().out
    assert "谁来出资（亿元）" in out and "中央预算内投资" in out
    assert "中央预算内投资已达到其对北方交通出资 50% 的上限" in out
    fragments = english_fragments(("summary.", "funding.", "meaning.", "column."))
    assert not leftovers([out], fragments)
    with use_language("zh"):
        assert "新增债务空间已用尽" in next_yuan_words(planner.solve(SCENARIO))


def test_a_plan_without_funding_has_no_funding_words(capsys):
    plan = planner.solve("western_china")
    assert who_pays(plan).empty and next_yuan_words(plan) == ""
    assert main(["solve", "western_china"]) == 0
    assert "Who pays" not in capsys.readouterr().out
