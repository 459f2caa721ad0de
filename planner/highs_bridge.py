"""Hand a built Pyomo model to HiGHS as arrays, and keep it live for re-solves.

Pyomo's ``LinearStandardFormCompiler`` turns the model into CSC arrays once; highspy's ``passModel``
takes them without a per-coefficient Python loop. After the model's mutable parameters change,
:meth:`HighsBridge.refresh` re-reads only what parameters can move (row bounds, objective costs, column
bounds, and the coefficients of the components named as parametric) and pushes the differences to the
live HiGHS object, which then warm-starts from its last basis.

The bridge knows nothing of the planning math: it maps Pyomo rows and columns to HiGHS and back.
"""

from __future__ import annotations

import os
import sys
import time
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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
            else {id(v): j for j, v in enumerate(self.columns)}
        )
        self.rows = list(map(RowInfo._make, compiled.rows))
        self.row_index = {id(r.constraint): i for i, r in enumerate(self.rows)}
        self._parametric = list(parametric_components)
        self.costs = self._cost_vectors(compiled)
        self.row_lower, self.row_upper = self._row_bounds_from(
            np.asarray(compiled.rhs, dtype=float)
        )
        self.col_lower, self.col_upper = self._column_bounds()
        self._rowwise = (
            compiled.rowwise if isinstance(compiled, CompiledLp) else _rowwise_of(compiled.A)
        )
        self._matrix: Any = None
        self.highs = quiet_highs()
        self.weights: dict[str, float] = {}
        self._pass_model()
        self._choose_first_algorithm()
        self._moving_columns = (
            None
            if parametric_columns is None
            else np.array(
                [
                    self.column_index[id(v)]
                    for v in parametric_columns
                    if id(v) in self.column_index
                ],
                dtype=np.int32,
            )
        )
        self._tracker = ParameterTracker(model)
        self._dependencies: dict[Any, frozenset[Any]] = {}
        self._moving_bounds: dict[Any, list[tuple[int, Any, Any]]] | None = None
        self._moving_coefficients: dict[Any, list[tuple[int, int, Any, int]]] = {}
        self._cost_terms: dict[str, list[tuple[int, Any]]] = {}
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
        bounds = np.array([v.bounds for v in columns], dtype=float).reshape(-1, 2)  # None → nan
        lower = np.where(np.isnan(bounds[:, 0]), -INF, bounds[:, 0])
        upper = np.where(np.isnan(bounds[:, 1]), INF, bounds[:, 1])
        return lower, upper

    @property
    def matrix(self) -> Any:
        """The constraint matrix as a ``scipy.sparse`` CSC matrix (built on first use: importing
        scipy in a process that has Pyomo loaded costs most of a second)."""
        if self._matrix is None:
            import scipy.sparse as sp

            indptr, indices, data = self._rowwise
            shape = (len(self.rows), len(self.columns))
            self._matrix = sp.csr_matrix((data, indices, indptr), shape=shape).tocsc()
        return self._matrix

    def _pass_model(self) -> None:
        lp = highs_lp(
            highspy.ObjSense.kMaximize,
            np.zeros(len(self.columns)),
            (self.col_lower, self.col_upper),
            (self.row_lower, self.row_upper),
            self._rowwise,
            highspy.MatrixFormat.kRowwise,
        )
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
        cost = np.zeros(len(self.columns))
        for name, weight in weights.items():
            if weight:
                cost += weight * self.costs[name]
        self.weights = dict(weights)
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
            data = self._rowwise[2]
            for i, j, coef, position in self._coefficient_entries(component):
                new = float(shared_value(coef, memo))
                if new != data[position]:
                    data[position] = new
                    self.highs.changeCoeff(i, j, new)
                    self._matrix = None

    def _coefficient_entries(self, component: Any) -> list[tuple[int, int, Any, int]]:
        """(row, column, coefficient expression, position in the row-wise data) of the entries of
        a component that can move."""
        entries = self._moving_coefficients.get(component)
        if entries is None:
            indptr, indices, _data = self._rowwise
            entries = []
            for con in component.values():
                i = self.row_index.get(id(con))
                if i is None:
                    continue
                row = indices[indptr[i] : indptr[i + 1]]
                for coef, var in _linear_terms(con.body):
                    if _is_parametric(coef):
                        j = self.column_index[id(var)]
                        position = int(indptr[i] + np.flatnonzero(row == j)[0])
                        entries.append((i, j, coef, position))
            self._moving_coefficients[component] = entries
        return entries

    def _refresh_costs(self, changed: set[int]) -> None:
        for obj in self.model.component_data_objects(ctype=_objective_type(), active=True):
            name = obj.local_name
            if not self._depends_on(("objective", name), [obj.expr], changed):
                continue
            terms = self._cost_terms.get(name)
            if terms is None:
                terms = self._cost_terms[name] = [
                    (self.column_index[id(var)], coef) for coef, var in _linear_terms(obj.expr)
                ]
            cost = np.zeros(len(self.columns))
            memo: dict[int, float] = {}
            for j, coef in terms:
                cost[j] += shared_value(coef, memo)
            self.costs[name] = cost
        self.set_weights(self.weights)

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
        return np.array(
            [x[self.column_index[id(v)]] if id(v) in self.column_index else 0.0 for v in variables]
        )

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
    lp.a_matrix_.start_ = np.asarray(start).astype(np.int32)
    lp.a_matrix_.index_ = np.asarray(index).astype(np.int32)
    lp.a_matrix_.value_ = np.asarray(value).astype(float)
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
    column_index: dict[int, int]  # id(variable) → column


