"""Shared fixtures: tiny scenarios whose optima are derived by hand in the tests' docstrings."""

from __future__ import annotations

import copy
from typing import Any

import pytest

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


@pytest.fixture
def base() -> planner.Scenario:
    return make()


@pytest.fixture(autouse=True)
def a_run_store_of_its_own(monkeypatch, tmp_path_factory):
    """No test reads or writes the user's own run store (the UI's History tab opens it); the
    store sits beside, not in, the test's tmp_path, which some tests zip or list."""
    monkeypatch.setenv("PLANNER_DB_URL", str(tmp_path_factory.mktemp("store") / "runs.sqlite"))


@pytest.fixture(autouse=True)
def every_optimal_plan_obeys_the_spec(monkeypatch):
    """Every optimal plan solved anywhere in this process is checked against the spec by
    tests/checker.py, which shares no code with models/."""
    from planner.solve.plan_model import PlanModel
    from tests.checker import violations

    original = PlanModel.solve

    def checked(self, *args: Any, **kwargs: Any):
        plan = original(self, *args, **kwargs)
        if plan.status == "optimal":
            assert violations(plan.scenario, plan) == [], (
                f"plan of {plan.scenario_name} breaks the spec"
            )
        return plan

    monkeypatch.setattr(PlanModel, "solve", checked)


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
"""western_china's programme budget: its ``budget`` (2,510) less the committed projects' 410."""


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
