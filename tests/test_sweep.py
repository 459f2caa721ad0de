"""Sweeps: sample specs, reproducibility, regret, infeasible samples, Dask workers (also a killed one)."""

from __future__ import annotations

import math
import os
import signal

import numpy as np
import pandas as pd
import pytest

import planner
from planner.cli import main
from planner.errors import OutputError, ScenarioError
from planner.scenario.synthetic import synthetic_scenario
from planner.sweep.design import Design, parse_grid, parse_variation, perturbed
from planner.sweep.robust import SweepModel
from tests.conftest import western_lp

VARY = ["benefit=±30%", "need=±20%", "budget=tri:-25%..0%..+10%"]


@pytest.fixture(scope="module")
def small():
    return synthetic_scenario(5, 2, 2, n_tranches=2, seed=3)


@pytest.fixture(scope="module")
def serial(small):
    return planner.sweep(
        small, samples=12, seed=7, vary=VARY, workers=0, batch_size=5, candidates=3
    )


def assert_same(a, b):
    for name in ("samples", "allocation", "summary", "candidates", "evaluations", "robust_plan"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)


# ---- specs ----


def test_plus_minus_is_a_uniform_multiplier():
    v = parse_variation("benefit=±30%")
    assert (v.low, v.mode, v.high, v.relative, v.distribution) == (0.7, 1.0, 1.3, True, "uniform")


def test_three_values_make_a_triangular_range():
    v = parse_variation("need[transport]@region=-10%..0%..+40%")
    assert v.distribution == "triangular" and v.only == "transport" and v.per == "region"
    assert (v.low, v.mode, v.high) == pytest.approx((0.9, 1.0, 1.4))


def test_triangular_quantiles_have_the_triangular_mean():
    v = parse_variation("budget=tri:1800..2000..2600")
    u = (np.arange(100_000) + 0.5) / 100_000  # an even grid over [0, 1): no randomness
    drawn = v.quantile(u)
    assert drawn.min() >= 1800 and drawn.max() <= 2600
    assert drawn.mean() == pytest.approx((1800 + 2000 + 2600) / 3, rel=1e-4)


@pytest.mark.parametrize(
    "text",
    [
        "benefit=30%",  # neither ± nor a range
        "price=±10%",  # not a target
        "need=±100%",  # a need of 0 would drop the pair
        "budget[xinjiang]=±10%",  # a scalar has no rows
        "benefit=uniform:1..2..3",  # uniform with a mode
        "benefit=2..1",  # reversed
        "benefit@province=±10%",  # unknown grouping
    ],
)
def test_bad_specs_name_the_vary_option(text):
    with pytest.raises(ScenarioError) as err:
        parse_variation(text)
    assert all(p.file == "--vary" for p in err.value.problems)


def test_grid_rejects_unknown_keys():
    assert parse_grid(["redundancy_tolerance=0,0.1"]) == {"redundancy_tolerance": [0, 0.1]}
    with pytest.raises(ScenarioError):
        parse_grid(["colour=red"])


def test_a_sector_grouping_moves_a_sector_together(small):
    design = Design.resolve(small, [parse_variation("benefit@sector=±50%")])
    scenario = perturbed(small.model_dump(), design, design.values(design.draw([0], 1)[0]))
    base = {(n.region, n.sector): n.benefit for n in small.needs}
    ratios = pd.DataFrame(
        [(n.sector, n.benefit / base[n.region, n.sector]) for n in scenario.needs],
        columns=["sector", "ratio"],
    )
    spread = ratios.groupby("sector")["ratio"].agg(lambda r: r.max() - r.min())
    assert (spread < 1e-12).all()
    assert ratios["ratio"].nunique() == 2


def test_a_filter_moves_only_its_rows(small):
    design = Design.resolve(small, [parse_variation("need[s1]=±50%")])
    scenario = perturbed(small.model_dump(), design, design.values(design.draw([0], 1)[0]))
    before = {(n.region, n.sector): n.need for n in small.needs}
    for n in scenario.needs:
        assert (n.need == before[n.region, n.sector]) == (n.sector != "s1")


# ---- the model the workers re-solve ----


def test_ceiling_rows_leave_the_optimum_alone():
    scenario = western_lp()
    own = SweepModel(scenario).solve_sample()
    assert pytest.approx(planner.solve(scenario).E, rel=1e-9) == own.E


def test_a_plan_evaluated_under_its_own_scenario_keeps_its_benefit(small):
    model = SweepModel(small)
    own = model.solve_sample()
    assert pytest.approx(own.E, rel=1e-9) == model.evaluate(own.x).E


# ---- results ----


def test_same_seed_same_results_whatever_the_batch_size(small, serial):
    again = planner.sweep(
        small, samples=12, seed=7, vary=VARY, workers=0, batch_size=1, candidates=3
    )
    assert_same(serial, again)


def test_a_sample_does_not_depend_on_how_many_are_drawn(small, serial):
    fewer = planner.sweep(small, samples=4, seed=7, vary=VARY, workers=0, candidates=0)
    pd.testing.assert_frame_equal(
        fewer.allocation, serial.allocation[serial.allocation["sample"] < 4], check_exact=True
    )


def test_regret_of_the_deterministic_plan_is_never_negative(serial):
    feasible = serial.samples[serial.samples["status"] == "optimal"]
    assert len(feasible) == 12
    assert (feasible["regret"] >= -1e-6 * feasible["E"]).all()
    assert (feasible["E_deterministic"] <= feasible["E"] * (1 + 1e-9)).all()


