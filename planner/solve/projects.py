"""Reading candidate projects back from a solution: which are funded, when they start, their cash.

Indexes are computed once per built model; costs are read from the scenario at read time, since a
re-solve after a cost change keeps the model.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from planner.solve.columns import values_at
from planner.solve.plan import PROJECT_CASH_COLUMNS, PROJECT_COLUMNS

FUNDED = 0.5  # u is binary; HiGHS returns it within its integrality tolerance of 0 or 1


class ProjectReader:
    """The project side of a plan, read from HiGHS's solution vector ``x``.

    ``extra_keys`` are the (region, sector, period) cells that only projects fund (pairs without a
    need have no programme columns): the allocation lists them after the programme's ``x_keys``.
    """

    def __init__(self, scenario: Any, model: Any, bridge: Any, x_keys: list[Any]) -> None:
        self.scenario = scenario
        periods = list(scenario.periods)
        self.starts = list(model.PW)  # (project, period) per u column
        self._u_columns = bridge.column_index.positions([model.u[key] for key in self.starts])
        ids = [p.id for p in scenario.projects]
        position = {pid: i for i, pid in enumerate(ids)}
        self._start_project = np.array([position[p] for p, _t in self.starts], dtype=np.int64)
        self._start_period = np.array([periods.index(t) for _p, t in self.starts], dtype=np.int64)
        programme = set(x_keys)
        pairs = dict.fromkeys((p.region, p.sector) for p in scenario.projects)
        self.extra_keys = [
            (r, s, t) for r, s in pairs if (r, s, periods[0]) not in programme for t in periods
        ]
        money = {key: i for i, key in enumerate([*x_keys, *self.extra_keys])}
        self._cash_money, self._cash_start, self._cash_project = self._cash_index(
            model, periods, money, position
        )

    def _cash_index(
        self, model: Any, periods: list[Any], money: dict[Any, int], position: dict[str, int]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per (start, active period): the allocation cell it pays into, the start, the project."""
        cells, starts, projects = [], [], []
        for j, (p, t0) in enumerate(self.starts):
            r, s = model.project_pair[p]
            first = periods.index(t0)
            for t in periods[first : first + model.project_duration[p]]:
                cells.append(money[(r, s, t)])
                starts.append(j)
                projects.append(position[p])
        as_array = lambda v: np.array(v, dtype=np.int64)  # noqa: E731
        return as_array(cells), as_array(starts), as_array(projects)

    def _u(self, x: np.ndarray) -> np.ndarray:
        return values_at(self._u_columns, x) if len(self.starts) else np.zeros(0)

    def _cash_rates(self) -> np.ndarray:
        return np.array([p.cost / p.duration for p in self.scenario.projects], dtype=float)

    def add_cash(self, amounts: np.ndarray, x: np.ndarray) -> None:
        """Add each funded project's cash[p,t] to its cell of ``amounts`` (in place)."""
        if not len(self.starts):
            return
        started = np.round(self._u(x))
        paid = started[self._cash_start] * self._cash_rates()[self._cash_project]
        np.add.at(amounts, self._cash_money, paid)

    def _start_of(self, x: np.ndarray | None) -> list[Any]:
        """The start period of every project, None where it is not funded."""
        start: list[Any] = [None] * len(self.scenario.projects)
        if x is None:
            return start
        periods = list(self.scenario.periods)
        for j in np.flatnonzero(self._u(x) > FUNDED):
            start[self._start_project[j]] = periods[self._start_period[j]]
        return start

    def table(self, x: np.ndarray | None) -> pd.DataFrame:
        """One row per project: ``id, name, region, sector, group, mandatory, funded, start, cost,
        value`` (cost and value as in the scenario)."""
        projects = self.scenario.projects
        start = self._start_of(x)
        rows = [
            (
                p.id,
                p.label,
                p.region,
                p.sector,
                p.group,
                p.mandatory,
                start[i] is not None,
                start[i],
                p.cost,
                p.value,
            )
            for i, p in enumerate(projects)
        ]
        frame = pd.DataFrame(rows, columns=PROJECT_COLUMNS)
        frame["start"] = pd.Series(start, dtype=object)  # period labels, None where not funded
        return frame

    def cash_table(self, x: np.ndarray | None) -> pd.DataFrame:
        """Tidy ``id, period, amount``: each funded project's cash per period (unit)."""
        periods = list(self.scenario.periods)
        rows = []
        for p, t0 in zip(self.scenario.projects, self._start_of(x), strict=True):
            if t0 is None:
                continue
            first = periods.index(t0)
            rows += [(p.id, t, p.cost / p.duration) for t in periods[first : first + p.duration]]
        return pd.DataFrame(rows, columns=PROJECT_CASH_COLUMNS)
