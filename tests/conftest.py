"""Tiny hand-built scenarios shared by the analysis and diagnosis tests."""

from __future__ import annotations

from typing import Any

import pytest

from planner.scenario import Scenario, validate_scenario


def tiny(
    needs: list[tuple[str, str, float, float]],
    regions: list[dict[str, Any]],
    budget: float | list[float],
    periods: tuple[Any, ...] = (2026,),
    **extra: Any,
) -> Scenario:
    """A scenario from (region, sector, need, benefit) rows and region dicts (id and overrides)."""
    sectors = sorted({n[1] for n in needs})
    return validate_scenario(
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
