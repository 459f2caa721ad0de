"""The LP that models/ builds and the bridge hands to HiGHS, pinned for small synthetic scenarios.

Speed work on the build (models/) or the hand-over (planner/solve) must not change the LP: not its
numbers, and not its order either, since row and column order change HiGHS's path (docs/performance.md).
Each case's LP is read back from HiGHS (rows and columns by Pyomo name, in HiGHS's order, bounds,
matrix entries, both objectives' costs) and its SHA-256 compared with the digest of the LP built
before the speed work of issue 27. A change to the formulation that is meant must update the digest,
saying so in its commit.

The same LP is also compiled by Pyomo's own ``LinearStandardFormCompiler`` from the same model, and
the two must agree entry for entry (Pyomo may number the columns in another order): that part holds
for any formulation and checks the bridge's compiler, which the digest alone could not tell apart
from a change in models/.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from planner.scenario.synthetic import synthetic_projects, synthetic_scenario
from planner.solve.plan_model import PlanModel

CASES = {
    "programme only, 12 x 4 x 5": (
        lambda: synthetic_scenario(12, 4, 5, seed=0),
        "0c4de4dbfddb48c16cfe7a28b666cc1b0b672b279b618f70ba17334c7e6841bb",
    ),
    "with 20 projects, 8 x 3 x 4": (
        lambda: synthetic_projects(synthetic_scenario(8, 3, 4, seed=1), n_projects=20, seed=2),
        "7a8fcec841aa112ba81e2f7a72d03b911c51452512889c503f2acfe2d5780f22",
    ),
}


def highs_lp(live: PlanModel) -> dict[str, object]:
    """The LP in HiGHS, by name and in order, numbers to 12 significant digits."""
    bridge = live.bridge
    matrix = bridge.matrix.tocoo()
    entries = sorted(
        zip(matrix.row.tolist(), matrix.col.tolist(), matrix.data.tolist(), strict=True)
    )

    def numbers(values: object) -> list[str]:
        return [f"{v:.12g}" for v in np.asarray(values, dtype=float)]

    return {
        "columns": [c.name for c in bridge.columns],
        "rows": [(r.constraint.name, r.sense) for r in bridge.rows],
        "column_bounds": [numbers(bridge.col_lower), numbers(bridge.col_upper)],
        "row_bounds": [numbers(bridge.row_lower), numbers(bridge.row_upper)],
        "entries": [(i, j, f"{v:.12g}") for i, j, v in entries],
        "costs": {name: numbers(c) for name, c in sorted(bridge.costs.items())},
    }


def digest(lp: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(lp, sort_keys=True).encode()).hexdigest()


@pytest.fixture(scope="module", params=list(CASES))
def case(request: pytest.FixtureRequest) -> tuple[PlanModel, str]:
    make, pinned = CASES[request.param]
    return PlanModel(make()), pinned


def test_lp_is_the_one_pinned(case: tuple[PlanModel, str]) -> None:
    live, pinned = case
    assert digest(highs_lp(live)) == pinned


def test_bridge_compiles_as_pyomo_does(case: tuple[PlanModel, str]) -> None:
    live, _pinned = case
    bridge = live.bridge
    pyomo = LinearStandardFormCompiler().write(live.model, mixed_form=True, set_sense=None)
    # the same rows in the same order; the same columns, which Pyomo may number in another order
    assert [(c.name, s) for c, s in pyomo.rows] == [
        (r.constraint.name, r.sense) for r in bridge.rows
    ]
    ours = {c.name: j for j, c in enumerate(bridge.columns)}
    assert sorted(ours) == sorted(c.name for c in pyomo.columns)
    order = [ours[c.name] for c in pyomo.columns]
    np.testing.assert_allclose(bridge.matrix.toarray()[:, order], pyomo.A.toarray(), rtol=1e-12)
    senses = np.array([s for _c, s in pyomo.rows])
    rhs = np.where(senses < 0, bridge.row_lower, bridge.row_upper)
    np.testing.assert_allclose(rhs, pyomo.rhs, rtol=1e-12)
    costs = pyomo.c.toarray()
    for i, objective in enumerate(pyomo.objectives):
        np.testing.assert_allclose(bridge.costs[objective.local_name][order], costs[i], rtol=1e-12)
