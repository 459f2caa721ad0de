"""Hand a built Pyomo model to HiGHS as arrays, and keep it live for re-solves.

Pyomo's ``LinearStandardFormCompiler`` turns the model into CSC arrays once; highspy's ``passModel``
takes them without a per-coefficient Python loop. After the model's mutable parameters change,
:meth:`HighsBridge.refresh` re-reads only what parameters can move (row bounds, objective costs, column
bounds, and the coefficients of the components named as parametric) and pushes the differences to the
live HiGHS object, which then warm-starts from its last basis.

The bridge knows nothing of the planning math: it maps Pyomo rows and columns to HiGHS and back.
"""

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter
from typing import Any, NamedTuple

import highspy
import numpy as np
from pyomo.core.base.constraint import ConstraintData
from pyomo.environ import Param
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from planner.solve.columns import ColumnIndex, values_at
from planner.solve.compile import CompiledLp, compile_linear, rowwise_of, sum_duplicates
from planner.solve.expressions import (
    is_parametric,
    linear_parts,
    linear_terms,
    mutable_param_components,
    objective_type,
    parts_values,
    parts_variables,
    shared_value,
)
from planner.solve.highs_setup import highs_lp, highs_time_limit, quiet_highs

INF = highspy.kHighsInf

INTERIOR_POINT_FROM_COLUMNS = 20_000
"""Models with at least this many columns start with HiGHS's interior point method (with crossover,
so the duals come from a basis as with the simplex); smaller ones with the dual simplex. Measured on
the synthetic instances (``bench/run.py``): the simplex wins below a few thousand columns, the interior
point from 36,000 columns on (2.7 s against 5.4 s). Re-solves always warm-start the simplex."""

STATUS = {
    highspy.HighsModelStatus.kOptimal: "optimal",
    highspy.HighsModelStatus.kModelEmpty: "optimal",
    highspy.HighsModelStatus.kInfeasible: "infeasible",
    highspy.HighsModelStatus.kUnbounded: "unbounded",
    highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible or unbounded",
    highspy.HighsModelStatus.kTimeLimit: "time limit",
    highspy.HighsModelStatus.kIterationLimit: "time limit",
}


@dataclass
class MovingCoefficients:
    """Matrix entries whose coefficients depend on mutable parameters: (row, column, the
    coefficient terms that sum to the entry), and the value each entry holds in HiGHS now."""

    terms: list[tuple[int, int, list[Any]]]
    values: np.ndarray


class RowInfo(NamedTuple):
    """One HiGHS row: its Pyomo constraint and sense (+1 upper bound, −1 lower bound, 0 equality)."""

    constraint: ConstraintData
    sense: int


