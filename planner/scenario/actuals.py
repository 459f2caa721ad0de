"""What was really spent and started (spec: actuals.md): the ``actuals`` key, its checks, its views.

``actuals.through`` names the last past period; the periods up to it are locked. ``spending`` records
all money a (region, sector) really received in a locked period (programme money plus the cash of
its projects); ``projects`` records which candidate projects really started, and when. Every input
error of the spec is a ``check_*`` function naming the table, row and field; the derived views below
(:func:`recorded_amounts`, :func:`recorded_starts`, :func:`started_cash`) are what the model reads.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pydantic import Field, field_validator

from planner.errors import Problem
from planner.i18n.problems import problem
from planner.scenario.fields import AnnotatedRow, Name, NonNegative, PeriodLabel, Strict

if TYPE_CHECKING:
    from planner.scenario.model import Scenario

SPENDING_COLUMNS = ("region", "sector", "period", "amount")
STARTS_COLUMNS = ("id", "start")


class SpendingRow(AnnotatedRow):
    """Money a (region, sector) really received in a locked period. Extra columns are annotations."""

    region: Name = Field(description="Region id.")
    sector: Name = Field(description="Sector of the scenario.")
    period: PeriodLabel = Field(description="A locked period label (up to `through`).")
    amount: NonNegative = Field(
        description="All money the pair received in the period: programme plus project cash (unit)."
    )


class StartRow(AnnotatedRow):
    """A candidate project's recorded start: a locked period label, or blank when it did not start."""

    id: Name = Field(description="Project id.")
    start: PeriodLabel | None = Field(None, description="Locked period label; blank: not started.")

    @field_validator("start", mode="before")
    @classmethod
    def _blank_is_not_started(cls, value: Any) -> Any:
        return None if isinstance(value, str) and value.strip() == "" else value


class Actuals(Strict):
    """The record of the past periods (actuals.md "Scenario key")."""

    through: PeriodLabel = Field(
        description="The last period label that is past; up to it, locked."
    )
    spending: list[SpendingRow] = Field(
        default_factory=list,
        description="Recorded money per (region, sector, locked period); a missing row received 0.",
    )
    projects: list[StartRow] = Field(
        default_factory=list, description="Recorded starts of candidate projects (id, start)."
    )


# ---- views the model reads (all keyed by the scenario's own period labels) ----


def period_of(label: Any, periods: list[Any]) -> Any | None:
    """The scenario's period whose text is ``label``'s (``"2026"`` from a CSV finds 2026)."""
    return _periods_by_text(tuple(periods)).get(str(label)) if label is not None else None


@lru_cache(maxsize=16)
def _periods_by_text(periods: tuple[Any, ...]) -> dict[str, Any]:
    # built once per horizon: a re-plan reads the period of every record row several times
    return {str(p): p for p in periods}


def locked_periods(s: Scenario) -> list[Any]:
    """L: the periods with index ≤ i(through); none without actuals (or with an unknown through)."""
    if s.actuals is None:
        return []
    through = period_of(s.actuals.through, s.periods)
    if through is None:
        return []
    return list(s.periods[: s.periods.index(through) + 1])


def recorded_amounts(s: Scenario) -> dict[tuple[str, str, Any], float]:
    """a[r,s,t] for the rows given (a locked cell without a row received 0)."""
    if s.actuals is None:
        return {}
    return {
        (row.region, row.sector, period_of(row.period, s.periods)): row.amount
        for row in s.actuals.spending
    }


def recorded_starts(s: Scenario) -> dict[str, Any]:
    """Project id → the locked period it started in, for projects recorded as started."""
    if s.actuals is None:
        return {}
    return {
        row.id: period_of(row.start, s.periods)
        for row in s.actuals.projects
        if row.start is not None
    }


def started_cash(s: Scenario) -> dict[tuple[str, str, Any], float]:
    """Σ cash[p,t] of the recorded-as-started projects per (region, sector, period), every period:
    cost / duration in each of the ``duration`` periods from the recorded start (a started project
    is finished, actuals.md A3)."""
    projects = {p.id: p for p in s.projects}
    cash: dict[tuple[str, str, Any], float] = defaultdict(float)
    for pid, start in recorded_starts(s).items():
        p = projects[pid]
        first = s.periods.index(start)
        for t in s.periods[first : first + p.duration]:
            cash[(p.region, p.sector, t)] += p.cost / p.duration
    return dict(cash)


def fixed_money(s: Scenario) -> dict[tuple[str, str, Any], float]:
    """f[r,s,t] (actuals.md A3): a[r,s,t] in a locked period, and in a later one the cash that the
    recorded-as-started projects still spend there. Zero cells are left out."""
    locked = set(locked_periods(s))
    money = {cell: a for cell, a in recorded_amounts(s).items() if a > 0}
    for cell, cash in started_cash(s).items():
        if cell[2] not in locked:
            money[cell] = money.get(cell, 0.0) + cash
    return money


