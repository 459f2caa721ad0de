"""The result of a solve: plain pandas tables and numbers, with a JSON form (spec: "Results that every
solve reports")."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Generic, TypeVar, cast, overload

import pandas as pd

ALLOCATION_COLUMNS = ["region", "sector", "period", "amount"]
BUDGET_COLUMNS = ["period", "budget", "carried_in", "spent", "carried_out", "lapsed"]
COVERAGE_COLUMNS = ["region", "need", "allocated", "coverage", "floor"]
CONSTRAINT_COLUMNS = ["name", "kind", "lhs", "rhs", "dual", "binding"]
PROJECT_COLUMNS = [
    "id",
    "name",
    "region",
    "sector",
    "group",
    "mandatory",
    "funded",
    "start",
    "cost",
    "value",
]
PROJECT_CASH_COLUMNS = ["id", "period", "amount"]
CRITERIA_COLUMNS = ["criterion", "label", "weight", "E"]
BENEFIT_COLUMNS = ["region", "sector", "benefit"]
FUNDING_COLUMNS = ["region", "sector", "period", "source", "amount"]
SOURCE_COLUMNS = [
    "source",
    "period",
    "available",
    "used",
    "carried_out",
    "unused",
    "dual",
    "binding",
]
DEBT_COLUMNS = ["region", "drawn", "room", "dual"]
TABLES = ("scenario_digest", "allocation", "budget", "coverage", "constraints", "projects")
FUNDING_TABLES = ("funding", "sources", "debt")
"""funding.md's tables: in the JSON document only when the scenario has funding."""

T = TypeVar("T")


class BuiltOnFirstUse(Generic[T]):
    """A field that may be given as a zero-argument builder, called on first read and kept.

    A live model's re-solve reads its plan's numbers at once but builds the tables (and the inputs
    hash) only when someone reads them: a frontier or a sweep of a hundred re-solves reads E and
    the least coverage and never pays for a DataFrame. Builders capture their numbers when the
    plan is made, so a later solve of the same model cannot change them.
    """

    def __init__(self, default: Callable[[], T]) -> None:
        self.default = default

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_" + name

    @overload
    def __get__(self, plan: None, owner: type) -> Callable[[], T]: ...
    @overload
    def __get__(self, plan: object, owner: type | None = None) -> T: ...
    def __get__(self, plan: object | None, owner: type | None = None) -> T | Callable[[], T]:
        if plan is None:
            return self.default  # the dataclass's default for the field
        found = plan.__dict__[self.slot]
        if callable(found):
            found = plan.__dict__[self.slot] = found()
        return cast(T, found)

    def __set__(self, plan: object, found: T | Callable[[], T]) -> None:
        plan.__dict__[self.slot] = found


def _empty(columns: list[str]) -> Callable[[], pd.DataFrame]:
    return partial(pd.DataFrame, columns=columns)


