"""Benchmarks stop on a wrong answer: a timing of a mismatch must not exit 0 (issue 22.10)."""

from __future__ import annotations

import math

import pytest

import planner
from bench import frontier


def test_frontier_bench_stops_when_the_two_ways_disagree(monkeypatch, capsys):
    """Rebuilt E made 1e-6 larger than re-solved E at every point: the script exits non-zero
    (a SystemExit with a message exits with status 1) and names the points."""
    real = frontier.rebuild_per_point
    monkeypatch.setattr(
        frontier,
        "rebuild_per_point",
        lambda scenario, budgets: [e * (1 + 1e-6) for e in real(scenario, budgets)],
    )
    with pytest.raises(SystemExit) as stopped:
        frontier.compare_ways("western_china", planner.load_scenario("western_china"), 3)
    assert isinstance(stopped.value.code, str) and "E MISMATCH (western_china" in stopped.value.code
    assert stopped.value.code.count("budget ") == 3


def test_frontier_bench_accepts_equal_answers_and_equal_gaps():
    """Infeasible levels have no E (NaN) on both sides: equal, not a mismatch."""
    frontier.check_same_E("x", [1.0, 2.0], [math.nan, 5.0], [math.nan, 5.0 * (1 + 1e-9)])
    with pytest.raises(SystemExit, match="budget 1: nan against 4.0"):
        frontier.check_same_E("x", [1.0, 2.0], [math.nan, 5.0], [4.0, 5.0])


def test_funding_bench_raw_lps_agree_with_the_planner_on_the_small_size():
    """bench/funding.py's raw highspy LPs, built from the spec with numpy, reach the planner's E and
    least debt: the timing compares two readings of the same two LPs."""
    from bench.funding import funded_scenario, run_planner, run_raw

    scenario = funded_scenario("small")
    raw, ours = run_raw(scenario, "choose"), run_planner(scenario)
    assert math.isclose(raw["E"], ours["E"], rel_tol=1e-6)
    assert math.isclose(raw["debt"], ours["debt"], rel_tol=1e-4, abs_tol=1e-4)


def test_funding_bench_stops_when_the_two_ways_disagree(monkeypatch, capsys):
    from bench import funding

    real = funding.run_raw
    monkeypatch.setattr(
        funding, "run_raw", lambda s, a: {**real(s, a), "E": real(s, a)["E"] * (1 + 1e-5)}
    )
    assert funding.main(["--size", "small", "--points", "2"]) == 1
    assert "E differs" in capsys.readouterr().err