class HighsBridge:
    """A compiled model living in one ``highspy.Highs`` object.

    Parameters
    ----------
    model:
        A Pyomo model whose active objectives are linear; each becomes one named cost vector and
        :meth:`solve` maximizes a weighted sum of them.
    parametric_components:
        Constraint components whose *coefficients* depend on mutable parameters, re-read by
        :meth:`refresh` (row bounds and costs are always checked).
    parametric_columns:
        Variables whose bounds :meth:`refresh` re-reads; None (the default) means every column.
    integer_columns:
        Variables that must take whole values: with any, :meth:`solve` runs HiGHS's branch and
        bound, starting from the last solve's incumbent.
    """

    def __init__(
        self,
        model: Any,
        parametric_components: Iterable[Any] = (),
        parametric_columns: Iterable[Any] | None = None,
        integer_columns: Iterable[Any] = (),
    ) -> None:
        started = time.perf_counter()
        self.model = model
        compiled = compile_linear(model) or LinearStandardFormCompiler().write(
            model, mixed_form=True, set_sense=None
        )
        self.columns: list[Any] = list(compiled.columns)
        self.column_index = (
            compiled.column_index
            if isinstance(compiled, CompiledLp)
            else ColumnIndex(np.fromiter(map(id, self.columns), dtype=np.int64))
        )
        self.rows = list(map(RowInfo._make, compiled.rows))
        self.row_index = {id(r.constraint): i for i, r in enumerate(self.rows)}
        self._parametric = list(parametric_components)
        self.costs = self._cost_vectors(compiled)
        self.row_lower, self.row_upper = self._row_bounds_from(
            np.asarray(compiled.rhs, dtype=float)
        )
        self.col_lower, self.col_upper = self._column_bounds()
        self._matrix: Any = None
        self.highs = quiet_highs()
        self.weights: dict[str, float] = {}
        self._pass_model(
            compiled.rowwise if isinstance(compiled, CompiledLp) else rowwise_of(compiled.A)
        )
        del compiled  # HiGHS holds the matrix now
        found = self.column_index.positions(list(integer_columns))
        self.integer_columns = found[found >= 0].astype(np.int32)
        self._set_integrality(highspy.HighsVarType.kInteger)
        self.gap = 0.0  # relative MIP gap of the last solve (0 for a pure LP)
        self._incumbent: np.ndarray | None = None
        self.nodes = 0  # branch-and-bound nodes of the last MIP solve
        self._fixed: tuple[np.ndarray, np.ndarray] | None = None
        self._choose_first_algorithm()
        self._moving_columns = None
        if parametric_columns is not None:
            found = self.column_index.positions(list(parametric_columns))
            self._moving_columns = found[found >= 0].astype(np.int32)
        self._tracker = ParameterTracker(model)
        self._dependencies: dict[Any, frozenset[Any]] = {}
        self._moving_bounds: dict[Any, list[tuple[int, Any, Any]]] | None = None
        self._moving_coefficients: dict[Any, MovingCoefficients] = {}
        self._cost_columns: dict[str, np.ndarray] = {}
        self.handover_s = time.perf_counter() - started
        self.solve_s = 0.0

    # ---- building the HiGHS model ----

    def _cost_vectors(self, compiled: Any) -> dict[str, np.ndarray]:
        if isinstance(compiled, CompiledLp):
            return compiled.costs
        dense = compiled.c.toarray() if compiled.c.shape[0] else np.zeros((0, len(self.columns)))
        return {obj.local_name: dense[i].astype(float) for i, obj in enumerate(compiled.objectives)}

    def _row_bounds_from(self, rhs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        senses = np.array([r.sense for r in self.rows], dtype=int)
        lower = np.where(senses >= 0, np.where(senses == 0, rhs, -INF), rhs)
        upper = np.where(senses <= 0, np.where(senses == 0, rhs, INF), rhs)
        return lower.astype(float), upper.astype(float)

    def _column_bounds(self, which: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        columns = self.columns if which is None else [self.columns[j] for j in which]
        # flattened first: numpy reads a flat list of numbers far faster than a list of pairs
        flat = list(chain.from_iterable(map(attrgetter("bounds"), columns)))
        bounds = np.array(flat, dtype=float).reshape(-1, 2)  # None → nan
        lower = np.where(np.isnan(bounds[:, 0]), -INF, bounds[:, 0])
        upper = np.where(np.isnan(bounds[:, 1]), INF, bounds[:, 1])
        return lower, upper

    @property
    def matrix(self) -> Any:
        """The constraint matrix as a ``scipy.sparse`` CSC matrix, read from the live HiGHS model
        on first use (the bridge keeps no copy of its own: a large model's is 55 MB; importing
        scipy in a process that has Pyomo loaded costs most of a second)."""
        if self._matrix is None:
            import scipy.sparse as sp

            a = self.highs.getLp().a_matrix_
            parts = (
                np.asarray(a.value_, dtype=float),
                np.asarray(a.index_, dtype=np.int32),
                np.asarray(a.start_, dtype=np.int32),
            )
            shape = (len(self.rows), len(self.columns))
            if a.format_ == highspy.MatrixFormat.kColwise:
                self._matrix = sp.csc_matrix(parts, shape=shape)
            else:
                self._matrix = sp.csr_matrix(parts, shape=shape).tocsc()
        return self._matrix

    def _pass_model(self, rowwise: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
        lp = highs_lp(
            highspy.ObjSense.kMaximize,
            np.zeros(len(self.columns)),
            (self.col_lower, self.col_upper),
            (self.row_lower, self.row_upper),
            rowwise,
            highspy.MatrixFormat.kRowwise,
        )
        if self.highs.passModel(lp) != highspy.HighsStatus.kError:
            return
        # a row that names one variable twice is the one refusal the bridge can mend
        merged = sum_duplicates(rowwise, len(self.columns))
        lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = merged
        if self.highs.passModel(lp) == highspy.HighsStatus.kError:
            raise RuntimeError("HiGHS refused the model")

    def _set_integrality(self, kind: highspy.HighsVarType) -> None:
        n = self.integer_columns.size
        if n:
            kinds = np.full(n, int(kind.value), dtype=np.uint8)
            self.highs.changeColsIntegrality(n, self.integer_columns, kinds)

    @property
    def is_mip(self) -> bool:
        """Whether the model has integer columns, and they are not fixed for the duals' LP now."""
        return self.integer_columns.size > 0 and self._fixed is None

    def set_mip_gap(self, gap: float) -> None:
        """Branch and bound may stop once its relative gap is at most ``gap``."""
        self.highs.setOptionValue("mip_rel_gap", float(gap))

    def fix_integers(self, values: np.ndarray | None = None) -> None:
        """Fix every integer column at ``values`` (default: its value in the current solution) and
        drop integrality: the LP left has the plan's duals (projects.md: shadow prices come from the
        LP with the binaries fixed), or evaluates a committed plan's starts (sweeps).
        :meth:`release_integers` undoes it."""
        cols = self.integer_columns
        if not cols.size or self._fixed is not None:
            return
        values = np.round(self.primal()[cols] if values is None else values)
        self._fixed = (self.col_lower[cols].copy(), self.col_upper[cols].copy())
        self._set_integrality(highspy.HighsVarType.kContinuous)
        self.highs.changeColsBounds(cols.size, cols, values, values)
        self.col_lower[cols], self.col_upper[cols] = values, values

    def forget_incumbent(self) -> None:
        """Start the next branch and bound without the last incumbent (a sweep's sample must not
        depend on the samples solved before it)."""
        self._incumbent = None

    def release_integers(self) -> None:
        if self._fixed is None:
            return
        cols = self.integer_columns
        lower, upper = self._fixed
        self.highs.changeColsBounds(cols.size, cols, lower, upper)
        self.col_lower[cols], self.col_upper[cols] = lower, upper
        self._set_integrality(highspy.HighsVarType.kInteger)
        self._fixed = None

    def _choose_first_algorithm(self) -> None:
        if self.integer_columns.size:  # branch and bound picks its own LP algorithm
            self._cold = False
            return
        if len(self.columns) >= INTERIOR_POINT_FROM_COLUMNS:
            self.highs.setOptionValue("solver", "ipm")
            self._cold = True
        else:
            self._cold = False

    # ---- changing it ----

    def set_weights(self, weights: dict[str, float]) -> None:
        """Maximize Σ weight[name] · objective[name] from now on (names are Pyomo objective names)."""
        if weights == self.weights:
            return  # HiGHS holds these costs already (a refresh that moves costs pushes its own)
        self.weights = dict(weights)
        self._push_weighted_costs()

    def set_costs(self, cost: np.ndarray) -> None:
        """Maximize ``cost · x`` from now on: any linear expression of the columns (one entry per
        column), not only a weighted sum of the model's named objectives. The next
        :meth:`set_weights` replaces it."""
        self.weights = {}  # the named weights no longer describe what HiGHS holds
        self._push_costs(np.asarray(cost, dtype=float))

    def _push_weighted_costs(self) -> None:
        cost = np.zeros(len(self.columns))
        for name, weight in self.weights.items():
            if weight:
                cost += weight * self.costs[name]
        self._push_costs(cost)

    def _push_costs(self, cost: np.ndarray) -> None:
        idx = np.arange(len(cost), dtype=np.int32)
        self.highs.changeColsCost(len(cost), idx, cost)

    def set_column_bounds(self, var: Any, lower: float | None, upper: float | None) -> None:
        """Change one variable's bounds in Pyomo and in HiGHS."""
        var.setlb(lower)
        var.setub(upper)
        j = self.column_index.get(id(var))
        if j is not None:
            lo = -INF if lower is None else lower
            hi = INF if upper is None else upper
            self.col_lower[j], self.col_upper[j] = lo, hi
            self.highs.changeColBounds(j, lo, hi)

    def refresh(self) -> None:
        """Re-read what the changed mutable parameters can move and push the differences to HiGHS.

        Only the parameter components whose values changed since the last refresh count: a row
        bound, a coefficient or a cost is re-evaluated only when its expression refers to one of
        them (a budget change re-reads the budget rows and nothing else).
        """
        changed = self._tracker.changed()
        if changed:
            self._refresh_row_bounds(changed)
            self._refresh_coefficients(changed)
            self._refresh_costs(changed)
        self._refresh_column_bounds()

    def _depends_on(self, key: Any, expressions: Iterable[Any], changed: set[int]) -> bool:
        """Whether any of ``expressions`` (cached under ``key``) uses a changed Param component."""
        deps = self._dependencies.get(key)
        if deps is None:
            deps = self._dependencies[key] = frozenset(mutable_param_components(expressions))
        return not deps.isdisjoint(changed)

    def _bound_rows(self) -> dict[Any, list[tuple[int, Any, Any]]]:
        """Rows whose bound is an expression of parameters, grouped by constraint component:
        (row, upper expression or None, lower expression or None)."""
        if self._moving_bounds is None:
            groups: dict[Any, list[tuple[int, Any, Any]]] = {}
            for i, row in enumerate(self.rows):
                con = row.constraint
                upper = con.upper if row.sense >= 0 else None
                lower = con.lower if row.sense <= 0 else None
                if is_parametric(upper) or is_parametric(lower):
                    groups.setdefault(con.parent_component(), []).append((i, upper, lower))
            self._moving_bounds = groups
        return self._moving_bounds

    def _refresh_row_bounds(self, changed: set[int]) -> None:
        # the model's families keep every constant on the right-hand side, so a row's bound is the
        # constraint's bound as written
        lower, upper = self.row_lower.copy(), self.row_upper.copy()
        memo: dict[int, float] = {}  # the rows of a family share parameter nodes: each read once
        for component, entries in self._bound_rows().items():
            bounds = (b for _i, up, lo in entries for b in (up, lo) if b is not None)
            if not self._depends_on(("bounds", component), bounds, changed):
                continue
            for i, up, lo in entries:
                if up is not None:
                    upper[i] = shared_value(up, memo)
                if lo is not None:
                    lower[i] = shared_value(lo, memo)
        moved = np.flatnonzero((lower != self.row_lower) | (upper != self.row_upper)).astype(
            np.int32
        )
        self.row_lower, self.row_upper = lower, upper
        if moved.size:
            self._push_row_bounds(moved)

    def set_row_bounds(self, rows: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        """Give rows (HiGHS positions) new bounds, in HiGHS and in the bridge's own copy."""
        rows = np.asarray(rows, dtype=np.int32)
        self.row_lower[rows], self.row_upper[rows] = lower, upper
        self._push_row_bounds(rows)

    def _push_row_bounds(self, rows: np.ndarray) -> None:
        # highspy's type stubs omit changeRowsBounds, which its binding has had since 1.0
        self.highs.changeRowsBounds(  # type: ignore[attr-defined]
            rows.size, rows, self.row_lower[rows], self.row_upper[rows]
        )

    def refresh_columns(self, variables: Iterable[Any]) -> None:
        """Re-read the bounds of these variables (a model family moved them outside the parametric
        columns) and push the differences to HiGHS."""
        found = self.column_index.positions(list(variables))
        self._refresh_column_bounds(found[found >= 0].astype(np.int32))

    def _refresh_column_bounds(self, which: np.ndarray | None = None) -> None:
        which = self._moving_columns if which is None else which
        if which is not None and not which.size:
            return
        lower, upper = self._column_bounds(which)
        cols = np.arange(len(self.columns), dtype=np.int32) if which is None else which
        moved = (lower != self.col_lower[cols]) | (upper != self.col_upper[cols])
        if moved.any():
            idx = cols[moved]
            self.highs.changeColsBounds(idx.size, idx, lower[moved], upper[moved])
            self.col_lower[idx], self.col_upper[idx] = lower[moved], upper[moved]

    def _refresh_coefficients(self, changed: set[int]) -> None:
        for component in self._parametric:
            bodies = (con.body for con in component.values())
            if not self._depends_on(("body", component), bodies, changed):
                continue
            memo: dict[int, float] = {}
            entries = self._coefficient_entries(component)
            for n, (i, j, terms) in enumerate(entries.terms):
                new = math.fsum(shared_value(coef, memo) for coef in terms)
                if new != entries.values[n]:
                    entries.values[n] = new
                    self.highs.changeCoeff(i, j, new)
                    self._matrix = None

    def _coefficient_entries(self, component: Any) -> MovingCoefficients:
        """The matrix entries of a component whose coefficients can move, found on first use (the
        values they hold now are read from HiGHS's model, which still has them)."""
        entries = self._moving_coefficients.get(component)
        if entries is None:
            found: list[tuple[int, int, list[Any]]] = []
            for con in component.values():
                i = self.row_index.get(id(con))
                if i is not None:
                    found.extend(self._moving_terms(i, con.body))
            rows = np.array([i for i, _j, _t in found], dtype=np.int64)
            columns = np.array([j for _i, j, _t in found], dtype=np.int64)
            values = np.asarray(self.matrix[rows, columns]).ravel() if found else np.zeros(0)
            entries = self._moving_coefficients[component] = MovingCoefficients(found, values)
        return entries

    def _moving_terms(self, row: int, body: Any) -> list[tuple[int, int, list[Any]]]:
        """(row, column, every coefficient term of that column) where one of the terms can move."""
        by_variable: dict[int, tuple[Any, list[Any]]] = {}
        for coef, var in linear_terms(body):
            by_variable.setdefault(id(var), (var, []))[1].append(coef)
        moving = [(v, terms) for v, terms in by_variable.values() if any(map(is_parametric, terms))]
        columns = self.column_index.positions([v for v, _terms in moving]).tolist()
        return [(row, j, terms) for j, (_v, terms) in zip(columns, moving, strict=True)]

    def _refresh_costs(self, changed: set[int]) -> None:
        for obj in self.model.component_data_objects(ctype=objective_type(), active=True):
            name = obj.local_name
            if not self._depends_on(("objective", name), [obj.expr], changed):
                continue
            # the parts are read again each time (a large objective's coefficient list is as big
            # as the model's monomials); their columns are looked up once
            parts = linear_parts(obj.expr)
            columns = self._cost_columns.get(name)
            if columns is None:
                variables = parts_variables(parts)
                columns = self._cost_columns[name] = self.column_index.positions(variables)
            values = parts_values(parts, {})
            self.costs[name] = np.bincount(columns, weights=values, minlength=len(self.columns))
        self._push_weighted_costs()

    # ---- solving and reading back ----

    def solve(self, time_limit_s: float | None = None) -> str:
        """Run HiGHS (warm-started when it has a basis); returns a planner status string."""
        started = time.perf_counter()
        mip = self.is_mip
        self.highs.setOptionValue("time_limit", highs_time_limit(self.highs, time_limit_s, mip))
        if mip and self._incumbent is not None and self._still_feasible(self._incumbent):
            # a warm start: the last incumbent, which stays feasible after many changes (a budget
            # rise). One that no longer is (a budget cut) is not passed: HiGHS's repair of it cost
            # more than it saved (bench/projects.py, 60 regions, 400 projects, budget −5 %: 4.2 s
            # with it, 1.6 s without)
            self.highs.setSolution(
                self._incumbent.size,
                np.arange(self._incumbent.size, dtype=np.int32),
                self._incumbent,
            )
        self.highs.run()
        if mip:
            self._after_branch_and_bound()
        if self._cold:  # later solves start from this basis: the simplex is the one to warm-start
            self.highs.setOptionValue("solver", "choose")
            self._cold = False
        status = STATUS.get(self.highs.getModelStatus(), "error")
        if status == "infeasible or unbounded":
            status = self._settle_infeasible_or_unbounded()
        self.solve_s = time.perf_counter() - started
        return status

    def _still_feasible(self, x: np.ndarray, tolerance: float = 1e-7) -> bool:
        """Whether ``x`` meets the bounds; False with rows only HiGHS has (setSolution broke its heap)."""
        if x.size != len(self.columns) or self.highs.getNumRow() != len(self.row_lower):
            return False
        activity = self.matrix @ x
        slack = tolerance * np.maximum(1.0, np.abs(activity))
        rows_ok = (activity >= self.row_lower - slack) & (activity <= self.row_upper + slack)
        cols_ok = (x >= self.col_lower - tolerance) & (x <= self.col_upper + tolerance)
        return bool(rows_ok.all() and cols_ok.all())

    def _after_branch_and_bound(self) -> None:
        self.nodes = int(self.highs.getInfo().mip_node_count)  # read before the duals' LP resets it
        if self.has_solution():
            self._incumbent = self.primal()
            self.gap = float(self.highs.getInfo().mip_gap)
        else:
            self.gap = math.inf

    def _settle_infeasible_or_unbounded(self) -> str:
        """Presolve can leave the two undecided; without it the simplex tells them apart."""
        self.highs.setOptionValue("presolve", "off")
        try:
            self.highs.clearSolver()
            self.highs.run()
            return STATUS.get(self.highs.getModelStatus(), "error")
        finally:
            self.highs.setOptionValue("presolve", "choose")

    def has_solution(self) -> bool:
        return bool(self.highs.getInfo().primal_solution_status == 2)  # kSolutionStatusFeasible

    def primal(self) -> np.ndarray:
        return np.asarray(self.highs.getSolution().col_value, dtype=float)

    def row_activity(self) -> np.ndarray:
        return np.asarray(self.highs.getSolution().row_value, dtype=float)

    def row_duals(self) -> np.ndarray:
        """∂(weighted objective)/∂(row bound) per row, in the maximization's own sign."""
        return np.asarray(self.highs.getSolution().row_dual, dtype=float)

    def objective(self, name: str, x: np.ndarray | None = None) -> float:
        """The value of one named objective at ``x`` (the current solution by default)."""
        return float(self.costs[name] @ (self.primal() if x is None else x))

    def column_values(self, variables: Sequence[Any], x: np.ndarray | None = None) -> np.ndarray:
        """Values of Pyomo variables; a variable HiGHS never saw (in no row or objective) is 0."""
        x = self.primal() if x is None else x
        return values_at(self.column_index.positions(variables), x)

    def rows_of(self, component: Any) -> list[tuple[Any, int]]:
        """(index, row number) of each written row of a constraint component."""
        found = []
        for index, con in component.items():
            i = self.row_index.get(id(con))
            if i is not None:
                found.append((index, i))
        return found

    def release(self) -> None:
        self.highs.clear()


VALUE = attrgetter("value")


class ParameterTracker:
    """Which mutable Param components of a model changed value since the last look."""

    def __init__(self, model: Any) -> None:
        components = [p for p in model.component_objects(Param, active=True) if p.mutable]
        # each component's data objects, listed once (walking a Pyomo component is the slow part);
        # keyed by id: a scalar Param is also an expression, whose == builds a constraint
        self._data = {id(p): list(p.values()) for p in components}
        self._seen = {key: self._values(data) for key, data in self._data.items()}

    @staticmethod
    def _values(data: list[Any]) -> list[Any]:
        return list(map(VALUE, data))

    def changed(self) -> set[int]:
        """ids of the Param components whose values changed since the last call."""
        found = set()
        for key, data in self._data.items():
            now = self._values(data)
            if now != self._seen[key]:
                found.add(key)
                self._seen[key] = now
        return found
