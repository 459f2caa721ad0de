"""Shared fixtures: tiny scenarios whose optima are derived by hand in the tests' docstrings."""

from __future__ import annotations

import copy
import gc
import os
import shutil
from typing import Any

import numpy as np
import pytest
from sqlalchemy import create_engine, text

import planner

BASE: dict[str, Any] = {
    "version": 1,
    "name": "two regions",
    "periods": [2026],
    "budget": 20,
    "carry_over": False,
    "sectors": ["a", "b"],
    "tranches": [1.0, 0.5],
    "regions": [{"id": "r1"}, {"id": "r2"}],
    "needs": [
        {"region": "r1", "sector": "a", "need": 8, "benefit": 3},
        {"region": "r1", "sector": "b", "need": 10, "benefit": 1.2},
        {"region": "r2", "sector": "a", "need": 20, "benefit": 2},
    ],
}


def make(**changes: Any) -> planner.Scenario:
    """The two-region base scenario with top-level keys replaced (deep-copied, then validated)."""
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(changes))
    return planner.validate_scenario(data)


def store_at(url: str, revision: str) -> Any:
    """A run store created at an older schema ``revision`` (as an older planner left it)."""
    from alembic import command

    from planner.store import engine
    from planner.store.api import RunStore

    resolved = engine.resolve(url)
    db = engine.connect(resolved)
    with engine.writing(db) as conn:
        config = engine._alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    return RunStore(resolved, db)


def pytest_configure(config: pytest.Config) -> None:
    """The collector's youngest generation is walked every 20,000 allocations, not 700: the suite
    makes models, tables and pages by the million and keeps few, and the walks were about 8% of its
    CPU (4 files measured back to back: 70.3 and 68.6 s against 61.8 and 65.3 s). The planner's own
    pauses of the collector (planner/solve/gcpause.py) are left as they are."""
    gc.set_threshold(20_000, 20, 20)


@pytest.fixture
def base() -> planner.Scenario:
    return make()


@pytest.fixture(autouse=True, scope="session")
def no_test_opens_the_users_store(tmp_path_factory):
    """Module- and session-scoped fixtures (an app page built once per module) run before the
    per-test store below is set, so the whole session starts on a store of its own too: a
    newer store left in the user's folder by another checkout must not decide a test."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(
            "PLANNER_DB_URL", str(tmp_path_factory.mktemp("session-store") / "runs.sqlite")
        )
        yield


@pytest.fixture(autouse=True)
def a_run_store_of_its_own(monkeypatch, tmp_path_factory):
    """No test reads or writes the user's own run store (the UI's History tab opens it); the
    store sits beside, not in, the test's tmp_path, which some tests zip or list."""
    monkeypatch.setenv("PLANNER_DB_URL", str(tmp_path_factory.mktemp("store") / "runs.sqlite"))


@pytest.fixture(autouse=True, scope="session")
def every_optimal_plan_obeys_the_spec() -> Any:
    """Every optimal plan solved anywhere in this process is checked against the spec by
    tests/checker.py, which shares no code with models/.

    Session-scoped, so plans solved in module-scoped fixtures are checked too. Checked, in-process:
    every ``PlanModel.solve``; every sweep sample's own plan (``SweepModel.solve_sample``, which sweeps
    with ``workers=0`` and every sweep's candidate plans go through); every committed plan evaluated
    under a sample (``SweepModel.evaluate``: the spec, and no cell above the committed plan). Samples
    solved on Dask workers run in other processes, out of reach of a patch: their allocations come
    back in each batch's result, so the client side (``engine._run_on_dask``) rebuilds each sample's
    scenario from the batch's draws and checks every returned plan and its E there. An evaluation on a
    worker returns only its E, which is checked to be no more than the sample's own optimum.
    """
    with pytest.MonkeyPatch.context() as patch:
        _check_plans(patch)
        _check_sweeps(patch)
        yield


def _check_plans(patch: pytest.MonkeyPatch) -> None:
    from planner.solve.plan_model import PlanModel
    from tests.checker import violations

    original = PlanModel.solve

    def checked(self: PlanModel, *args: Any, **kwargs: Any) -> Any:
        plan = original(self, *args, **kwargs)
        if plan.status == "optimal":
            assert violations(plan.scenario, plan) == [], (
                f"plan of {plan.scenario_name} breaks the spec"
            )
        return plan

    patch.setattr(PlanModel, "solve", checked)


def _check_sweeps(patch: pytest.MonkeyPatch) -> None:
    from planner.sweep import engine
    from planner.sweep.robust import CEILING_SLACK, SweepModel
    from tests.checker import outcome_violations, starts_from_columns

    solve_sample, evaluate, on_dask = (
        SweepModel.solve_sample,
        SweepModel.evaluate,
        engine._run_on_dask,
    )

    def checked_sample(self: SweepModel, *args: Any, **kwargs: Any) -> Any:
        own = solve_sample(self, *args, **kwargs)
        if own.x is not None:
            starts = starts_from_columns(self.u_keys, own.starts)
            found = outcome_violations(self.scenario, self.x_keys, own.x, own.E, starts=starts)
            assert found == [], found
        return own

    def checked_evaluation(self: SweepModel, x_plan: Any, *args: Any, **kwargs: Any) -> Any:
        done = evaluate(self, x_plan, *args, **kwargs)
        if done.x is not None:
            starts = starts_from_columns(self.u_keys, done.starts)
            found = outcome_violations(
                self.scenario, self.x_keys, done.x, done.E, x_plan, CEILING_SLACK, starts
            )
            assert found == [], found
        return done

    def checked_on_dask(client: Any, batches: list, *args: Any, **kwargs: Any) -> Any:
        results = on_dask(client, batches, *args, **kwargs)
        for batch, result in zip(batches, results, strict=True):
            _check_batch(batch, result, outcome_violations)
        return results

    patch.setattr(SweepModel, "solve_sample", checked_sample)
    patch.setattr(SweepModel, "evaluate", checked_evaluation)
    patch.setattr(engine, "_run_on_dask", checked_on_dask)


