"""Hand a built Pyomo model to HiGHS as arrays, and keep it live for re-solves.

Pyomo's ``LinearStandardFormCompiler`` turns the model into CSC arrays once; highspy's ``passModel``
takes them without a per-coefficient Python loop. After the model's mutable parameters change,
:meth:`HighsBridge.refresh` re-reads only what parameters can move (row bounds, objective costs, column
bounds, and the coefficients of the components named as parametric) and pushes the differences to the
live HiGHS object, which then warm-starts from its last basis.

The bridge knows nothing of the planning math: it maps Pyomo rows and columns to HiGHS and back.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter
from typing import Any, NamedTuple

import highspy
import numpy as np
from pyomo.common.numeric_types import native_numeric_types
from pyomo.core.base.constraint import ConstraintData
from pyomo.core.base.param import ParamData
from pyomo.core.expr.numeric_expr import (
    LinearExpression,
    MonomialTermExpression,
    NPV_ProductExpression,
    ProductExpression,
    SumExpression,
)
from pyomo.core.expr.visitor import identify_mutable_parameters
from pyomo.environ import Param, value
from pyomo.repn import generate_standard_repn
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

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
    """

    def __init__(
        self,
        model: Any,
        parametric_components: Iterable[Any] = (),
        parametric_columns: Iterable[Any] | None = None,
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
            compiled.rowwise if isinstance(compiled, CompiledLp) else _rowwise_of(compiled.A)
        )
        del compiled  # HiGHS holds the matrix now
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
        merged = _sum_duplicates(rowwise, len(self.columns))
        lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = merged
        if self.highs.passModel(lp) == highspy.HighsStatus.kError:
            raise RuntimeError("HiGHS refused the model")

    def _choose_first_algorithm(self) -> None:
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
            found: set[Any] = set()
            for expr in expressions:
                found.update(id(p.parent_component()) for p in _mutable_params(expr))
            deps = self._dependencies[key] = frozenset(found)
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
                if _is_parametric(upper) or _is_parametric(lower):
                    groups.setdefault(con.parent_component(), []).append((i, upper, lower))
            self._moving_bounds = groups
        return self._moving_bounds

    def _refresh_row_bounds(self, changed: set[int]) -> None:
        # the model's families keep every constant on the right-hand side, so a row's bound is the
        # constraint's bound as written
        lower, upper = self.row_lower.copy(), self.row_upper.copy()
        for component, entries in self._bound_rows().items():
            bounds = (b for _i, up, lo in entries for b in (up, lo) if b is not None)
            if not self._depends_on(("bounds", component), bounds, changed):
                continue
            for i, up, lo in entries:
                if up is not None:
                    upper[i] = value(up)
                if lo is not None:
                    lower[i] = value(lo)
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

    def _refresh_column_bounds(self) -> None:
        lower, upper = self._column_bounds(self._moving_columns)
        if self._moving_columns is None:
            cols = np.arange(len(self.columns), dtype=np.int32)
        else:
            cols = self._moving_columns
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
        for coef, var in _linear_terms(body):
            by_variable.setdefault(id(var), (var, []))[1].append(coef)
        moving = [
            (v, terms) for v, terms in by_variable.values() if any(map(_is_parametric, terms))
        ]
        columns = self.column_index.positions([v for v, _terms in moving]).tolist()
        return [(row, j, terms) for j, (_v, terms) in zip(columns, moving, strict=True)]

    def _refresh_costs(self, changed: set[int]) -> None:
        for obj in self.model.component_data_objects(ctype=_objective_type(), active=True):
            name = obj.local_name
            if not self._depends_on(("objective", name), [obj.expr], changed):
                continue
            # the parts are read again each time (a large objective's coefficient list is as big
            # as the model's monomials); their columns are looked up once
            parts = _linear_parts(obj.expr)
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
        # None is "no limit"; 0 is a limit (a caller's 0 must not silently mean forever)
        self.highs.setOptionValue(
            "time_limit", INF if time_limit_s is None else float(time_limit_s)
        )
        started = time.perf_counter()
        self.highs.run()
        if self._cold:  # later solves start from this basis: the simplex is the one to warm-start
            self.highs.setOptionValue("solver", "choose")
            self._cold = False
        status = STATUS.get(self.highs.getModelStatus(), "error")
        if status == "infeasible or unbounded":
            status = self._settle_infeasible_or_unbounded()
        self.solve_s = time.perf_counter() - started
        return status

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


