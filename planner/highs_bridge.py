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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
from pyomo.core.base.constraint import ConstraintData
from pyomo.environ import value
from pyomo.repn import generate_standard_repn
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

INF = highspy.kHighsInf

STATUS = {
    highspy.HighsModelStatus.kOptimal: "optimal",
    highspy.HighsModelStatus.kModelEmpty: "optimal",
    highspy.HighsModelStatus.kInfeasible: "infeasible",
    highspy.HighsModelStatus.kUnbounded: "unbounded",
    highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible or unbounded",
    highspy.HighsModelStatus.kTimeLimit: "time limit",
    highspy.HighsModelStatus.kIterationLimit: "time limit",
}


@dataclass(frozen=True)
class RowInfo:
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
        :meth:`refresh` (row bounds and costs are always re-read).
    """

    def __init__(self, model: Any, parametric_components: Iterable[Any] = ()) -> None:
        started = time.perf_counter()
        self.model = model
        compiled = LinearStandardFormCompiler().write(model, mixed_form=True, set_sense=None)
        self.columns: list[Any] = list(compiled.columns)
        self.column_index = {id(v): j for j, v in enumerate(self.columns)}
        self.rows = [RowInfo(con, sense) for con, sense in compiled.rows]
        self.row_index = {id(r.constraint): i for i, r in enumerate(self.rows)}
        self._parametric = list(parametric_components)
        self.costs = self._cost_vectors(compiled)
        self.row_lower, self.row_upper = self._row_bounds_from(
            np.asarray(compiled.rhs, dtype=float)
        )
        self.col_lower, self.col_upper = self._column_bounds()
        self.matrix = compiled.A.tocsc()
        self.highs = quiet_highs()
        self.weights: dict[str, float] = {}
        self._pass_model()
        self.handover_s = time.perf_counter() - started
        self.solve_s = 0.0

    # ---- building the HiGHS model ----

    def _cost_vectors(self, compiled: Any) -> dict[str, np.ndarray]:
        dense = compiled.c.toarray() if compiled.c.shape[0] else np.zeros((0, len(self.columns)))
        return {obj.local_name: dense[i].astype(float) for i, obj in enumerate(compiled.objectives)}

    def _row_bounds_from(self, rhs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        senses = np.array([r.sense for r in self.rows], dtype=int)
        lower = np.where(senses >= 0, np.where(senses == 0, rhs, -INF), rhs)
        upper = np.where(senses <= 0, np.where(senses == 0, rhs, INF), rhs)
        return lower.astype(float), upper.astype(float)

    def _column_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        lower = np.array([-INF if v.lb is None else v.lb for v in self.columns], dtype=float)
        upper = np.array([INF if v.ub is None else v.ub for v in self.columns], dtype=float)
        return lower, upper

    def _pass_model(self) -> None:
        a = self.matrix
        lp = highspy.HighsLp()
        lp.num_col_ = len(self.columns)
        lp.num_row_ = len(self.rows)
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.col_cost_ = np.zeros(len(self.columns))
        lp.col_lower_ = self.col_lower
        lp.col_upper_ = self.col_upper
        lp.row_lower_ = self.row_lower
        lp.row_upper_ = self.row_upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data.astype(float)
        if self.highs.passModel(lp) == highspy.HighsStatus.kError:
            raise RuntimeError("HiGHS refused the model")

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
        """Re-read everything mutable parameters can move and push the differences to HiGHS."""
        self._refresh_row_bounds()
        self._refresh_column_bounds()
        self._refresh_coefficients()
        self._refresh_costs()

    def _refresh_row_bounds(self) -> None:
        lower, upper = self.row_lower.copy(), self.row_upper.copy()
        for i, row in enumerate(self.rows):
            # the model's families keep every constant on the right-hand side, so a row's bound is
            # the constraint's bound as written
            con = row.constraint
            if row.sense >= 0 and con.upper is not None:
                upper[i] = value(con.upper)
            if row.sense <= 0 and con.lower is not None:
                lower[i] = value(con.lower)
        changed = np.flatnonzero((lower != self.row_lower) | (upper != self.row_upper)).astype(
            np.int32
        )
        if changed.size:
            self.highs.changeRowsBounds(changed.size, changed, lower[changed], upper[changed])
        self.row_lower, self.row_upper = lower, upper

    def _refresh_column_bounds(self) -> None:
        lower, upper = self._column_bounds()
        changed = np.flatnonzero((lower != self.col_lower) | (upper != self.col_upper)).astype(
            np.int32
        )
        if changed.size:
            self.highs.changeColsBounds(changed.size, changed, lower[changed], upper[changed])
        self.col_lower, self.col_upper = lower, upper

    def _refresh_coefficients(self) -> None:
        for component in self._parametric:
            for con in component.values():
                i = self.row_index.get(id(con))
                if i is None:
                    continue
                repn = generate_standard_repn(con.body, compute_values=True)
                for var, coef in zip(repn.linear_vars, repn.linear_coefs, strict=True):
                    self.highs.changeCoeff(i, self.column_index[id(var)], float(coef))

    def _refresh_costs(self) -> None:
        for obj in self.model.component_data_objects(ctype=_objective_type(), active=True):
            repn = generate_standard_repn(obj.expr, compute_values=True)
            cost = np.zeros(len(self.columns))
            for var, coef in zip(repn.linear_vars, repn.linear_coefs, strict=True):
                cost[self.column_index[id(var)]] = coef
            self.costs[obj.local_name] = cost
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


def _objective_type() -> Any:
    from pyomo.environ import Objective

    return Objective
