"""The bridge's own compiler reads any linear Pyomo model as Pyomo's own route to HiGHS does.

The planning model writes its rows in two shapes the bridge reads fastest (a sum of variables; a sum
of variables and monomials). These cases are the shapes it does not write, each checked against
``appsi_highs`` (Pyomo's own interface, without the bridge) on an LP whose optimum is unique:
a variable twice in a row, a constant in a body, a ranged row (the whole model then goes through
Pyomo's standard-form compiler), a variable that appears nowhere, and coefficients that are shared
parameter nodes, before and after the parameter changes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression, SumExpression
from pyomo.environ import (
    ConcreteModel,
    Constraint,
    NonNegativeReals,
    Objective,
    Param,
    SolverFactory,
    Var,
    maximize,
    value,
)

from planner.solve.bridge import HighsBridge
from planner.solve.compile import compile_linear

Builder = Callable[[], ConcreteModel]


def base_model() -> ConcreteModel:
    m = ConcreteModel()
    m.x = Var(domain=NonNegativeReals)
    m.y = Var(domain=NonNegativeReals)
    m.p = Param(mutable=True, initialize=2.0)
    m.obj = Objective(expr=3 * m.x + 2 * m.y, sense=maximize)
    m.cap_y = Constraint(expr=m.y <= 1.5)
    return m


def twice_plain() -> ConcreteModel:
    m = base_model()
    m.row = Constraint(expr=LinearExpression([m.x, m.x, m.y]) <= 4)  # 2x + y ≤ 4
    return m


def twice_mixed() -> ConcreteModel:
    m = base_model()
    m.row = Constraint(
        expr=LinearExpression([m.x, MonomialTermExpression((m.p, m.x)), m.y]) <= 6
    )  # (1 + p) x + y ≤ 6
    return m


def constant_in_body() -> ConcreteModel:
    m = base_model()
    m.row = Constraint(expr=m.x + m.y + 1 <= 4)
    return m


def ranged_row() -> ConcreteModel:
    m = base_model()
    m.row = Constraint(expr=(1, m.x + 2 * m.y, 3))
    return m


def unused_variable() -> ConcreteModel:
    m = twice_plain()
    m.unused = Var(bounds=(5, 7))
    return m


def shared_coefficients() -> ConcreteModel:
    m = base_model()
    terms = [MonomialTermExpression((m.p, m.x)), MonomialTermExpression((m.p, m.y))]
    m.row = Constraint(expr=LinearExpression(terms) <= 5)  # p x + p y ≤ 5
    m.obj.deactivate()
    m.obj_p = Objective(expr=LinearExpression([MonomialTermExpression((m.p + 1, m.x)), m.y]))
    m.obj_p.sense = maximize
    return m


def scaled_sum_objective() -> ConcreteModel:
    """An objective written as Σ factor · LinearExpression (how the planning model writes E)."""
    m = twice_plain()
    m.obj.deactivate()
    scaled = (m.p + 1) * LinearExpression([MonomialTermExpression((m.p, m.x))])
    m.obj_s = Objective(expr=SumExpression([scaled, LinearExpression([m.y])]), sense=maximize)
    return m


CASES: dict[str, Builder] = {
    "a variable twice in a row": twice_plain,
    "a variable twice in a row of monomials": twice_mixed,
    "a constant in a body": constant_in_body,
    "a ranged row": ranged_row,
    "a variable in no row": unused_variable,
    "shared parameter coefficients": shared_coefficients,
    "an objective of scaled sums": scaled_sum_objective,
}


def appsi_optimum(m: ConcreteModel) -> tuple[float, float, float]:
    result = SolverFactory("appsi_highs").solve(m)
    assert str(result.solver.termination_condition) == "optimal"
    objective = next(o for o in m.component_data_objects(Objective, active=True))
    return value(objective), value(m.x), value(m.y)


def bridge_optimum(m: ConcreteModel) -> tuple[float, float, float]:
    parametric = [c for c in m.component_objects(Constraint, active=True)]
    bridge = HighsBridge(m, parametric_components=parametric)
    name = next(o for o in m.component_data_objects(Objective, active=True)).local_name
    bridge.set_weights({name: 1.0})
    assert bridge.solve() == "optimal"
    x, y = bridge.column_values([m.x, m.y])
    return bridge.objective(name), float(x), float(y)


@pytest.mark.parametrize("case", list(CASES))
def test_bridge_matches_pyomo_appsi(case: str) -> None:
    got = bridge_optimum(CASES[case]())
    want = appsi_optimum(CASES[case]())
    assert got == pytest.approx(want, rel=1e-9, abs=1e-9)


def test_refresh_after_a_shared_parameter_changes() -> None:
    m = shared_coefficients()
    bridge = HighsBridge(m, parametric_components=[m.row])
    bridge.set_weights({"obj_p": 1.0})
    bridge.solve()
    m.p = 4.0  # p x + p y ≤ 5 tightens; x's cost becomes 5
    bridge.refresh()
    assert bridge.solve() == "optimal"
    fresh = shared_coefficients()
    fresh.p = 4.0
    objective, x, y = appsi_optimum(fresh)
    assert bridge.objective("obj_p") == pytest.approx(objective, rel=1e-9)
    assert bridge.column_values([m.x, m.y]) == pytest.approx([x, y], abs=1e-9)


def test_variable_in_no_row_is_no_column_and_reads_zero() -> None:
    m = unused_variable()
    compiled = compile_linear(m)
    assert compiled is not None
    assert all(v is not m.unused for v in compiled.columns)
    bridge = HighsBridge(m)
    bridge.set_weights({"obj": 1.0})
    bridge.solve()
    assert bridge.column_values([m.unused, m.x])[0] == 0.0
    assert bridge.column_index.get(id(m.unused)) is None


def test_repeated_entries_are_summed_in_the_matrix() -> None:
    m = twice_mixed()
    bridge = HighsBridge(m)
    row = bridge.row_index[id(m.row)]
    dense = bridge.matrix.toarray()[row]
    x, y = bridge.column_index[id(m.x)], bridge.column_index[id(m.y)]
    assert dense[x] == 3.0 and dense[y] == 1.0  # (1 + p) with p = 2
    assert np.count_nonzero(dense) == 2


def test_costs_of_scaled_sums_follow_their_parameters() -> None:
    m = scaled_sum_objective()
    bridge = HighsBridge(m)
    x = bridge.column_index[id(m.x)]
    assert bridge.costs["obj_s"][x] == 6.0  # (p + 1) · p with p = 2
    bridge.set_weights({"obj_s": 1.0})
    bridge.solve()
    m.p = 0.5
    bridge.refresh()
    assert bridge.costs["obj_s"][x] == 0.75
    assert bridge.solve() == "optimal"
    fresh = scaled_sum_objective()
    fresh.p = 0.5
    assert bridge.objective("obj_s") == pytest.approx(appsi_optimum(fresh)[0], rel=1e-9)
