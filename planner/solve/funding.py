"""Funding (funding.md) on the solve side: the least-debt second solve, and reading g, e and the
rows' duals back into the plan's ``funding``, ``sources`` and ``debt`` tables.

Indexes are computed once per built model; amounts and debt rooms are read from the scenario at read
time, since a re-solve after an amount change keeps the model.
"""

from __future__ import annotations

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
        highs.addRow(at_least, np.inf, len(idx), idx, cost[idx])
        self._held_row = int(highs.getNumRow()) - 1
        debt = np.zeros(len(bridge.columns))
        debt[self._debt_columns[self._debt_columns >= 0]] = -1.0  # maximize −debt
        bridge.set_costs(debt)
        return bridge.solve(time_limit_s)

    def restore(self, bridge: Any) -> None:
        """Take the held row out again and put the weights back: the live model is as it was.

        The bridge is an argument, not kept: a reader holding it would keep an old model alive
        after a rebuild (``PlanModel._drop_model`` frees it)."""
        if self._held_row is None:
            return
        bridge.highs.deleteRows(1, np.array([self._held_row], dtype=np.int32))
        self._held_row = None
        bridge.set_weights(self._weights)

    def tables(
        self, x: np.ndarray | None, duals: np.ndarray | None, activity: np.ndarray | None
    ) -> tuple[Any, Any, Any]:
        """Builders of the ``funding``, ``sources`` and ``debt`` tables of the plan HiGHS holds."""
        if not self.active:
            return _empty(FUNDING_COLUMNS), _empty(SOURCE_COLUMNS), _empty(DEBT_COLUMNS)
        scenario = self.scenario
        if x is None:
            g = np.zeros(len(self._g_columns))
            e = np.zeros(len(self.sources) * len(self.periods))
        else:
            g = values_at(self._g_columns, x)
            e = values_at(self._e_columns, x)
        g[np.abs(g) < ZERO_AMOUNT] = 0.0
        e[np.abs(e) < ZERO_AMOUNT] = 0.0
        keys = self._g_keys
        n_t = len(self.periods)
        used = np.bincount(
            self._g_source * n_t + self._g_period, weights=g, minlength=len(self.sources) * n_t
        )
        amounts = np.array([scenario.source_amounts()[f] for f in self.sources]).reshape(-1)
        carried_in = (
            np.concatenate(
                [np.concatenate([[0.0], row[:-1]]) for row in e.reshape(len(self.sources), n_t)]
            )
            if self.sources
            else np.zeros(0)
        )
        available = amounts + carried_in
        unused = available - used - e
        unused[np.abs(unused) < BINDING_TOLERANCE * np.maximum(1.0, available)] = 0.0
        source_dual = _at_rows(self._source_rows, duals)
        bound = amounts
        binding = (bound - _at_rows(self._source_rows, activity)) <= BINDING_TOLERANCE * np.maximum(
            1.0, np.abs(bound)
        )
        # a locked period's F2 rows are fixed by the past (actuals.md "Results"): no shadow price
        past = np.isin(
            np.array(self.periods * len(self.sources), dtype=object), locked_periods(scenario)
        )
        source_dual = np.where(past, np.nan, source_dual)
        binding &= ~past
        sources = pd.DataFrame(
            {
                "source": np.repeat(self.sources, n_t),
                "period": self.periods * len(self.sources),
                "available": available,
                "used": used,
                "carried_out": e,
                "unused": unused,
                "dual": source_dual,
                "binding": binding & (self._source_rows >= 0) & (x is not None),
            },
            columns=SOURCE_COLUMNS,
        )
        drawn = np.bincount(
            self._g_region, weights=np.where(self._g_debt, g, 0.0), minlength=len(scenario.regions)
        )
        debt = pd.DataFrame(
            {
                "region": [r.id for r in scenario.regions],
                "drawn": drawn,
                "room": [r.debt_room for r in scenario.regions],
                "dual": _at_rows(self._debt_rows, duals),
            },
            columns=DEBT_COLUMNS,
        )
        kept = g > 0
        funding = keys[kept].assign(amount=g[kept]).reset_index(drop=True)
        return (lambda: funding), (lambda: sources), (lambda: debt)


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