def _check_batch(batch: Any, result: Any, outcome_violations: Any) -> None:
    """A batch solved on a Dask worker: each optimal sample's plan against its rebuilt scenario."""
    from planner.sweep.design import perturbed
    from tests.checker import starts_from_columns

    base = batch.scenario.model_dump()
    for j, status in enumerate(result.status):
        if status != "optimal":
            continue
        scenario = perturbed(base, batch.design, batch.design.values(batch.draws[j]))
        u = result.starts[j] if result.starts is not None else None
        starts = starts_from_columns(batch.u_keys, u)
        found = outcome_violations(scenario, batch.x_keys, result.x[j], result.E[j], starts=starts)
        assert found == [], f"sample {batch.samples[j]} from a Dask worker: {found}"
        evaluated = result.candidate_E[j][~np.isnan(result.candidate_E[j])]
        assert (evaluated <= result.E[j] * (1 + 1e-9) + 1e-9).all()


def tiny(
    needs: list[tuple[str, str, float, float]],
    regions: list[dict[str, Any]],
    budget: float | list[float],
    periods: tuple[Any, ...] = (2026,),
    **extra: Any,
) -> planner.Scenario:
    """A scenario from (region, sector, need, benefit) rows and region dicts (id and overrides)."""
    sectors = sorted({n[1] for n in needs})
    return planner.validate_scenario(
        {
            "version": 1,
            "name": "hand case",
            "unit": "CNY bn",
            "periods": list(periods),
            "budget": budget,
            "carry_over": extra.pop("carry_over", True),
            "discount_rate": 0.0,
            "sectors": extra.pop("sectors", sectors),
            "tranches": [1.0],
            "regions": [{"name": r["id"].title(), **r} for r in regions],
            "needs": [{"region": r, "sector": s, "need": n, "benefit": b} for r, s, n, b in needs],
            **extra,
        }
    )


@pytest.fixture
def tiny_scenario():
    return tiny


PROGRAMME_BUDGET = 2100.0
"""western_china's programme budget: its ``budget`` (2,507) less the committed projects' 407."""


def western_lp() -> planner.Scenario:
    """The bundled western_china without its candidate projects: the pure LP of model.md, with the
    programme budget of 2,100 CNY bn (the default before projects; corridor caps and capacities
    keep the room the projects' data added). For tests about the LP's own behaviour."""
    scenario = planner.load_scenario("western_china")
    return scenario.with_changes(budget=PROGRAMME_BUDGET).model_copy(
        update={"projects": [], "project_groups": {}}
    )


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL 15 cluster (tests/pg.py), started once for the session.

    Skipped, with the reason, where it truly cannot start; under CI (CI=true) that is a failure."""
    import os

    from tests import pg

    try:
        with pg.cluster() as server:
            yield server
    except pg.Unavailable as err:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is required under CI and could not start: {err}")
        pytest.skip(f"PostgreSQL not available: {err}")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """An empty run store in SQLite (a temp file) and in PostgreSQL (a fresh database)."""
    if request.param == "sqlite":
        return str(tmp_path / "runs.sqlite")
    from tests import pg

    return pg.new_database(request.getfixturevalue("postgres_server"))


# ---- system tools some tests need (.ci/run installs them) ----

POSTGRES_INITDB = "/usr/lib/postgresql/15/bin/initdb"  # Debian's postgresql package, version 15
NOTO_CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"  # fonts-noto-cjk


def in_ci() -> bool:
    """True on the CI machine (``CI=true``), where every system tool must be present."""
    return os.environ.get("CI", "").lower() == "true"


def require_or_skip(tool: str, reason: str) -> str:
    """The path of ``tool`` (a command on PATH or an absolute path); without it the test is skipped
    with ``reason``, or fails under CI, so a CI machine missing a browser, a database or a font
    cannot pass by skipping what it could not run."""
    found = shutil.which(tool) or (tool if os.path.isabs(tool) and os.path.exists(tool) else None)
    if found:
        return found
    message = f"{tool} not found: {reason}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: a missing tool fails the run)")
    pytest.skip(message)


def tamper(url: str, sql: str) -> None:
    """Change the store behind planner's back, past the append-only triggers."""
    engine = create_engine(url if "://" in url else f"sqlite:///{url}")
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET session_replication_role = replica"))  # triggers off
        else:
            for (name,) in conn.execute(
                text("SELECT name FROM sqlite_master WHERE type='trigger'")
            ):
                conn.execute(text(f"DROP TRIGGER {name}"))
        conn.execute(text(sql))
    engine.dispose()