def _rowwise_of(matrix: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    csr = matrix.tocsr()
    csr.sum_duplicates()
    return csr.indptr, csr.indices, csr.data.astype(float)


def compile_linear(model: Any) -> CompiledLp | None:
    """Compile a linear model whose rows are ``LinearExpression`` bodies without Pyomo's walker.

    The model's families write every row as one ``LinearExpression`` of variables and monomials, so
    a row's columns and coefficients are its arguments, read in one pass (a row of plain variables
    maps ids to columns at C speed). Anything else (a constant in a body, a non-linear term) goes
    through ``generate_standard_repn``; a ranged row returns None, and the caller then uses Pyomo's
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
        rhs.append(value(bound) - constant)
    costs_terms = []
    for obj in model.component_data_objects(Objective, active=True, descend_into=True):
        terms = _linear_terms(obj.expr)
        columns = np.array([reader.column(v) for _c, v in terms], dtype=np.int64)
        costs_terms.append((obj.local_name, columns, [c for c, _v in terms]))
    n = len(reader.columns)
    rowwise = (
        np.frombuffer(reader.indptr, dtype=np.int64),
        np.frombuffer(reader.indices, dtype=np.int64),
        np.frombuffer(reader.data, dtype=np.float64),  # writable: refresh updates it in place
    )
    costs = {}
    memo: dict[int, float] = {}
    for name, columns, coefficients in costs_terms:
        cost = np.zeros(n)
        np.add.at(cost, columns, np.asarray(values_of(coefficients, memo), dtype=float))
        costs[name] = cost
    return CompiledLp(
        reader.columns, rows, np.asarray(rhs, dtype=float), rowwise, costs, reader.index
    )


class _RowReader:
    """Accumulates CSR arrays row by row and numbers the columns on first sight."""

    def __init__(self) -> None:
        self.columns: list[Any] = []
        self.index: dict[int, int] = {}
        # typed arrays, not lists: 8 bytes an entry instead of a pointer plus a boxed number (the
        # lists were most of a large model's peak memory during the hand-over)
        self.indptr = array("q", [0])
        self.indices = array("q")
        self.data = array("d")
        self.memo: dict[int, float] = {}
        self._var_classes: dict[type, bool] = {}

    def column(self, var: Any) -> int:
        j = self.index.get(id(var))
        if j is None:
            j = self.index[id(var)] = len(self.columns)
            self.columns.append(var)
        return j

    def _all_variables(self, args: list[Any]) -> bool:
        for cls in set(map(type, args)):
            known = self._var_classes.get(cls)
            if known is None:
                sample: Any = next(a for a in args if type(a) is cls)
                known = cls not in native_numeric_types and bool(
                    getattr(sample, "is_variable_type", lambda: False)()
                )
                self._var_classes[cls] = known
            if not known:
                return False
        return True

    def read(self, body: Any) -> tuple[float, int] | None:
        """Append one row; returns (constant of the body, number of entries), None if not linear."""
        if body.__class__ is LinearExpression and self._all_variables(body.args):
            ids = list(map(id, body.args))
            if len(set(ids)) != len(ids):  # a variable twice: sum its coefficients
                return self._append_terms([(1, v) for v in body.args], 0.0)
            try:
                cols = list(map(self.index.__getitem__, ids))
            except KeyError:  # first sight of some of them: number them in order
                for var, key in zip(body.args, ids, strict=True):
                    if key not in self.index:
                        self.index[key] = len(self.columns)
                        self.columns.append(var)
                cols = list(map(self.index.__getitem__, ids))
            self.indices.extend(cols)
            self.data.extend([1.0] * len(cols))
            self.indptr.append(len(self.indices))
            return 0.0, len(cols)
        if body.__class__ is LinearExpression:
            terms = _linear_terms(body)
            if terms is not None and len(terms) == len(body.args):
                return self._append_linear(terms)
        repn = generate_standard_repn(body, compute_values=False)
        if not repn.is_linear():
            return None
        terms = list(zip(repn.linear_coefs, repn.linear_vars, strict=True))
        return self._append_terms(terms, value(repn.constant))

    def _append_linear(self, terms: list[tuple[Any, Any]]) -> tuple[float, int]:
        """A row of (coefficient, variable) terms read straight off a ``LinearExpression``."""
        variables = [v for _c, v in terms]
        ids = list(map(id, variables))
        if len(set(ids)) != len(ids):
            return self._append_terms(terms, 0.0)
        index = self.index
        for var, key in zip(variables, ids, strict=True):
            if key not in index:
                index[key] = len(self.columns)
                self.columns.append(var)
        self.indices.extend(map(index.__getitem__, ids))
        self.data.extend(values_of([c for c, _v in terms], self.memo))
        self.indptr.append(len(self.indices))
        return 0.0, len(ids)

    def _append_terms(self, terms: list[tuple[Any, Any]], constant: float) -> tuple[float, int]:
        row: dict[int, float] = {}
        for c, v in terms:
            j = self.column(v)
            row[j] = row.get(j, 0.0) + shared_value(c, self.memo)
        self.indices.extend(row)
        self.data.extend(row.values())
        self.indptr.append(len(self.indices))
        return constant, len(row)


class ParameterTracker:
    """Which mutable Param components of a model changed value since the last look."""

    def __init__(self, model: Any) -> None:
        self._components = [p for p in model.component_objects(Param, active=True) if p.mutable]
        # keyed by id: a scalar Param is also an expression, whose == builds a constraint
        self._seen = {id(p): self._values(p) for p in self._components}

    @staticmethod
    def _values(component: Any) -> list[Any]:
        return [d.value for d in component.values()]

    def changed(self) -> set[int]:
        """ids of the Param components whose values changed since the last call."""
        found = set()
        for component in self._components:
            now = self._values(component)
            if now != self._seen[id(component)]:
                found.add(id(component))
                self._seen[id(component)] = now
        return found


def _is_parametric(expr: Any) -> bool:
    """An expression whose value can move with mutable parameters (not a plain number)."""
    return (
        expr is not None and expr.__class__ not in native_numeric_types and not expr.is_constant()
    )


def _mutable_params(expr: Any) -> list[ParamData]:
    if expr is None or expr.__class__ in native_numeric_types:
        return []
    if isinstance(expr, ParamData):
        return [expr]  # only mutable Params have ParamData entries in expressions
    return list(identify_mutable_parameters(expr))


def _linear_terms(expr: Any) -> list[tuple[Any, Any]]:
    """(coefficient, variable) of a linear expression; a ``LinearExpression`` is read directly
    (its arguments are variables and monomials) and anything else through its standard repn."""
    if expr.__class__ is LinearExpression:
        terms = []
        for arg in expr.args:
            if arg.__class__ is MonomialTermExpression:
                terms.append(arg._args_)
            elif arg.__class__ not in native_numeric_types and arg.is_variable_type():
                terms.append((1, arg))
        return terms
    if hasattr(expr, "is_variable_type") and expr.is_variable_type():
        return [(1, expr)]
    repn = generate_standard_repn(expr, compute_values=False)
    return list(zip(repn.linear_coefs, repn.linear_vars, strict=True))


PRODUCTS = frozenset({ProductExpression, NPV_ProductExpression})


def values_of(coefficients: list[Any], memo: dict[int, float]) -> list[float]:
    """:func:`shared_value` of many coefficients; a product of two already-evaluated shared nodes
    (the objective's d[t]·w·benefit times tranches[k]) is multiplied here without a call."""
    out = []
    get = memo.get
    for c in coefficients:
        if c.__class__ in native_numeric_types:
            out.append(c)
            continue
        if c.__class__ in PRODUCTS:
            a, b = c._args_
            va = a if a.__class__ in native_numeric_types else get(id(a))
            vb = b if b.__class__ in native_numeric_types else get(id(b))
            if va is not None and vb is not None:
                out.append(va * vb)
                continue
        found = get(id(c))
        out.append(found if found is not None else shared_value(c, memo))
    return out


def shared_value(expr: Any, memo: dict[int, float]) -> float:
    """``value(expr)``, evaluating each sub-expression node once per ``memo``.

    The objective's coefficients share their factors (one discount node per period, one
    weight × benefit node per pair), so evaluating through the memo costs one multiplication per
    column instead of a walk of the whole product.
    """
    if expr.__class__ in native_numeric_types:
        return expr
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
        else:
            found = value(expr)
        memo[key] = found
    return found


def _objective_type() -> Any:
    from pyomo.environ import Objective

    return Objective
