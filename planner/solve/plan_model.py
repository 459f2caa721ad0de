"""Solving a scenario: build the model once, re-solve it as parameters change, read back a Plan."""

from __future__ import annotations

import dataclasses
import math
import time
from datetime import UTC, datetime
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

import models
from models import actuals_relaxation, objectives
from models.base import total_need
from planner.analysis.actuals_diagnosis import current_language_lines, record_lines
from planner.analysis.diagnosis import RELAXATION_COLUMNS, Diagnosis, diagnose_model
from planner.errors import Problem, ScenarioError
from planner.scenario.files import ScenarioLike, as_scenario
from planner.scenario.model import Scenario
from planner.solve.columns import values_at
from planner.solve.criteria import benefit_table, criteria_table
from planner.solve.funding import FundingReader
from planner.solve.gcpause import FrozenObjects, garbage_collection_paused
from planner.solve.plan import (
    ALLOCATION_COLUMNS,
    BUDGET_COLUMNS,
    CONSTRAINT_COLUMNS,
    COVERAGE_COLUMNS,
    Plan,
)
from planner.solve.projects import ProjectReader
from planner.solve.reuse import ReusingBridge

BINDING_TOLERANCE = 1e-7  # relative slack under which a row counts as binding
FREEZE_FROM_COLUMNS = 200_000
"""Models with at least this many columns are frozen out of the garbage collector's walks
(:class:`planner.solve.gcpause.FrozenObjects`); below it a full collection costs a few milliseconds."""
ZERO_AMOUNT = 1e-9  # amounts below this (one yuan when the unit is CNY bn) are solver noise
PER_PERIOD_ROWS = ("budget", "capacity", "funding_source")
"""Reported rows of one period each (budget[t], capacity[r,t], funding_source[f,t]): a locked
period's are fixed by the past (actuals.md "Results")."""


def solve(scenario: ScenarioLike, *, time_limit_s: float | None = None, **changes: Any) -> Plan:
    """Solve a scenario (object, file, folder or bundled name), optionally with keyword changes.

    Examples
    --------
    >>> import planner
    >>> plan = planner.solve("western_china", budget=1800)
    >>> plan.status
    'optimal'
    >>> plan.allocated_total <= 1800 + 1e-6
    True
    """
    return PlanModel(as_scenario(scenario)).solve(time_limit_s=time_limit_s, **changes)


def diagnose(scenario: ScenarioLike, *, iis: bool = True) -> Diagnosis:
    """Diagnose a scenario (object, file, folder or bundled name): why it is infeasible, and the fix.

    Lives beside :func:`solve` because both build a live model; the method is in
    :mod:`planner.analysis.diagnosis`.

    Examples
    --------
    >>> import planner
    >>> d = planner.diagnose(planner.load_scenario("western_china"))
    >>> d.feasible
    True
    """
    live = PlanModel(as_scenario(scenario))
    return live.diagnose_record() or diagnose_model(live, iis=iis)