@dataclass
class Plan:
    """One solved (or failed) plan.

    Attributes
    ----------
    status:
        ``optimal``, ``infeasible``, ``unbounded``, ``time limit`` or ``error``.
    objective:
        The reported objective of the mode: E* (efficiency), z* (equity) or the weighted value
        (balanced); ``None`` without an optimal plan.
    E, min_coverage:
        Benefit E of the plan, and the least coverage (allocated ÷ need) over regions with a need.
    allocation:
        Tidy table ``region, sector, period, amount`` (unit) for every pair with a need.
    budget:
        Per period: ``budget``, ``carried_in``, ``spent``, ``carried_out`` and ``lapsed`` (unit).
    coverage:
        Per region: ``need``, ``allocated`` (unit), ``coverage`` (share), ``floor`` (share).
    projects, project_cash:
        With candidate projects (projects.md): one row per project (``id, name, region, sector,
        group, mandatory, funded, start, cost, value``) and each funded project's cash per period
        (``id, period, amount``); empty for a pure LP. The allocation's ``amount`` is all money
        of the pair: programme and project cash.
    benefits:
        Per pair of the needs table: ``region, sector, benefit`` (per unit of money, given or
        derived) and, with criteria (criteria.md), one column per criterion key holding its part of
        the benefit; the parts add up to ``benefit``.
    funding, sources, debt:
        With funding sources (funding.md): who pays, ``region, sector, period, source, amount``
        (zero rows left out); per source and period ``available`` (amount plus carried in),
        ``used``, ``carried_out``, ``unused`` and the shadow price ``dual`` of its availability with
        ``binding``; per region ``drawn`` (new debt), ``room`` (None: no limit) and the shadow
        price ``dual`` of its debt room. Shadow prices come from the first solve, the amounts from
        the least-debt one. Empty without funding.
    criteria:
        With criteria: per criterion ``criterion, label, weight, E``, its part of the programme's
        benefit E (the parts add up to E less the projects' values); empty without criteria.
    gap:
        The relative optimality gap reached (0 for a pure LP; None without a plan).
    constraints:
        Every budget, corridor, floor, capacity and share-bound row: ``name`` as a planner reads it
        (``corridor[northwest,transport]``), ``kind``, ``lhs``, ``rhs``, ``dual`` (change of the
        solve's objective per unit of ``rhs``) and ``binding``.
    timings:
        Seconds: ``build_s`` (Pyomo model), ``handover_s`` (to HiGHS), ``solve_s`` (HiGHS), ``total_s``.
    solved_at:
        When the solve finished, UTC ISO 8601 (``2026-03-01T09:30:00+00:00``); blank if unknown.
    message, diagnosis:
        Why a plan is not optimal, in words; the infeasibility diagnosis when there is one.
    scenario:
        The :class:`~planner.scenario.Scenario` that was solved (not part of the JSON form).
    priced_choices:
        The project groups' choices priced by :func:`planner.group_choices`, kept once computed
        (None before; not part of the JSON form).
    actuals:
        With the scenario's ``actuals`` (actuals.md "Results"): ``through``, ``locked`` (period
        labels), ``relaxed`` (records ``constraint, from, to``: the rules the past broke, and how
        far they were relaxed) and ``fixed`` (names of the reported rows of locked periods, which
        the past fixed: their ``dual`` is empty and they are never binding). None without.

    The four tables and ``scenario_digest`` may be given as zero-argument builders: they are built
    on first read and kept (see :class:`BuiltOnFirstUse`); a plan from a live model's re-solve is
    made that way.
    """

    scenario_name: str
    unit: str
    mode: str
    status: str
    objective: float | None
    E: float | None
    min_coverage: float | None
    scenario_digest: BuiltOnFirstUse[str] = BuiltOnFirstUse(str)
    allocation: BuiltOnFirstUse[pd.DataFrame] = BuiltOnFirstUse(_empty(ALLOCATION_COLUMNS))
    budget: BuiltOnFirstUse[pd.DataFrame] = BuiltOnFirstUse(_empty(BUDGET_COLUMNS))
    coverage: BuiltOnFirstUse[pd.DataFrame] = BuiltOnFirstUse(_empty(COVERAGE_COLUMNS))
    constraints: BuiltOnFirstUse[pd.DataFrame] = BuiltOnFirstUse(_empty(CONSTRAINT_COLUMNS))
    projects: BuiltOnFirstUse[pd.DataFrame] = BuiltOnFirstUse(_empty(PROJECT_COLUMNS))
    project_cash: BuiltOnFirstUse[pd.DataFrame] = BuiltOnFirstUse(_empty(PROJECT_CASH_COLUMNS))
    benefits: BuiltOnFirstUse[pd.DataFrame] = BuiltOnFirstUse(_empty(BENEFIT_COLUMNS))
    criteria: BuiltOnFirstUse[pd.DataFrame] = BuiltOnFirstUse(_empty(CRITERIA_COLUMNS))
    funding: BuiltOnFirstUse[pd.DataFrame] = BuiltOnFirstUse(_empty(FUNDING_COLUMNS))
    sources: BuiltOnFirstUse[pd.DataFrame] = BuiltOnFirstUse(_empty(SOURCE_COLUMNS))
    debt: BuiltOnFirstUse[pd.DataFrame] = BuiltOnFirstUse(_empty(DEBT_COLUMNS))
    timings: dict[str, float] = field(default_factory=dict)
    E_star: float | None = None
    z_star: float | None = None
    gap: float | None = 0.0
    message: str = ""
    solved_at: str = ""
    diagnosis: Any = None
    actuals: dict[str, Any] | None = None
    scenario: Any = field(
        default=None, repr=False, compare=False
    )  # the Scenario solved, for reports
    priced_choices: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    """The project groups' choices and their prices (:func:`planner.group_choices`, a re-solve
    per swap) once computed for this plan and kept on it; None while nobody has asked. Not part
    of the JSON form."""

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with every table built (a builder is a closure, which does not pickle)."""
        for name in (*TABLES, "project_cash", "benefits", "criteria", *FUNDING_TABLES):
            getattr(self, name)
        return self.__dict__

    @property
    def is_optimal(self) -> bool:
        return self.status == "optimal"

    @property
    def allocated_total(self) -> float:
        return float(math.fsum(self.allocation["amount"])) if len(self.allocation) else 0.0

    @property
    def unspent_total(self) -> float:
        """Budget not allocated over the whole horizon (lapsed plus carried past the last period)."""
        return float(math.fsum(self.budget["budget"])) - self.allocated_total

    def binding_constraints(self) -> pd.DataFrame:
        return self.constraints[self.constraints["binding"]].reset_index(drop=True)

    def by_region_sector(self) -> pd.DataFrame:
        """Allocation summed over periods, regions × sectors."""
        return self.allocation.pivot_table(
            index="region",
            columns="sector",
            values="amount",
            aggfunc="sum",
            sort=False,
            fill_value=0.0,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the document ``planner solve --json`` prints."""
        return {
            "scenario": self.scenario_name,
            "scenario_digest": self.scenario_digest,
            "unit": self.unit,
            "mode": self.mode,
            "status": self.status,
            "objective": _num(self.objective),
            "E": _num(self.E),
            "min_coverage": _num(self.min_coverage),
            "E_star": _num(self.E_star),
            "z_star": _num(self.z_star),
            "allocated": _num(self.allocated_total),
            "unspent": _num(self.unspent_total),
            "message": self.message,
            "allocation": _records(self.allocation),
            "budget": _records(self.budget),
            "coverage": _records(self.coverage),
            "constraints": _records(self.constraints),
            "gap": _num(self.gap),
            "projects": self.project_records(),
            "benefits": _records(self.benefits),
            "criteria": _records(self.criteria),
            **self.funding_records(),
            "timings": {k: round(v, 6) for k, v in self.timings.items()},
            "diagnosis": self.diagnosis.to_dict()
            if hasattr(self.diagnosis, "to_dict")
            else self.diagnosis,
            **({"actuals": self.actuals} if self.actuals is not None else {}),
        }

    def project_records(self) -> list[dict[str, Any]]:
        """The projects as JSON records, each with its ``cash`` per period (projects.md "Results")."""
        cash: dict[str, dict[str, float]] = {}
        for row in self.project_cash.itertuples(index=False):
            cash.setdefault(str(row.id), {})[str(row.period)] = float(row.amount)
        return [
            {**record, "cash": cash.get(str(record["id"]), {})}
            for record in _records(self.projects)
        ]

    def funding_records(self) -> dict[str, list[dict[str, Any]]]:
        """``funding``, ``sources`` and ``debt`` as JSON records; none for a plan without funding
        (its document stays as it was)."""
        if self.scenario is not None and getattr(self.scenario, "funding", None) is None:
            return {}
        if self.scenario is None and not len(self.sources):
            return {}
        return {name: _records(getattr(self, name)) for name in FUNDING_TABLES}

    @property
    def funded_projects(self) -> pd.DataFrame:
        return self.projects[self.projects["funded"]].reset_index(drop=True)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


