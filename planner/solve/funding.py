"""Funding (funding.md) on the solve side: the least-debt second solve, and reading g, e and the
rows' duals back into the plan's ``funding``, ``sources`` and ``debt`` tables.

Indexes are computed once per built model; amounts and debt rooms are read from the scenario at read
time, since a re-solve after an amount change keeps the model.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from models import funding as funding_model
from planner.scenario.actuals import locked_periods
from planner.solve.columns import values_at
from planner.solve.plan import DEBT_COLUMNS, FUNDING_COLUMNS, SOURCE_COLUMNS

LEAST_DEBT_TOLERANCE = 1e-7
"""funding.md: the least-debt solve holds the objective at ≥ optimum − 1e-7 · max(1, |optimum|)."""
ZERO_AMOUNT = 1e-9  # as the allocation's: below one yuan when the unit is CNY bn
BINDING_TOLERANCE = 1e-7


class FundingReader:
    """The funding side of a plan, read from HiGHS's solution ``x`` and the first solve's duals."""

    def __init__(self, scenario: Any, model: Any, bridge: Any) -> None:
        self.scenario = scenario
        self.active = bool(model.with_funding)
        self._held_row: int | None = None
        self._weights: dict[str, float] = {}
        # HiGHS's bases at the two solves' optima: the first solve's is put back with the held row
        # taken out, the second's starts the next least-debt solve (see least_debt)
        self._first_basis: Any = None
        self._held_basis: Any = None
        self._debt_columns = np.zeros(0, dtype=np.int64)
        if self.active:  # a scenario without funding pays nothing here
            self._index(scenario, model, bridge)

    def _index(self, scenario: Any, model: Any, bridge: Any) -> None:
        keys = list(model.g)
        self._g_keys = pd.DataFrame(keys, columns=["region", "sector", "period", "source"])
        self._g_columns = bridge.column_index.positions([model.g[k] for k in keys])
        self.sources = list(model.F)
        self.periods = list(model.T)
        self._e_columns = bridge.column_index.positions(
            [model.e[f, t] for f in self.sources for t in self.periods]
        )
        self._source_rows = _rows(
            bridge, model.funding_source, [(f, t) for f in self.sources for t in self.periods]
        )
        self._debt_rows = _rows(bridge, model.funding_debt, [r.id for r in scenario.regions])
        self._g_source = np.array([self.sources.index(k[3]) for k in keys], dtype=np.int64)
        self._g_period = np.array([self.periods.index(k[2]) for k in keys], dtype=np.int64)
        region_codes = {r.id: i for i, r in enumerate(scenario.regions)}
        self._g_region = np.array([region_codes[k[0]] for k in keys], dtype=np.int64)
        self._g_debt = np.array([k[3] in model.debt_sources for k in keys], dtype=bool)
        self._debt_columns = bridge.column_index.positions(funding_model.debt_columns(model))

    @property
    def needs_least_debt(self) -> bool:
        """Only with debt sources is a second solve needed (funding.md)."""
        return bool((self._debt_columns >= 0).any())

    def carried_out(self, x: np.ndarray) -> np.ndarray:
        """Σ_f e[f,t] per period: what the sources carry into the next period."""
        e = values_at(self._e_columns, x).reshape(len(self.sources), len(self.periods))
        return e.sum(axis=0)

    def least_debt(self, bridge: Any, time_limit_s: float | None) -> str:
        """Among the plans that reach the objective HiGHS holds now, solve for the one that draws
        least debt, and leave HiGHS holding it (read it, then call :meth:`restore`).

        Holds Σ weight · objective ≥ its value − 1e-7 · max(1, |value|) as a row only HiGHS has (in
        ``equity`` mode the weights are E's and z keeps its bound from the equity solve, so both
        are held; with projects, the starts stay fixed), and minimizes Σ_{f ∈ D} Σ g. Returns the
        solve's status.
        """
        self._weights = dict(bridge.weights)
        cost = np.zeros(len(bridge.columns))
        for name, weight in self._weights.items():
            cost += weight * bridge.costs[name]
        reached = float(cost @ bridge.primal())
        at_least = reached - LEAST_DEBT_TOLERANCE * max(1.0, abs(reached))
        idx = np.flatnonzero(cost).astype(np.int32)
        highs = bridge.highs
        self._first_basis = highs.getBasis()
        highs.addRow(at_least, np.inf, len(idx), idx, cost[idx])
        self._held_row = int(highs.getNumRow()) - 1
        debt = np.zeros(len(bridge.columns))
        debt[self._debt_columns[self._debt_columns >= 0]] = -1.0  # maximize −debt
        bridge.set_costs(debt)
        if self._held_basis is not None and self._held_basis.valid:
            # the last least-debt optimum's basis: still dual feasible (same costs), a few dual
            # simplex steps from the new one; from the first solve's basis with the held row basic,
            # HiGHS walked the degenerate optimal face for 350–1,700 iterations at the small size
            # against 35–75 (bench/funding.py)
            highs.setBasis(self._held_basis)
        status = bridge.solve(time_limit_s)
        self._held_basis = highs.getBasis() if status == "optimal" else None
        return status

    def restore(self, bridge: Any) -> None:
        """Take the held row out again, put the weights and the first solve's basis back: the live
        model is as it was after the first solve.

        The bridge is an argument, not kept: a reader holding it would keep an old model alive
        after a rebuild (``PlanModel._drop_model`` frees it)."""
        if self._held_row is None:
            return
        bridge.highs.deleteRows(1, np.array([self._held_row], dtype=np.int32))
        self._held_row = None
        bridge.set_weights(self._weights)
        # deleting a row leaves HiGHS without a valid basis: the first solve's is the start of
        # the next re-solve, as if the second solve had not run
        if self._first_basis is not None and self._first_basis.valid:
            bridge.highs.setBasis(self._first_basis)
        self._first_basis = None

    def tables(
        self, x: np.ndarray | None, duals: np.ndarray | None, activity: np.ndarray | None
    ) -> tuple[Any, Any, Any]:
        """Builders of the ``funding``, ``sources`` and ``debt`` tables of the plan HiGHS holds.

        Their numbers are read now (the next solve changes HiGHS); the frames are built on first
        use, as the plan's other tables are (a frontier or a sweep reads none of them)."""
        if not self.active:
            return _empty(FUNDING_COLUMNS), _empty(SOURCE_COLUMNS), _empty(DEBT_COLUMNS)
        if x is None:
            g = np.zeros(len(self._g_columns))
            e = np.zeros(len(self.sources) * len(self.periods))
        else:
            g = values_at(self._g_columns, x)
            e = values_at(self._e_columns, x)
        g[np.abs(g) < ZERO_AMOUNT] = 0.0
        e[np.abs(e) < ZERO_AMOUNT] = 0.0
        sources = self._source_columns(g, e, duals, activity, solved=x is not None)
        regions = self.scenario.regions
        debt = {
            "region": [r.id for r in regions],
            "drawn": np.bincount(
                self._g_region, weights=np.where(self._g_debt, g, 0.0), minlength=len(regions)
            ),
            "room": [r.debt_room for r in regions],
            "dual": _at_rows(self._debt_rows, duals),
        }
        kept = g > 0
        return (
            partial(_paid, self._g_keys, kept, g[kept]),
            partial(pd.DataFrame, sources, columns=SOURCE_COLUMNS),
            partial(pd.DataFrame, debt, columns=DEBT_COLUMNS),
        )

    def _source_columns(
        self,
        g: np.ndarray,
        e: np.ndarray,
        duals: np.ndarray | None,
        activity: np.ndarray | None,
        solved: bool,
    ) -> dict[str, Any]:
        """The ``sources`` table's columns, one row per (source, period)."""
        n_t = len(self.periods)
        used = np.bincount(
            self._g_source * n_t + self._g_period, weights=g, minlength=len(self.sources) * n_t
        )
        by_source = self.scenario.source_amounts()
        amounts = np.array([by_source[f] for f in self.sources], dtype=float).reshape(-1)
        # what each source carried in: its e of the period before, 0 in the first period
        carried_in = np.zeros_like(e)
        later = np.tile(np.arange(n_t) > 0, len(self.sources))
        carried_in[later] = e[np.roll(later, -1)]
        available = amounts + carried_in
        unused = available - used - e
        unused[np.abs(unused) < BINDING_TOLERANCE * np.maximum(1.0, available)] = 0.0
        slack = amounts - _at_rows(self._source_rows, activity)
        binding = slack <= BINDING_TOLERANCE * np.maximum(1.0, np.abs(amounts))
        # a locked period's F2 rows are fixed by the past (actuals.md "Results"): no shadow price
        past = np.isin(
            np.array(self.periods * len(self.sources), dtype=object),
            locked_periods(self.scenario),
        )
        return {
            "source": np.repeat(self.sources, n_t),
            "period": self.periods * len(self.sources),
            "available": available,
            "used": used,
            "carried_out": e,
            "unused": unused,
            "dual": np.where(past, np.nan, _at_rows(self._source_rows, duals)),
            "binding": binding & ~past & (self._source_rows >= 0) & solved,
        }


def _paid(keys: pd.DataFrame, kept: np.ndarray, amounts: np.ndarray) -> pd.DataFrame:
    """The ``funding`` table: who pays, the (region, sector, period, source) keys that carry money."""
    return keys[kept].assign(amount=amounts).reset_index(drop=True)


def _rows(bridge: Any, component: Any, index: list[Any]) -> np.ndarray:
    """HiGHS row of each index of a constraint component, −1 where no row was written."""
    found = dict(bridge.rows_of(component))
    return np.array([found.get(key, -1) for key in index], dtype=np.int64)


def _at_rows(rows: np.ndarray, values: np.ndarray | None) -> np.ndarray:
    if values is None or not rows.size:
        return np.zeros(rows.size)
    return np.where(rows >= 0, values[np.maximum(rows, 0)], 0.0)


def _empty(columns: list[str]) -> Any:
    return lambda: pd.DataFrame(columns=columns)
