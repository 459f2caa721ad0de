"""The changes :meth:`planner.Scenario.with_changes`, ``planner.solve`` and ``--set`` accept, each as
a function that writes its value into the scenario's plain mapping before it is validated again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from planner.scenario.criteria import apply_weight_changes
from planner.scenario.funding import apply_source_amounts, set_budget


def _set_top(key: str) -> Callable[[dict[str, Any], Any], None]:
    def apply(data: dict[str, Any], value: Any) -> None:
        data[key] = value

    return apply


def _set_objective(key: str) -> Callable[[dict[str, Any], Any], None]:
    def apply(data: dict[str, Any], value: Any) -> None:
        data["objective"] = {**dict(data["objective"]), key: value}

    return apply


def gathered(changes: dict[str, Any], key: str) -> dict[str, Any]:
    """``KEY.NAME=VALUE`` changes (``--set``) join one ``KEY`` mapping: ``criteria.NAME=WEIGHT``
    the ``criteria`` mapping of weights, ``funding.SOURCE=AMOUNT`` the ``funding`` amounts."""
    named = {k.partition(".")[2]: v for k, v in changes.items() if k.startswith(f"{key}.")}
    if not named:
        return changes
    kept = {k: v for k, v in changes.items() if not k.startswith(f"{key}.")}
    given = kept.get(key)
    kept[key] = {**(given if isinstance(given, dict) else {}), **named}
    return kept


CHANGEABLE: dict[str, Callable[[dict[str, Any], Any], None]] = {
    "criteria": apply_weight_changes,
    "funding": apply_source_amounts,
    "budget": set_budget,
    "carry_over": _set_top("carry_over"),
    "discount_rate": _set_top("discount_rate"),
    "redundancy_tolerance": _set_top("redundancy_tolerance"),
    "tranches": _set_top("tranches"),
    "name": _set_top("name"),
    "mode": _set_objective("mode"),
    "equity_weight": _set_objective("equity_weight"),
    "mip_gap": _set_top("mip_gap"),
}
"""Keyword changes accepted by :meth:`Scenario.with_changes`, ``planner.solve`` and ``--set``.

``criteria`` takes a mapping of criterion key to weight (``criteria={"ecology": 3.0}``), and
``criteria.NAME`` one weight (``--set criteria.ecology=3``); ``funding`` a mapping of source id to
amount, and ``funding.SOURCE`` one amount (a number or one per period)."""


RECORD_CHANGES: dict[str, Callable[[dict[str, Any], Any], None]] = {
    "actuals": _set_top("actuals"),
}
"""Changes :meth:`Scenario.with_changes` takes from the API but ``--set`` does not offer: a whole
record (``actuals``, actuals.md: the next year's spending for a live model) is no command-line value."""
