"""Sweeps with candidate projects: cost variations, p_funded and likely starts, committed starts.

The PORTS case (tests/test_projects.py): budget 10 a period, port_a (6, value 12) and port_b (3 + 3,
value 10) are alternatives, rail_b (4, value 9) requires port_b; E* = 29 with port_b and rail_b.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import planner
from planner.scenario.synthetic import synthetic_scenario
from planner.sweep.design import Design, parse_variation, perturbed
from tests.test_projects import ports


def test_cost_at_a_project_moves_that_project_alone():
    v = parse_variation("cost@port_b=±20%")
    assert (v.target, v.only, v.per) == ("cost", "port_b", "row")
    scenario = ports()
    design = Design.resolve(scenario, [v])
    sample = perturbed(scenario.model_dump(), design, [np.array([1.2])])
    costs = {p.id: p.cost for p in sample.projects}
    assert costs == pytest.approx({"port_a": 6.0, "port_b": 7.2, "rail_b": 4.0})


def test_cost_moves_every_project_each_its_own_draw_or_all_together():
    scenario = ports()
    assert Design.resolve(scenario, [parse_variation("cost=±20%")]).groups == (3,)
    assert Design.resolve(scenario, [parse_variation("cost@all=±20%")]).groups == (1,)
    assert Design.resolve(scenario, [parse_variation("cost[b]@region=±20%")]).rows == ((1, 2),)


@pytest.mark.parametrize("text", ["cost=-100%..0%", "cost@nowhere=±10%"])
def test_a_cost_that_could_vanish_or_an_unknown_project_is_refused(text):
    with pytest.raises(planner.ScenarioError) as err:
        Design.resolve(ports(), [parse_variation(text)])
    assert "--vary" in str(err.value)


def test_without_variation_every_sample_funds_the_deterministic_projects():
    """All samples are the scenario itself: p_funded is 1 for port_b and rail_b, 0 for port_a, the
    likely start is the deterministic start in every sample, and the regret is 0 (the deterministic
    plan evaluated with its starts fixed keeps E = 29)."""
    result = planner.sweep(ports(), samples=3, workers=0, candidates=0)
    table = result.projects.set_index("id")
    assert table["p_funded"].to_dict() == {"port_a": 0.0, "port_b": 1.0, "rail_b": 1.0}
    funded = table.loc[["port_b", "rail_b"]]
    assert (funded["likely_start"] == funded["deterministic_start"]).all()
    assert (funded["likely_start_share"] == 1.0).all()
    assert table.loc["port_a", "likely_start"] is None
    assert result.samples["E_deterministic"].to_numpy() == pytest.approx([29.0] * 3)
    assert result.samples["regret"].abs().max() == pytest.approx(0.0, abs=1e-6)  # solver tolerance


def test_per_pair_amounts_are_all_money_of_the_pair():
    """E* = 29 funds port_b (3 + 3) and rail_b (4) in region b and no programme money there (a's
    10 are worth more): b's money is 10, all of it project cash, and a's is 10 of programme. The
    sweep's per-pair figures say the same as the plan's allocation (programme-only amounts would
    give b 0)."""
    plan = planner.solve(ports())
    by_pair = plan.allocation.groupby("region")["amount"].sum().to_dict()
    assert by_pair == pytest.approx({"a": 10.0, "b": 10.0})
    result = planner.sweep(ports(), samples=3, workers=0, candidates=0)
    sampled = result.allocation.groupby(["sample", "region"])["amount"].sum()
    assert sampled.to_numpy() == pytest.approx([10.0] * 6)
    summary = result.summary.set_index("region")
    for column in ("deterministic", "robust", "mean", "p10", "p90"):
        assert summary[column].to_dict() == pytest.approx(by_pair), column
    assert summary["p_funded"].to_dict() == {"a": 1.0, "b": 1.0}
    robust = result.robust_plan.groupby("region")["amount"].sum().to_dict()
    assert robust == pytest.approx(by_pair)


@pytest.fixture(scope="module")
def dear_port_b():
    """port_b costs 2 to 4 times more (12 to 24): port_b + rail_b then leave at most 20 − 12 − 4 = 4
    for a (E ≤ 19 + 4 = 23), below port_a alone (E = 24), so every sample funds port_a."""
    return planner.sweep(
        ports(), samples=8, seed=2, vary=["cost@port_b=+100%..+300%"], workers=0, candidates=2
    )


def test_a_dearer_alternative_loses_in_every_sample(dear_port_b):
    table = dear_port_b.projects.set_index("id")
    assert table["p_funded"].to_dict() == {"port_a": 1.0, "port_b": 0.0, "rail_b": 0.0}
    assert table.loc["port_b", "deterministic_start"] == 2026
    assert table.loc["port_a", "robust_start"] is not None  # a draw's plan, funding port_a, wins


def test_a_committed_plan_keeps_its_starts_under_a_sample(dear_port_b):
    """The deterministic plan starts port_b (c/2 a period) and rail_b (4) in one period: with c > 12
    that period needs more than 10, so the plan with its starts fixed breaks every sample. Were the
    starts free, the evaluation would switch to port_a and score 24."""
    samples = dear_port_b.samples
    assert (samples["status"] == "optimal").all()
    assert samples["E"].to_numpy() == pytest.approx([24.0] * len(samples))
    assert samples["E_deterministic"].isna().all()


def test_the_project_table_is_written_and_reported(dear_port_b, tmp_path):
    paths = dear_port_b.write(tmp_path / "out.csv")
    assert tmp_path / "out.projects.csv" in paths
    written = pd.read_csv(tmp_path / "out.projects.csv")
    assert list(written["id"]) == ["port_a", "port_b", "rail_b"]
    assert "candidate projects" in dear_port_b.summary_text()
    assert "Candidate projects" in dear_port_b.report_section()


def test_a_sweep_without_projects_has_no_project_table(tmp_path):
    # a synthetic scenario: western_china gets real candidate projects (issue 14)
    result = planner.sweep(synthetic_scenario(4, 2, 2, seed=1), samples=2, workers=0, candidates=0)
    assert result.projects.empty
    assert "projects" not in result.tables()
