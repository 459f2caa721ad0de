"""Funding sources and their rules (spec: funding.md): which pool may pay for what.

``funding.sources`` lists the pools of money (central budget investment, a province's bond quota, its
own fiscal money), each with an amount per period, whether drawing on it is new debt, and the one
region it may fund if any. ``funding.rules`` caps the share of a (region, sector) pair's money a source
may pay; the rule that applies to a pair is the most specific one (:func:`share_of`). ``debt_room`` on
a region caps the new debt it may take on over the horizon.

The checks between tables (unknown ids, duplicate sources or rules, amount lists of the wrong length,
a budget that disagrees with the sources) are ``check_*`` functions that the scenario runs with its own
checks, each naming the row and field.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pydantic import Field, field_validator

from planner.errors import Problem, ScenarioError
from planner.i18n.problems import problem
from planner.scenario.fields import AnnotatedRow, Name, NonNegative, Share, Strict

if TYPE_CHECKING:
    from planner.scenario.model import Scenario

SOURCE_COLUMNS = ("id", "name", "amount", "debt", "region")
RULE_COLUMNS = ("source", "region", "sector", "max_share")
BUDGET_TOLERANCE = 1e-9
"""Relative difference within which a given ``budget`` agrees with the sources' total (funding.md)."""


def _blank_is_none(value: Any) -> Any:
    return None if value is None or (isinstance(value, str) and value.strip() == "") else value


class Source(AnnotatedRow):
    """One pool of money. Extra columns (``source``, ``document``, ``name_zh``, …) are kept as text."""

    id: Name = Field(description="Unique source id, e.g. 'central_budget'.")
    name: str = Field("", description="Readable name; the id when blank.")
    amount: NonNegative | list[NonNegative] = Field(
        description="Money of the source (unit): the horizon's total, split evenly over the periods, "
        "or (inline only) one figure per period."
    )
    debt: bool = Field(
        False, description="Money drawn from it is new debt of the region that spends it."
    )
    region: str | None = Field(
        None,
        description="The one region it may fund (a province's own quota); blank: every region.",
    )

    @field_validator("name", "debt", "region", mode="before")
    @classmethod
    def _blank_is_default(cls, value: Any, info: Any) -> Any:
        if _blank_is_none(value) is None:
            return {"name": "", "debt": False}.get(info.field_name)
        return value

    @property
    def label(self) -> str:
        return self.name or self.id


