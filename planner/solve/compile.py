"""Compile a built Pyomo model's linear rows, bounds and objectives to arrays in one pass.

What :class:`~planner.solve.bridge.HighsBridge` hands to HiGHS. Rows that are one ``LinearExpression``
(as models/ builds them) are read without Pyomo's general expression walk.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np

from planner.solve.columns import ColumnIndex, RowReader
from planner.solve.expressions import linear_parts, parts_values, parts_variables, shared_value


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


def sum_duplicates(
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


def rowwise_of(matrix: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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

    reader = RowReader()
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
        start, parts = reader.size, linear_parts(obj.expr)
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