def plan_from_dict(data: dict[str, Any]) -> Plan:
    """A Plan from the document ``Plan.to_dict()`` wrote (without the scenario object)."""

    def table(key: str, columns: list[str]) -> pd.DataFrame:
        return pd.DataFrame(data.get(key) or [], columns=columns)

    return Plan(
        scenario_name=data["scenario"],
        scenario_digest=data.get("scenario_digest", ""),
        unit=data.get("unit", ""),
        mode=data.get("mode", ""),
        status=data["status"],
        objective=data.get("objective"),
        E=data.get("E"),
        min_coverage=data.get("min_coverage"),
        allocation=table("allocation", ALLOCATION_COLUMNS),
        budget=table("budget", BUDGET_COLUMNS),
        coverage=table("coverage", COVERAGE_COLUMNS),
        constraints=table("constraints", CONSTRAINT_COLUMNS),
        projects=pd.DataFrame(
            [{k: v for k, v in r.items() if k != "cash"} for r in data.get("projects") or []],
            columns=PROJECT_COLUMNS,
        ),
        project_cash=pd.DataFrame(
            [
                (r["id"], period, amount)
                for r in data.get("projects") or []
                for period, amount in (r.get("cash") or {}).items()
            ],
            columns=PROJECT_CASH_COLUMNS,
        ),
        funding=table("funding", FUNDING_COLUMNS),
        sources=table("sources", SOURCE_COLUMNS),
        debt=table("debt", DEBT_COLUMNS),
        gap=data.get("gap", 0.0),
        E_star=data.get("E_star"),
        z_star=data.get("z_star"),
        message=data.get("message", ""),
        actuals=data.get("actuals"),
    )


def _num(value: float | None) -> float | None:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return float(value)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    records = frame.to_dict(orient="records")
    return [{k: _plain(v) for k, v in row.items()} for row in records]


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