class FundingRule(AnnotatedRow):
    """The largest share of a pair's money a source may pay (0: it may not fund the pair)."""

    source: Name = Field(description="Source id.")
    region: str | None = Field(None, description="Region id; blank: every region.")
    sector: str | None = Field(None, description="Sector; blank: every sector.")
    max_share: Share = Field(description="Largest share of the pair's money, in [0, 1].")

    @field_validator("region", "sector", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return _blank_is_none(value)

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        return (self.source, self.region, self.sector)


class Funding(Strict):
    """The ``funding`` key: sources and, optionally, rules."""

    sources: list[Source] = Field(default_factory=list, description="Sources (inline or CSV path).")
    rules: list[FundingRule] = Field(
        default_factory=list, description="Co-financing rules (inline or CSV path)."
    )


def amounts_per_period(source: Source, periods: int) -> list[float]:
    """A[f,t]: a single amount is the horizon's total split evenly over the periods."""
    if isinstance(source.amount, list):
        return list(source.amount)
    return [source.amount / periods] * periods


def source_amounts(s: Scenario) -> dict[str, list[float]]:
    """A[f,t] per source id; empty without funding."""
    if s.funding is None:
        return {}
    return {f.id: amounts_per_period(f, len(s.periods)) for f in s.funding.sources}


def funding_shares(s: Scenario) -> dict[tuple[str, str, str], float]:
    """share[f,r,s] for every source f, region r ∈ R(f) and sector s (a region the source may not
    fund is left out)."""
    if s.funding is None:
        return {}
    rules = {rule.key: rule.max_share for rule in s.funding.rules}
    return {
        (f.id, r.id, sector): share_of(rules, f.id, r.id, sector)
        for f in s.funding.sources
        for r in s.regions
        if f.region is None or f.region == r.id
        for sector in s.sectors
    }


def share_of(
    rules: dict[tuple[str, str | None, str | None], float], source: str, region: str, sector: str
) -> float:
    """share[f,r,s]: the most specific rule's ``max_share`` (region and sector, then region alone,
    then sector alone, then neither); 1 without a rule."""
    for key in ((source, region, sector), (source, region, None), (source, None, sector)):
        if key in rules:
            return rules[key]
    return rules.get((source, None, None), 1.0)


# ---- checks between tables: one function per rule ----


def _at(table: str, i: int, field: str, key: str, **params: Any) -> Problem:
    return problem(key, loc=("funding", table, i, field), field=field, **params)


def check_sources(s: Scenario) -> Iterator[Problem]:
    if s.funding is None:
        return
    if not s.funding.sources:
        yield problem("funding_no_sources", loc=("funding", "sources"), field="funding.sources")
    regions = {r.id for r in s.regions}
    counts = Counter(f.id for f in s.funding.sources)
    seen: set[str] = set()
    for i, f in enumerate(s.funding.sources):
        if counts[f.id] > 1 and f.id in seen:
            yield _at("sources", i, "id", "duplicate_source", id=f.id)
        seen.add(f.id)
        if f.region is not None and f.region not in regions:
            yield _at("sources", i, "region", "unknown_region", id=f.region)
        if isinstance(f.amount, list) and len(f.amount) != len(s.periods):
            yield _at(
                "sources",
                i,
                "amount",
                "source_amount_length",
                figures=len(f.amount),
                periods=len(s.periods),
            )


def check_rules(s: Scenario) -> Iterator[Problem]:
    if s.funding is None:
        return
    sources = {f.id for f in s.funding.sources}
    regions, sectors = {r.id for r in s.regions}, set(s.sectors)
    seen: set[tuple[str, str | None, str | None]] = set()
    for i, rule in enumerate(s.funding.rules):
        if rule.source not in sources:
            yield _at("rules", i, "source", "unknown_source", id=rule.source)
        if rule.region is not None and rule.region not in regions:
            yield _at("rules", i, "region", "unknown_region", id=rule.region)
        if rule.sector is not None and rule.sector not in sectors:
            yield _at("rules", i, "sector", "unknown_sector", id=rule.sector)
        if rule.key in seen:
            yield _at(
                "rules",
                i,
                "source",
                "rule_twice",
                source=rule.source,
                region=rule.region or "*",
                sector=rule.sector or "*",
            )
        seen.add(rule.key)


def check_budget_or_funding(s: Scenario) -> Iterator[Problem]:
    """Without funding, ``budget`` is required; with it, a given budget must equal the sources'
    total in every period."""
    if s.funding is None:
        if s.budget is None:
            yield problem("pydantic.missing", loc=("budget",), field="budget")
        return
    if s.budget is None or not s.funding.sources:
        return
    if isinstance(s.budget, list) and len(s.budget) != len(s.periods):
        return  # check_budget_length names it
    if any(
        isinstance(f.amount, list) and len(f.amount) != len(s.periods) for f in s.funding.sources
    ):
        return  # check_sources names it
    budgets = s.budget_per_period()
    for period, given, total in zip(s.periods, budgets, s.funding_per_period(), strict=True):
        if abs(given - total) > BUDGET_TOLERANCE * max(1.0, abs(given), abs(total)):
            yield problem(
                "budget_disagrees_with_sources",
                loc=("budget",),
                field="budget",
                period=period,
                budget=f"{given:g}",
                sources=f"{total:g}",
            )


FUNDING_CHECKS = (check_sources, check_rules, check_budget_or_funding)


# ---- changes (``--set funding.SOURCE=AMOUNT``) ----


def set_budget(data: dict[str, Any], value: Any) -> None:
    """``budget=…``: a funded scenario's budget is its sources' total, so change the sources."""
    if data.get("funding") is not None:
        raise ScenarioError([problem("budget_of_funded_scenario", field="budget")])
    data["budget"] = value


def apply_source_amounts(data: dict[str, Any], amounts: Any) -> None:
    """``with_changes(funding={"central": 400})``: new amounts for named sources.

    A source's amount replaces the file's as editing it would; a ``budget`` the file gave is then
    dropped (it would no longer equal the sources' total), so the budget is the sources' again.
    """
    funding = data.get("funding")
    if not isinstance(amounts, dict):
        raise ScenarioError([problem("funding_changes_mapping", field="funding")])
    if funding is None:
        raise ScenarioError(
            [problem("no_funding_to_change", field=f"funding.{k}") for k in amounts]
        )
    known = {f.id for f in funding.sources}
    unknown = [k for k in amounts if k not in known]
    if unknown:
        names = ", ".join(sorted(known))
        raise ScenarioError(
            [problem("unknown_source_change", field=f"funding.{k}", known=names) for k in unknown]
        )
    sources = [
        {**f.model_dump(), "amount": _amount(amounts[f.id], f.id)} if f.id in amounts else f
        for f in funding.sources
    ]
    data["funding"] = {"sources": sources, "rules": funding.rules}
    data["budget"] = None


def _amount(value: Any, source: str) -> Any:
    """A number, or a list of numbers, checked as the file's amount would be."""
    numbers = value if isinstance(value, list) else [value]
    for number in numbers:
        if (
            isinstance(number, bool)
            or not isinstance(number, int | float)
            or not math.isfinite(number)
            or number < 0
        ):
            raise ScenarioError(
                [problem("source_amount_invalid", field=f"funding.{source}", got=repr(value))]
            )
    return value
