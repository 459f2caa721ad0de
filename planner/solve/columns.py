"""Number Pyomo variables as HiGHS columns, and read each row's coefficients into flat arrays."""

from collections.abc import Sequence
from typing import Any

import numpy as np
from pyomo.common.numeric_types import native_numeric_types
from pyomo.core.expr.numeric_expr import (
    LinearExpression,
    MonomialTermExpression,
)
from pyomo.environ import value
from pyomo.repn import generate_standard_repn

from planner.solve.expressions import shared_value, values_of


def values_at(columns: np.ndarray, x: np.ndarray) -> np.ndarray:
    """x at each column, 0 where the column is −1 (a variable HiGHS never saw)."""
    return np.where(columns >= 0, x[np.maximum(columns, 0)], 0.0) if columns.size else x[:0]


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


class RowReader:
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
        # entries (sum_duplicates), a cost paid only by such models
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
