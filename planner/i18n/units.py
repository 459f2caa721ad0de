"""Money as a planner reads it: in the scenario's unit, or in 亿元 (1 CNY bn = 10 亿元).

Chinese shows 亿元 by default, English the scenario's unit; :func:`use_money_unit` picks one for a
block or a session. Only a scenario counted in billions of yuan converts: any other unit is shown as
the scenario names it. Files meant for programs (CSV, JSON) keep the scenario's unit whatever is shown.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from planner.i18n.catalog import checked, t

YI_PER_BN = 10.0
"""亿元 per billion yuan: 1 亿 = 10⁸, 1 bn = 10⁹."""

BILLION_YUAN = frozenset({"cny bn", "bn cny", "rmb bn", "cny billion", "billion cny", "bn yuan"})
"""Spellings of the scenario unit that mean 10⁹ yuan (compared in lower case)."""

MONEY_UNITS = ("auto", "yi", "scenario")
"""``auto``: 亿元 in Chinese, the scenario's unit in English; ``yi``: always 亿元; ``scenario``: never."""

_choice: ContextVar[str] = ContextVar("planner_money_unit", default="auto")


@dataclass(frozen=True)
class Shown:
    """How money is shown: the unit's words and the factor from the scenario's unit to it."""

    unit: str
    factor: float

    def value(self, amount: float | None) -> float | None:
        return None if amount is None else amount * self.factor


def set_money_unit(choice: str) -> None:
    if choice not in MONEY_UNITS:
        raise ValueError(f"unknown money unit '{choice}': use one of {', '.join(MONEY_UNITS)}")
    _choice.set(choice)


@contextmanager
def use_money_unit(choice: str) -> Iterator[None]:
    if choice not in MONEY_UNITS:
        raise ValueError(f"unknown money unit '{choice}': use one of {', '.join(MONEY_UNITS)}")
    token = _choice.set(choice)
    try:
        yield
    finally:
        _choice.reset(token)


def shown(unit: str, lang: str | None = None) -> Shown:
    """The unit money in ``unit`` is shown in, in ``lang`` (default: the active language)."""
    code = checked(lang)
    choice = _choice.get()
    wants_yi = choice == "yi" or (choice == "auto" and code == "zh")
    if wants_yi and unit.strip().lower() in BILLION_YUAN:
        return Shown(t("unit.yi", lang=code), YI_PER_BN)
    return Shown(unit, 1.0)


def money(amount: float | None, unit: str, digits: int = 1, lang: str | None = None) -> str:
    """``1,234.5 亿元``: the amount in the shown unit, the unit always named; ``-`` for none."""
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return "-"
    how = shown(unit, lang)
    value = amount * how.factor
    if abs(value) < 0.5 * 10**-digits:
        value = 0.0  # no "-0.0" for a rounding residue
    return f"{value:,.{digits}f} {how.unit}"


def scenario_unit(unit: str, lang: str | None = None) -> str:
    """The scenario's own unit in words of ``lang``, for the inputs that edit its numbers as they
    are: ``CNY bn`` in English, ``十亿元`` in Chinese (another unit as the scenario names it)."""
    if unit.strip().lower() in BILLION_YUAN:
        return t("unit.bn", lang=checked(lang))
    return unit