class PlanModel:
    """A scenario's model, built once and kept live in HiGHS for re-solves.

    A change that keeps the model's shape (budget, needs, benefits, floors, capacities, tolerance,
    discount rate, carry-over, objective mode, profile numbers) updates parameters and warm-starts
    HiGHS; any other change rebuilds.

    Examples
    --------
    >>> import planner
    >>> live = planner.PlanModel(planner.load_scenario("western_china"))
    >>> [round(live.solve(budget=b).E, 3) >= 0 for b in (1500, 2000)]
    [True, True]
    """

    def __init__(self, scenario: Scenario) -> None:
        self._build(scenario)

    extra_families: tuple[Any, ...] = ()
    """Modules beyond the spec's families whose ``define_components(m)`` a subclass needs in the model."""

    _frozen: FrozenObjects | None = None

    def _build(self, scenario: Scenario) -> None:
        with garbage_collection_paused():
            self._build_paused(scenario)
            if len(self.bridge.columns) >= FREEZE_FROM_COLUMNS:
                self._frozen = FrozenObjects()

    def _drop_model(self) -> None:
        """Let go of the built model (before a rebuild): HiGHS's copy, and the frozen objects."""
        self.bridge.release()
        if self._frozen is not None:
            del self.model, self.bridge
            self._frozen.release(collect=True)  # the old model is cyclic garbage: free it now
            self._frozen = None

    def __del__(self) -> None:
        if self._frozen is not None:
            self._frozen.release()

    def _build_paused(self, scenario: Scenario) -> None:
        started = time.perf_counter()
        self.scenario = scenario
        self.key = models.structure_key(scenario)
        self.model = models.build_model(scenario)
        for family in self.extra_families:
            family.define_components(self.model)
        self.build_s = time.perf_counter() - started
        self.bridge = ReusingBridge(
            self.model,
            models.parametric_components(self.model),
            models.parametric_columns(self.model),
            models.integer_columns(self.model),
        )
        self._index_columns()
        self._after_build()

    def _after_build(self) -> None:
        """A subclass's hook, run once the model lives in HiGHS (e.g. to locate its extra rows)."""

    def _index_columns(self) -> None:
        """Everything the read-back needs that does not change between re-solves, computed once:
        which HiGHS column each y and carry is, the allocation's key columns, the reported rows."""
        m = self.model
        self.y_vars = m.y_list
        # x[r,s,t]'s tranches are consecutive in y (models.base.index_terms)
        self.x_keys = list(m.x_terms)
        self.y_group = np.repeat(
            np.arange(len(self.x_keys), dtype=np.int64), [len(v) for v in m.x_terms.values()]
        )
        self.carry_vars = [m.carry[t] for t in m.T]
        self._y_columns = self._column_positions(self.y_vars)
        pair_of_key = {pair: i for i, pair in enumerate(dict.fromkeys(k[:2] for k in self.x_keys))}
        self._pairs = list(pair_of_key)
        self._y_pair = np.array([pair_of_key[k[:2]] for k in self.x_keys], dtype=np.int64)[
            self.y_group
        ]
        self._carry_columns = self._column_positions(self.carry_vars)
        # the label columns of every plan table, built once and shared by every plan
        region_codes = {r.id: i for i, r in enumerate(self.scenario.regions)}
        period_codes = {t: i for i, t in enumerate(self.scenario.periods)}
        self._periods = _Labels(pd.DataFrame({BUDGET_COLUMNS[0]: list(self.scenario.periods)}))
        self._region_ids = _Labels(
            pd.DataFrame({COVERAGE_COLUMNS[0]: [r.id for r in self.scenario.regions]})
        )
        self._reported_rows = self._reported_row_table()
        self.projects = ProjectReader(self.scenario, self.model, self.bridge, self.x_keys)
        self.funding = FundingReader(self.scenario, self.model, self.bridge)
        self._money_keys = self.x_keys + self.projects.extra_keys
        self._allocation_keys = _Labels(
            pd.DataFrame(self._money_keys, columns=ALLOCATION_COLUMNS[:3])
        )
        self._x_region = np.array(
            [region_codes[r] for r, _s, _t in self._money_keys], dtype=np.int64
        )
        self._x_period = np.array(
            [period_codes[t] for _r, _s, t in self._money_keys], dtype=np.int64
        )

    @property
    def money_keys(self) -> list[tuple[Any, Any, Any]]:
        """The allocation's (region, sector, period) cells: the programme's, then the cells only
        projects fund; :meth:`_amounts` is aligned with them."""
        return self._money_keys

    def _column_positions(self, variables: list[Any]) -> np.ndarray:
        """HiGHS column of each variable, −1 for one HiGHS never saw (its value is 0)."""
        return self.bridge.column_index.positions(variables)

    def _reported_row_table(self) -> tuple[np.ndarray, np.ndarray, _Labels]:
        """(row numbers, senses, frame of name and kind) of every reported constraint row."""
        rows, names, kinds = [], [], []
        for component_name, kind in models.REPORTED_CONSTRAINTS.items():
            for _index, i in self.bridge.rows_of(getattr(self.model, component_name)):
                rows.append(i)
                names.append(self.bridge.rows[i].constraint.name)
                kinds.append(kind)
        idx = np.array(rows, dtype=np.int64)
        senses = np.array([self.bridge.rows[i].sense for i in rows], dtype=np.int64)
        self._row_periods = self._periods_of_rows(rows)
        return idx, senses, _Labels(pd.DataFrame({"name": names, "kind": kinds}))

    def _periods_of_rows(self, rows: list[int]) -> list[Any]:
        """The period of each reported row that belongs to one period alone (budget[t],
        capacity[r,t], funding_source[f,t]); None for the others (corridors, floors, shares, F3
        and F4 span the horizon)."""
        per_period = {
            id(row): index[-1] if isinstance(index, tuple) else index
            for name in PER_PERIOD_ROWS
            if name in models.REPORTED_CONSTRAINTS
            for index, row in getattr(self.model, name).items()
        }
        return [per_period.get(id(self.bridge.rows[i].constraint)) for i in rows]

    @property
    def _fixed_rows(self) -> np.ndarray:
        """Which reported rows the past fixed (a locked period's budget, capacities and sources'
        availability: actuals.md "Results"): they have no shadow price and never bind."""
        locked = set(self.model.locked_periods)
        return np.array([t is not None and t in locked for t in self._row_periods], dtype=bool)

    def update(self, scenario: Scenario) -> None:
        """Point the live model at another scenario: re-solve in place when the shape allows it."""
        if models.structure_key(scenario) != self.key:
            self._drop_model()
            self._build(scenario)
            return
        if scenario != self.scenario:
            models.set_parameter_values(self.model, scenario, previous=self.scenario)
            self.bridge.refresh()
            self.bridge.refresh_columns(models.moved_columns(self.model))  # actuals.md A1–A2
            self.scenario = self.projects.scenario = self.funding.scenario = scenario

    def solve(
        self, *, time_limit_s: float | None = None, diagnose: bool = True, **changes: Any
    ) -> Plan:
        """Solve the current scenario with ``changes`` (see ``Scenario.with_changes``).

        ``diagnose=False`` skips the diagnosis of an infeasible plan (an elastic LP and an IIS), for
        callers that solve many scenarios and only need to know which are infeasible."""
        started = time.perf_counter()
        check_time_limit(time_limit_s)
        if changes:
            self.update(self.scenario.with_changes(**changes))
        scenario = self.scenario
        solve_started = time.perf_counter()
        self.bridge.count_paths_from_zero()
        if self.bridge.integer_columns.size:
            self.bridge.set_mip_gap(scenario.mip_gap)
        outcome = objectives.optimize(
            self.model,
            self.bridge,
            scenario.objective.mode,
            scenario.objective.equity_weight,
            time_limit_s,
        )
        outcome = self._fix_projects_for_duals(outcome, time_limit_s)
        outcome = self._least_debt(outcome, time_limit_s)
        solve_s = time.perf_counter() - solve_started
        try:
            plan = self._plan(outcome)
        finally:
            self.funding.restore(self.bridge)
            self._first_duals = None
            self.bridge.release_integers()
        plan.solved_at = datetime.now(UTC).isoformat(timespec="seconds")
        plan.timings = {
            "build_s": self.build_s,
            "handover_s": self.bridge.handover_s,
            "solve_s": solve_s,
            "total_s": self.build_s + self.bridge.handover_s + (time.perf_counter() - started),
        }
        if self.bridge.integer_columns.size:
            # how the MIP solves of this plan ended (planner.solve.reuse): proven from the last
            # plan's starts, or by a branch and bound, started or not from a neighbourhood's plan
            counts = self.bridge.path_counts
            plan.timings["proven_solves"] = float(counts["proof"])
            plan.timings["branch_and_bound_solves"] = float(counts["branch and bound"])
            plan.timings["neighbourhood_starts"] = float(counts["neighbourhood"])
        if plan.status == "infeasible" and diagnose:
            plan.diagnosis = self._diagnose()
            plan.message = plan.diagnosis.lines[0]
        elif plan.status == "time limit":
            plan.message = time_limit_message(plan, time_limit_s)
        self.build_s = self.bridge.handover_s = 0.0  # later solves of this model are re-solves
        return plan

    def _diagnose(self) -> Diagnosis:
        """Why the current scenario is infeasible: a mandatory project whose window the record
        closed (actuals.md A2) or recorded money no source may fund (A3 with funding): no money
        fixes either; else the elastic LP's least fix."""
        return self.diagnose_record() or diagnose_model(self)

    def diagnose_record(self) -> Diagnosis | None:
        """The diagnosis of a record that rules every plan out (a mandatory project that did not
        start while its every possible start is past, or money no source may pay), or None."""
        worded = record_lines(self.scenario) if self.model.with_actuals else {}
        if not worded:
            return None
        lines = current_language_lines(worded)
        empty = pd.DataFrame(columns=RELAXATION_COLUMNS)
        return Diagnosis(False, self.scenario.unit, lines, empty, wordings=worded)

    def _fix_projects_for_duals(
        self, outcome: objectives.Outcome, time_limit_s: float | None
    ) -> objectives.Outcome:
        """With projects: re-solve the LP with every start fixed at the incumbent's (projects.md:
        the shadow prices come from it), and report that LP's plan, which is the incumbent's or
        better (its programme money re-optimized for the chosen projects)."""
        bridge = self.bridge
        if not bridge.integer_columns.size or not bridge.has_solution():
            return outcome
        bridge.fix_integers()
        status = bridge.solve(time_limit_s)
        if status != "optimal":
            # HiGHS can stop at "unknown" when it starts this LP from branch and bound's last state
            # (seen with subnormal benefits in the property tests); from a cleared state it solves
            bridge.highs.clearSolver()
            status = bridge.solve(time_limit_s)
        if status != "optimal":
            # the MIP's plan is gone from the solver: say so rather than report an empty plan
            return dataclasses.replace(outcome, status=status, objective=None)
        return objectives.rescored(outcome, bridge, self.scenario.objective.mode)

    _first_duals: np.ndarray | None = None
    """The first solve's row duals, when a least-debt solve followed it (funding.md: shadow prices
    come from the first solve)."""

    def _least_debt(
        self, outcome: objectives.Outcome, time_limit_s: float | None
    ) -> objectives.Outcome:
        """With debt sources: the second solve of funding.md, which HiGHS then holds."""
        if outcome.status != "optimal" or not self.funding.needs_least_debt:
            return outcome
        self._first_duals = self.bridge.row_duals().copy()
        status = self.funding.least_debt(self.bridge, time_limit_s)
        return outcome if status == "optimal" else dataclasses.replace(outcome, status=status)

    # ---- reading the solution back ----

    def _plan(self, outcome: objectives.Outcome) -> Plan:
        """The plan HiGHS holds now: its numbers read at once, its tables (and the inputs hash)
        built on first use from arrays captured here (never from the live model, which the next
        solve changes and which a kept plan must not keep alive)."""
        scenario = self.scenario
        usable = outcome.status in ("optimal", "time limit") and self.bridge.has_solution()
        x = self.bridge.primal() if usable else None
        amounts = self._amounts(x)
        need, got, shares = self._coverage_shares(amounts)
        with_need = shares[need > 0]
        coverage = dict(zip(COVERAGE_COLUMNS[1:], [need, got, shares, self._floors], strict=True))
        return Plan(
            scenario_name=scenario.name,
            scenario_digest=scenario.digest,
            unit=scenario.unit,
            mode=scenario.objective.mode,
            status=outcome.status,
            objective=outcome.objective,
            E=self.bridge.objective(objectives.BENEFIT, x) if x is not None else None,
            min_coverage=float(with_need.min()) if usable and with_need.size else None,
            allocation=partial(
                _with_columns, self._allocation_keys, {ALLOCATION_COLUMNS[3]: amounts}
            ),
            budget=partial(_with_columns, self._periods, self._budget_columns(x, amounts)),
            coverage=partial(_with_columns, self._region_ids, coverage),
            constraints=self._constraint_table() if usable else _no_constraints,
            E_star=outcome.E_star,
            z_star=outcome.z_star,
            scenario=scenario,
            gap=self.bridge.gap if usable else None,
            projects=partial(self.projects.table, x),
            project_cash=partial(self.projects.cash_table, x),
            benefits=partial(benefit_table, scenario),
            criteria=self._criteria_builder(x),
            **self._funding_tables(x),
            actuals=self._actuals_result(),
        )

    def _funding_tables(self, x: np.ndarray | None) -> dict[str, Any]:
        """The plan's ``funding``, ``sources`` and ``debt`` builders (empty without funding)."""
        if not self.funding.active:
            return {}
        activity = self.bridge.row_activity() if x is not None else None
        duals = self._first_duals if self._first_duals is not None else None
        if duals is None and x is not None:
            duals = self.bridge.row_duals()
        names = ("funding", "sources", "debt")
        return dict(zip(names, self.funding.tables(x, duals, activity), strict=True))

    def _actuals_result(self) -> dict[str, Any] | None:
        """actuals.md "Results": the locked periods, the relaxed rows, the rows the past fixed."""
        if not self.model.locked_periods:
            return None
        _idx, _senses, names = self._reported_rows
        fixed = names.columns["name"][self._fixed_rows].tolist()
        relaxed = actuals_relaxation.relaxation(self.scenario).records
        return {
            "through": self.model.locked_periods[-1],
            "locked": list(self.model.locked_periods),
            "relaxed": [dict(record) for record in relaxed],
            "fixed": fixed,
        }

    def _criteria_builder(self, x: np.ndarray | None) -> Any:
        """The criteria table's builder, with the programme's E per pair captured now (only with
        criteria: a re-solve of a scenario without them pays nothing)."""
        scenario = self.scenario
        if x is None or not scenario.criteria or not self.y_vars:
            return partial(criteria_table, scenario, {})
        worth = values_at(self._y_columns, x) * values_at(
            self._y_columns, self.bridge.costs[objectives.BENEFIT]
        )
        per_pair = np.bincount(self._y_pair, weights=worth, minlength=len(self._pairs))
        return partial(
            criteria_table, scenario, dict(zip(self._pairs, per_pair.tolist(), strict=True))
        )

    def _amounts(self, x: np.ndarray | None) -> np.ndarray:
        """m[r,s,t] = Σ_k y[r,s,t,k] + project cash, in the order of the allocation's keys (the
        programme's ``x_keys``, then pairs that only projects fund); zeros without a solution."""
        amounts: np.ndarray = np.zeros(len(self._money_keys))
        if x is not None and self.y_vars:
            y = values_at(self._y_columns, x)
            amounts = np.bincount(self.y_group, weights=y, minlength=len(self._money_keys))
        if x is not None:
            self.projects.add_cash(amounts, x)
        amounts[np.abs(amounts) < ZERO_AMOUNT] = 0.0
        return amounts

    def _budget_columns(self, x: np.ndarray | None, amounts: np.ndarray) -> dict[str, Any]:
        """The number columns of the budget table: budget, carried in, spent, carried out, lapsed."""
        periods = list(self.scenario.periods)
        budgets = actuals_relaxation.budget_per_period(self.scenario)  # B'[t] with actuals (A3)
        carried_out = values_at(self._carry_columns, x) if x is not None else np.zeros(len(periods))
        if self.funding.active and x is not None:
            carried_out = self.funding.carried_out(x)  # F2's e[f,t] replace c[t]
        carried_out[np.abs(carried_out) < ZERO_AMOUNT] = 0.0
        spent = np.bincount(self._x_period, weights=amounts, minlength=len(periods))
        carried_in = np.concatenate([[0.0], carried_out[:-1]])
        lapsed = np.array(budgets) + carried_in - spent - carried_out
        lapsed[np.abs(lapsed) < 1e-7] = 0.0
        columns = [budgets, carried_in, spent, carried_out, lapsed]
        return dict(zip(BUDGET_COLUMNS[1:], columns, strict=True))

    def _coverage_shares(self, amounts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per region: total need, allocated, and coverage (NaN where the need is 0)."""
        regions = self.scenario.regions
        needs = total_need(self.scenario)
        need = np.array([needs[r.id] for r in regions], dtype=float)
        got = np.bincount(self._x_region, weights=amounts, minlength=len(regions))
        with np.errstate(divide="ignore", invalid="ignore"):
            coverage = np.where(need > 0, got / np.where(need > 0, need, 1.0), math.nan)
        return need, got, coverage

    @property
    def _floors(self) -> np.ndarray:
        return np.array([r.min_share_of_need for r in self.scenario.regions], dtype=float)

    def _constraint_table(self) -> partial[pd.DataFrame]:
        """The builder of the constraints table, its numbers read from HiGHS now."""
        idx, senses, names = self._reported_rows
        lhs = self.bridge.row_activity()[idx]
        bound = np.where(senses >= 0, self.bridge.row_upper[idx], self.bridge.row_lower[idx])
        slack = np.where(senses >= 0, bound - lhs, lhs - bound)
        binding = slack <= BINDING_TOLERANCE * np.maximum(1.0, np.abs(bound))
        duals = self._first_duals if self._first_duals is not None else self.bridge.row_duals()
        duals = duals[idx]
        if self._fixed_rows.any():  # a locked period's rows are fixed by the past (actuals.md)
            binding = binding & ~self._fixed_rows
            duals = np.where(self._fixed_rows, np.nan, duals)
        columns = [lhs, bound, duals, binding]
        return partial(
            _with_columns, names, dict(zip(CONSTRAINT_COLUMNS[2:], columns, strict=True))
        )


def _no_constraints() -> pd.DataFrame:
    return pd.DataFrame(columns=CONSTRAINT_COLUMNS)


def check_time_limit(time_limit_s: float | None) -> None:
    """A time limit is a positive, finite number of seconds, or None for none."""
    if time_limit_s is None:
        return
    if isinstance(time_limit_s, bool) or not isinstance(time_limit_s, int | float):
        raise ScenarioError(
            [Problem("the time limit must be a number of seconds", field="time_limit")]
        )
    if not (0 < time_limit_s < math.inf):
        raise ScenarioError(
            [
                Problem(
                    f"the time limit must be positive seconds, got {time_limit_s}",
                    field="time_limit",
                )
            ]
        )


def time_limit_message(plan: Plan, time_limit_s: float | None) -> str:
    """Say whether the stopped solve left a usable plan, so nobody reads zeros as a plan."""
    limit = f"{time_limit_s:g} s" if time_limit_s is not None else "its"
    if plan.E is None:
        return (
            f"time limit: HiGHS stopped at the {limit} limit before it found a feasible plan; "
            "the allocation is empty, not a plan. Allow more time."
        )
    return (
        f"time limit: HiGHS stopped at the {limit} limit; the allocation is the best feasible plan "
        "found so far, not proven optimal."
    )


class _Labels:
    """The label columns of a plan table (region, sector, period, …), split into Series once."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.index = frame.index
        self.columns = {name: frame[name] for name in frame.columns}


def _with_columns(labels: _Labels, values: dict[str, Any]) -> pd.DataFrame:
    """A plan table: its cached label columns plus this solve's numbers, built in one constructor
    call (inserting columns one by one rebuilt the column index each time). Nothing is copied (half
    the cost of a small plan's tables): the label Series are shared, pandas' copy-on-write keeps one
    plan's edits out of the others, and the number arrays are this solve's own."""
    return pd.DataFrame({**labels.columns, **values}, index=labels.index, copy=False)