def locked_programme(s: Scenario) -> dict[tuple[str, str], float]:
    """X[r,s] = Σ_{t ∈ L} (a[r,s,t] − project cash[r,s,t]): the programme money of the past."""
    locked = set(locked_periods(s))
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for (r, sector, _t), a in recorded_amounts(s).items():
        totals[(r, sector)] += a
    for (r, sector, t), cash in started_cash(s).items():
        if t in locked:
            totals[(r, sector)] -= cash
    return dict(totals)


# ---- checks: one function per input error of actuals.md ----


def _at(table: str, i: int, field: str, key: str, **params: Any) -> Problem:
    return problem(key, loc=("actuals", table, i, field), field=field, **params)


def _labels(s: Scenario) -> str:
    return ", ".join(map(str, s.periods))


def check_through(s: Scenario) -> Iterator[Problem]:
    if s.actuals is not None and period_of(s.actuals.through, s.periods) is None:
        yield problem(
            "not_a_period",
            loc=("actuals", "through"),
            field="actuals.through",
            given=s.actuals.through,
            periods=_labels(s),
        )


def check_spending_rows(s: Scenario) -> Iterator[Problem]:
    if s.actuals is None:
        return
    regions, sectors = {r.id for r in s.regions}, set(s.sectors)
    locked = {str(t) for t in locked_periods(s)}
    seen: set[tuple[str, str, str]] = set()
    for i, row in enumerate(s.actuals.spending):
        if row.region not in regions:
            yield _at("spending", i, "region", "unknown_region", id=row.region)
        if row.sector not in sectors:
            yield _at("spending", i, "sector", "unknown_sector", id=row.sector)
        if period_of(row.period, s.periods) is None:
            yield _at("spending", i, "period", "not_a_period", given=row.period, periods=_labels(s))
        elif locked and str(row.period) not in locked:
            yield _at("spending", i, "period", "actuals_not_locked", period=row.period)
        cell = (row.region, row.sector, str(row.period))
        if cell in seen:
            yield _at(
                "spending",
                i,
                "period",
                "actuals_cell_twice",
                region=row.region,
                sector=row.sector,
                period=row.period,
            )
        seen.add(cell)


def check_start_rows(s: Scenario) -> Iterator[Problem]:
    if s.actuals is None:
        return
    projects = {p.id: p for p in s.projects}
    locked = {str(t) for t in locked_periods(s)}
    counts = Counter(row.id for row in s.actuals.projects)
    seen: set[str] = set()
    for i, row in enumerate(s.actuals.projects):
        if row.id not in projects:
            yield _at("projects", i, "id", "unknown_project", id=row.id)
        elif counts[row.id] > 1 and row.id in seen:
            yield _at("projects", i, "id", "actuals_project_twice", id=row.id)
        seen.add(row.id)
        if row.start is None:
            continue
        if str(row.start) not in locked:
            yield _at("projects", i, "start", "actuals_start_not_locked", start=row.start)
        elif row.id in projects:
            p = projects[row.id]
            first = [str(t) for t in s.periods].index(str(row.start))
            if first + p.duration > len(s.periods):
                yield _at(
                    "projects",
                    i,
                    "start",
                    "actuals_start_past_horizon",
                    id=row.id,
                    start=row.start,
                    duration=p.duration,
                    last=s.periods[-1],
                )


def check_programme_money(s: Scenario) -> Iterator[Problem]:
    """A pair's recorded amount may not fall below the cash of the projects recorded as started there
    (the programme money x = a − cash would be negative)."""
    if s.actuals is None or any(True for _ in check_start_rows(s)) or not locked_periods(s):
        return
    amounts = recorded_amounts(s)
    rows = {
        (r.region, r.sector, period_of(r.period, s.periods)): i
        for i, r in enumerate(s.actuals.spending)
    }
    locked = set(locked_periods(s))
    for (r, sector, t), cash in started_cash(s).items():
        recorded = amounts.get((r, sector, t), 0.0)
        if t in locked and recorded < cash - 1e-9 * max(1.0, cash):
            where = rows.get((r, sector, t))
            params = {"region": r, "sector": sector, "period": t, "amount": recorded, "cash": cash}
            if where is not None:
                yield _at("spending", where, "amount", "actuals_below_project_cash", **params)
            else:
                yield problem(
                    "actuals_below_project_cash",
                    loc=("actuals", "spending"),
                    field="actuals.spending",
                    **params,
                )


ACTUALS_CHECKS = (check_through, check_spending_rows, check_start_rows, check_programme_money)