def test_summary_quantiles_are_ordered_and_come_from_the_samples(serial):
    s = serial.summary
    assert (s["p10"] <= s["p50"] + 1e-12).all() and (s["p50"] <= s["p90"] + 1e-12).all()
    by_pair = serial.allocation.groupby(["region", "sector"], sort=False)["amount"]
    expected = by_pair.quantile(0.9).to_numpy()
    np.testing.assert_allclose(s["p90"].to_numpy(), expected)
    funded = by_pair.apply(lambda a: (a > 1e-6).mean()).to_numpy()
    np.testing.assert_allclose(s["p_funded"].to_numpy(), funded)


def test_exactly_one_robust_plan_and_it_breaks_the_fewest_samples(serial):
    c = serial.candidates
    assert c["chosen"].sum() == 1
    chosen = c[c["chosen"]].iloc[0]
    assert chosen["broken_samples"] == c["broken_samples"].min()
    best = c[c["broken_samples"] == chosen["broken_samples"]]["expected_E"].max()
    assert chosen["expected_E"] == best
    assert c.loc[0, "candidate"] == "deterministic"


def test_infeasible_samples_are_recorded_and_the_sweep_completes(small):
    floor_money = sum(
        r.min_share_of_need * sum(n.need for n in small.needs if n.region == r.id)
        for r in small.regions
    )
    low, high = 0.5 * floor_money, 1.5 * small.total_budget()
    result = planner.sweep(
        small, samples=16, seed=1, vary=[f"budget={low}..{high}"], workers=0, candidates=2
    )
    status = result.samples.set_index("sample")["status"]
    short = result.samples.set_index("sample")["budget"] < floor_money * (1 - 1e-6)
    assert short.any() and (~short).any()
    assert (status[short] == "infeasible").all()
    assert (status[~short] == "optimal").all()
    assert result.samples.loc[status.to_numpy() != "optimal", "regret"].isna().all()
    assert result.summary["p_funded"].notna().all()


def test_a_grid_runs_every_point_with_the_same_draws(small):
    result = planner.sweep(
        small,
        samples=3,
        seed=2,
        vary=["benefit=±20%"],
        grid={"redundancy_tolerance": [0.0, 0.5]},
        workers=0,
        candidates=1,
    )
    assert list(result.grid["redundancy_tolerance"]) == [0.0, 0.5]
    assert result.samples.groupby("grid").size().tolist() == [3, 3]
    relaxed = result.samples.set_index(["grid", "sample"])["E"]
    # a looser corridor cap never lowers the optimum of the same sample
    assert (relaxed.loc[1].to_numpy() >= relaxed.loc[0].to_numpy() - 1e-6).all()


# ---- files and CLI ----


def test_write_puts_every_table_beside_the_results(serial, tmp_path):
    paths = serial.write(tmp_path / "results.parquet")
    assert [p.name for p in paths] == [
        "results.parquet",
        "results.summary.parquet",
        "results.candidates.parquet",
        "results.robust_plan.parquet",
    ]
    back = pd.read_parquet(paths[0])
    assert len(back) == len(serial.allocation)
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
    with pytest.raises(OutputError):
        serial.write(tmp_path / "results.xlsx")


def test_report_section_states_the_method(serial):
    text = serial.report_section()
    assert text.startswith("## Uncertainty sweep")
    assert "Robust plan" in text and "| region |" in text


def test_cli_sweep_writes_csv_and_report(tmp_path, capsys):
    out = tmp_path / "r.csv"
    code = main(
        [
            "sweep",
            "western_china",
            "--samples",
            "3",
            "--vary",
            "benefit=±30%",
            "--vary",
            "budget=1800..2400",
            "--workers",
            "0",
            "--candidates",
            "1",
            "--no-progress",
            "--out",
            str(out),
            "--report",
            str(tmp_path / "r.md"),
        ]
    )
    assert code == 0
    assert "regret of the deterministic plan" in capsys.readouterr().out
    assert set(pd.read_csv(out).columns) >= {"sample", "region", "sector", "amount", "regret"}
    assert (tmp_path / "r.md").read_text().startswith("## Uncertainty sweep")


def test_cli_bad_spec_is_one_line_and_writes_nothing(tmp_path, capsys):
    code = main(["sweep", "--vary", "benefit=lots", "--out", str(tmp_path / "r.csv")])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: --vary")
    assert not list(tmp_path.iterdir())


# ---- Dask ----


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as local,
        distributed.Client(local) as client,
    ):
        yield client


@pytest.mark.slow
def test_two_worker_processes_give_the_serial_results(small, serial, cluster):
    distributed_run = planner.sweep(
        small, samples=12, seed=7, vary=VARY, client=cluster, batch_size=2, candidates=3
    )
    assert len(cluster.scheduler_info()["workers"]) == 2
    assert_same(serial, distributed_run)


@pytest.mark.slow
def test_a_worker_killed_mid_sweep_does_not_lose_the_sweep(small, serial, cluster):
    pids = cluster.run(os.getpid)
    killed = {}

    def kill_one_worker(done: int, total: int) -> None:
        if done and not killed:
            address, pid = sorted(pids.items())[0]
            os.kill(pid, signal.SIGKILL)  # the nanny restarts it; its running batch runs again
            killed[address] = pid

    result = planner.sweep(
        small,
        samples=12,
        seed=7,
        vary=VARY,
        client=cluster,
        batch_size=1,
        candidates=3,
        progress=kill_one_worker,
    )
    assert killed
    cluster.wait_for_workers(2, timeout=60)
    assert set(cluster.run(os.getpid).values()) != set(pids.values())
    assert_same(serial, result)
    assert math.isclose(result.samples["E"].sum(), serial.samples["E"].sum())
