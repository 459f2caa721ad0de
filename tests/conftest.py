"""Shared fixtures: tiny scenarios whose optima are derived by hand in the tests' docstrings."""

from __future__ import annotations

import copy
import os
import shutil
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