def values_at(columns: np.ndarray, x: np.ndarray) -> np.ndarray:
    """x at each column, 0 where the column is −1 (a variable HiGHS never saw)."""
    return np.where(columns >= 0, x[np.maximum(columns, 0)], 0.0) if columns.size else x[:0]


def highs_lp(
    sense: highspy.ObjSense,
    cost: np.ndarray,
    column_bounds: tuple[np.ndarray, np.ndarray],
    row_bounds: tuple[np.ndarray, np.ndarray],
    compressed: tuple[np.ndarray, np.ndarray, np.ndarray],
    orientation: highspy.MatrixFormat,
) -> highspy.HighsLp:
    """A ``HighsLp`` from arrays: ``compressed`` is (start, index, value) of the matrix, stored
    row-wise or column-wise as ``orientation`` says."""
    start, index, value = compressed
    lp = highspy.HighsLp()
    lp.num_col_ = len(cost)
    lp.num_row_ = len(row_bounds[0])
    lp.sense_ = sense
    lp.col_cost_ = cost
    lp.col_lower_, lp.col_upper_ = column_bounds
    lp.row_lower_, lp.row_upper_ = row_bounds
    lp.a_matrix_.format_ = orientation
    lp.a_matrix_.start_ = np.ascontiguousarray(start, dtype=np.int32)
    lp.a_matrix_.index_ = np.ascontiguousarray(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.ascontiguousarray(value, dtype=float)
    return lp


def quiet_highs() -> highspy.Highs:
    """A Highs object that prints nothing: its constructor writes a banner straight to file
    descriptor 1, which would corrupt ``planner solve --json``; so fd 1 points at /dev/null meanwhile."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 1)
            highs = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    highs.setOptionValue("output_flag", False)
    for option in ("primal_feasibility_tolerance", "dual_feasibility_tolerance"):
        highs.setOptionValue(option, 1e-9)  # money to the yuan on budgets of thousands of CNY bn
    return highs


@dataclass
class CompiledLp:
    """What :func:`compile_linear` reads off a model, in the shape of Pyomo's standard-form output:
    ``rows`` are (constraint, sense), ``rhs`` the bound of each row's sense, ``A`` the matrix."""

    columns: list[Any]
    rows: list[tuple[Any, int]]
    rhs: np.ndarray
    rowwise: tuple[np.ndarray, np.ndarray, np.ndarray]  # CSR indptr, indices, data
    costs: dict[str, np.ndarray]
    column_index: ColumnIndex


def _sum_duplicates(
    rowwise: tuple[np.ndarray, np.ndarray, np.ndarray], n_columns: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The row-wise matrix with the entries of a (row, column) that repeats summed into one."""
    indptr, indices, data = rowwise
    n_rows = len(indptr) - 1
    rows = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(indptr))
    keys, position = np.unique(rows * n_columns + indices, return_inverse=True)
    summed = np.bincount(position, weights=data)
    counts = np.bincount(keys // n_columns, minlength=n_rows)
    start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return start, (keys % n_columns).astype(np.int32), summed


def _rowwise_of(matrix: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    csr = matrix.tocsr()
    csr.sum_duplicates()
    return csr.indptr, csr.indices, csr.data.astype(float)


def compile_linear(model: Any) -> CompiledLp | None:
    """Compile a linear model whose rows are ``LinearExpression`` bodies without Pyomo's walker.

    The model's families write every row as one ``LinearExpression`` of variables and monomials, so
    a row's columns and coefficients are its arguments, read in one pass (a row of plain variables
    is read at C speed). Anything else (a constant in a body, a non-linear term) goes through
    ``generate_standard_repn``; a ranged row returns None, and the caller then uses Pyomo's
    ``LinearStandardFormCompiler`` for the whole model. Rows come in Pyomo's component order;
    columns in order of first appearance, as the standard-form compiler orders them.
    """
    from pyomo.environ import Constraint, Objective

    reader = _RowReader()
    rows: list[tuple[Any, int]] = []
    rhs: list[float] = []
    for con in model.component_data_objects(Constraint, active=True, descend_into=True):
        lower, body, upper = con.to_bounded_expression()  # one call instead of three properties
        read = reader.read(body)
        if read is None:
            return None
        constant, count = read
        if con.equality:
            sense, bound = 0, upper
        elif lower is None and upper is not None:
            sense, bound = 1, upper
        elif upper is None and lower is not None:
            sense, bound = -1, lower
        else:
            return None  # ranged (or unbounded) rows: leave them to Pyomo's compiler
        if count == 0:
            return None  # a row without variables: Pyomo's compiler knows what to do with it
        rows.append((con, sense))
        rhs.append(shared_value(bound, reader.memo) - constant)
    matrix_size = reader.size
    objective_spans = []
    for obj in model.component_data_objects(Objective, active=True, descend_into=True):
        start, parts = reader.size, _linear_parts(obj.expr)
        reader.add_variables(parts_variables(parts))
        values = parts_values(parts, reader.memo)
        objective_spans.append((obj.local_name, start, reader.size, values))
    columns, codes, column_index = reader.number_columns()
    rowwise = (
        np.array(reader.indptr, dtype=np.int32),
        codes[:matrix_size],
        reader.data()[:matrix_size],  # refresh updates it in place
    )
    costs = {
        name: np.bincount(codes[start:end], weights=values, minlength=len(columns))
        for name, start, end, values in objective_spans
    }
    return CompiledLp(columns, rows, np.asarray(rhs, dtype=float), rowwise, costs, column_index)


class ColumnIndex:
    """id(variable) → column, held as two numpy arrays (a dict of a million columns is 100 MB).

    Variables that are no column (they appear in no row and no objective) are not found.
    """

    def __init__(self, ids: np.ndarray) -> None:
        self._order = np.argsort(ids, kind="stable")
        self._sorted = ids[self._order]

    def positions(self, variables: Sequence[Any]) -> np.ndarray:
        """The column of each variable, −1 for one that is no column."""
        return self._find(np.fromiter(map(id, variables), dtype=np.int64, count=len(variables)))

    def get(self, key: int, default: int | None = None) -> int | None:
        found = int(self._find(np.array([key], dtype=np.int64))[0])
        return default if found < 0 else found

    def __getitem__(self, key: int) -> int:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def _find(self, keys: np.ndarray) -> np.ndarray:
        if not self._sorted.size:
            return np.full(len(keys), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self._sorted, keys), self._sorted.size - 1)
        return np.where(self._sorted[at] == keys, self._order[at], -1)


class _RowReader:
    """Accumulates CSR arrays row by row; the columns are numbered once at the end.

    Each entry records its variable's id and the variable itself; :meth:`number_columns` then
    numbers the distinct ids in order of first appearance in one hashing pass (``pandas.factorize``)
    instead of a dict lookup per entry. Coefficients are 1 unless a row says otherwise, so only
    the other ones are stored, as arrays.
    """

    FLUSH_AT = 1 << 20  # ids wait in a list (fast to extend) and go to numpy a million at a time

    def __init__(self) -> None:
        self.indptr = [0]
        self.size = 0
        self.variables: list[Any] = []
        self._ids: list[int] = []
        self._id_chunks: list[np.ndarray] = []
        self._values: list[tuple[int, np.ndarray]] = []  # (first entry, coefficients) not all 1
        self.memo: dict[int, float] = {}
        self._var_classes: dict[type, bool] = {}

    def add_variables(self, variables: list[Any], ids: list[int] | None = None) -> None:
        self._ids += map(id, variables) if ids is None else ids
        self.variables += variables
        self.size += len(variables)
        if len(self._ids) >= self.FLUSH_AT:
            self._id_chunks.append(np.array(self._ids, dtype=np.int64))
            self._ids = []

    def add_values(self, start: int, values: np.ndarray) -> None:
        """Coefficients other than 1 for the entries from ``start`` on."""
        self._values.append((start, values))

    def ids(self) -> np.ndarray:
        chunks = [*self._id_chunks, np.array(self._ids, dtype=np.int64)]
        self._id_chunks, self._ids = [], []
        return np.concatenate(chunks)

    def data(self) -> np.ndarray:
        data = np.ones(self.size)
        for start, values in self._values:
            data[start : start + len(values)] = values
        return data

    def number_columns(self) -> tuple[list[Any], np.ndarray, ColumnIndex]:
        """(column variables, column of every entry, id → column)."""
        import pandas as pd

        ids = self.ids()
        codes, distinct = pd.factorize(ids, sort=False)
        # codes number ids in order of first appearance, so a code's first entry is where the
        # running maximum of the codes steps up
        first = np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)
        columns = list(map(self.variables.__getitem__, first.tolist()))
        self.variables = []
        return columns, codes.astype(np.int32), ColumnIndex(np.asarray(distinct, dtype=np.int64))

    def _shape(self, args: list[Any]) -> str | None:
        """Whether a row is all "variables", or "mixed" when the rest are monomials;
        None for anything else (constants, nested expressions)."""
        classes = set(map(type, args))
        mixed = MonomialTermExpression in classes
        classes.discard(MonomialTermExpression)
        for cls in classes:
            known = self._var_classes.get(cls)
            if known is None:
                sample: Any = next(a for a in args if type(a) is cls)
                known = cls not in native_numeric_types and bool(
                    getattr(sample, "is_variable_type", lambda: False)()
                )
                self._var_classes[cls] = known
            if not known:
                return None
        return "mixed" if mixed else "variables"

    def read(self, body: Any) -> tuple[float, int] | None:
        """Append one row; returns (constant of the body, number of entries), None if not linear."""
        if body.__class__ is LinearExpression:
            args = body.args
            shape = self._shape(args)
            if shape == "variables":
                return self._append_linear(args, [], ones=len(args))
            if shape == "mixed":
                plain = [a for a in args if a.__class__ is not MonomialTermExpression]
                terms = [a._args_ for a in args if a.__class__ is MonomialTermExpression]
                return self._append_linear(
                    plain + [v for _c, v in terms], [c for c, _v in terms], ones=len(plain)
                )
        repn = generate_standard_repn(body, compute_values=False)
        if not repn.is_linear():
            return None
        terms = list(zip(repn.linear_coefs, repn.linear_vars, strict=True))
        return self._append_terms(terms, value(repn.constant))

    def _append_linear(
        self, variables: list[Any], coefficients: list[Any], ones: int = 0
    ) -> tuple[float, int]:
        """A row read straight off a ``LinearExpression``: its variables, the first ``ones`` of
        them with coefficient 1 and the rest with ``coefficients``."""
        # a variable may appear twice: HiGHS then refuses the matrix and the bridge sums the two
        # entries (_sum_duplicates), a cost paid only by such models
        start = self.size
        self.add_variables(variables)
        if coefficients:
            self.add_values(start + ones, values_of(coefficients, self.memo))
        self.indptr.append(self.size)
        return 0.0, len(variables)

    def _append_terms(self, terms: list[tuple[Any, Any]], constant: float) -> tuple[float, int]:
        """A row whose variables may repeat: one entry per variable, coefficients summed."""
        row: dict[int, list[Any]] = {}
        for c, v in terms:
            entry = row.setdefault(id(v), [v, 0.0])
            entry[1] += shared_value(c, self.memo)
        self.add_values(self.size, np.array([c for _v, c in row.values()], dtype=float))
        self.add_variables([v for v, _c in row.values()], list(row))
        self.indptr.append(self.size)
        return constant, len(row)


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


def _is_parametric(expr: Any) -> bool:
    """An expression whose value can move with mutable parameters (not a plain number)."""
    if expr.__class__ is tuple:  # (outer, inner) of a scaled term
        return _is_parametric(expr[0]) or _is_parametric(expr[1])
    return (
        expr is not None and expr.__class__ not in native_numeric_types and not expr.is_constant()
    )


def _mutable_params(expr: Any) -> list[ParamData]:
    if expr is None or expr.__class__ in native_numeric_types:
        return []
    if isinstance(expr, ParamData):
        return [expr]  # only mutable Params have ParamData entries in expressions
    return list(identify_mutable_parameters(expr))


class LinearPart(NamedTuple):
    """``factor · Σ coefficients[i] · variables[i]``; ``factor`` None means 1."""

    factor: Any
    coefficients: Sequence[Any]
    variables: Sequence[Any]


def _linear_parts(expr: Any) -> list[LinearPart]:
    """A linear expression as parts read straight off its tree, without a term object per entry.

    A ``LinearExpression`` is one part (its arguments are variables and monomials), and so is each
    ``LinearExpression`` of a sum, scaled by its constant factor where it has one (how the planning
    model writes E). Anything else goes through its standard repn.
    """
    if expr.__class__ is LinearExpression:
        return [_plain_part(expr)]
    if expr.__class__ is SumExpression:
        parts = list(map(_scaled_part, expr.args))
        if all(part is not None for part in parts):
            return [part for part in parts if part is not None]
    if hasattr(expr, "is_variable_type") and expr.is_variable_type():
        return [LinearPart(None, [1], [expr])]
    repn = generate_standard_repn(expr, compute_values=False)
    return [LinearPart(None, list(repn.linear_coefs), list(repn.linear_vars))]


def _plain_part(expr: LinearExpression) -> LinearPart:
    args = expr.args
    if all(arg.__class__ is MonomialTermExpression for arg in args):
        pairs = [arg._args_ for arg in args]
        coefficients, variables = zip(*pairs, strict=True) if pairs else ((), ())
        return LinearPart(None, coefficients, variables)
    terms = []
    for arg in args:
        if arg.__class__ is MonomialTermExpression:
            terms.append(arg._args_)
        elif arg.__class__ not in native_numeric_types and arg.is_variable_type():
            terms.append((1, arg))
    return LinearPart(None, [c for c, _v in terms], [v for _c, v in terms])


def _scaled_part(expr: Any) -> LinearPart | None:
    """A ``LinearExpression``, or a constant times one, as a part; None for anything else."""
    if expr.__class__ is LinearExpression:
        return _plain_part(expr)
    if expr.__class__ in PRODUCTS:
        factor, inner = expr.args
        if inner.__class__ is LinearExpression and not _potentially_variable(factor):
            return _plain_part(inner)._replace(factor=factor)
    return None


def _linear_terms(expr: Any) -> list[tuple[Any, Any]]:
    """(coefficient, variable) of a linear expression (see :func:`_linear_parts`); the coefficient
    of a term of a scaled part is the plain tuple ``(factor, coefficient)``, meaning their product."""
    terms: list[tuple[Any, Any]] = []
    for factor, coefficients, variables in _linear_parts(expr):
        if factor is None:
            terms.extend(zip(coefficients, variables, strict=True))
        else:
            terms.extend(((factor, c), v) for c, v in zip(coefficients, variables, strict=True))
    return terms


def parts_variables(parts: list[LinearPart]) -> list[Any]:
    """The variables of parts, one after the other (the order of :func:`parts_values`)."""
    return list(chain.from_iterable(part.variables for part in parts))


def parts_values(parts: list[LinearPart], memo: dict[int, float]) -> np.ndarray:
    """The coefficient values of parts, one after the other, each part's factor applied. All
    coefficients are evaluated in one list, so nodes shared across parts are evaluated once."""
    values = values_of(list(chain.from_iterable(part.coefficients for part in parts)), memo)
    factors = [1.0 if part.factor is None else shared_value(part.factor, memo) for part in parts]
    return values * np.repeat(factors, [len(part.coefficients) for part in parts])


def _potentially_variable(expr: Any) -> bool:
    return expr.__class__ not in native_numeric_types and expr.is_potentially_variable()


PRODUCTS = frozenset({ProductExpression, NPV_ProductExpression})


def values_of(coefficients: list[Any], memo: dict[int, float]) -> np.ndarray:
    """:func:`shared_value` of many coefficients, as a float array, with one Python call per
    distinct expression node rather than per entry.

    A list of products (the objective's d[t]·tranches[k] times w·benefit, one product node per
    column) is evaluated factor list by factor list, each factor node once, and the two multiplied
    at once; any other list evaluates each distinct node once (a share row's 1 − share and −share)
    and fills the array at C speed.
    """
    if len(coefficients) > 1 and set(map(type, coefficients)) <= PRODUCTS:
        pairs = [c._args_ for c in coefficients]
        first = _values_by_node([a for a, _b in pairs], memo)
        return first * _values_by_node([b for _a, b in pairs], memo)
    return _values_by_node(coefficients, memo)


def _values_by_node(coefficients: list[Any], memo: dict[int, float]) -> np.ndarray:
    ids = list(map(id, coefficients))
    distinct = dict(zip(ids, coefficients, strict=True))
    evaluated = {key: shared_value(c, memo) for key, c in distinct.items()}
    return np.fromiter(map(evaluated.__getitem__, ids), dtype=float, count=len(ids))


def shared_value(expr: Any, memo: dict[int, float]) -> float:
    """``value(expr)``, evaluating each sub-expression node once per ``memo``.

    The objective's coefficients share their factors (one discount node per period, one
    weight × benefit node per pair), so evaluating through the memo costs one multiplication per
    column instead of a walk of the whole product.
    """
    if expr.__class__ in native_numeric_types:
        return expr
    if expr.__class__ is tuple:  # (outer, inner) of a scaled term: their product
        return shared_value(expr[0], memo) * shared_value(expr[1], memo)
    key = id(expr)
    found = memo.get(key)
    if found is None:
        if expr.is_expression_type():
            values = []
            for arg in expr.args:  # children looked up here, saving a call per shared child
                if arg.__class__ in native_numeric_types:
                    values.append(arg)
                else:
                    known = memo.get(id(arg))
                    values.append(known if known is not None else shared_value(arg, memo))
            # _apply_operation is how Pyomo's own evaluator combines a node's argument values
            found = expr._apply_operation(values)
        elif expr.__class__ is ParamData and expr.value is not None:
            found = expr.value  # a mutable parameter's number, without value()'s checks
        else:
            found = value(expr)
        memo[key] = found
    return found


def _objective_type() -> Any:
    from pyomo.environ import Objective

    return Objective
