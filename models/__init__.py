"""The allocation model of ``../shared/spec/model.md`` in Pyomo: one module per constraint family.

Each family module has the same small contract: ``define_components(m)`` declares its constraints on a
model whose sets, parameters and variables :mod:`models.base` has declared, and its docstring carries the
spec's formula. :func:`build_model` assembles them in the spec's order.
"""

from __future__ import annotations

from pyomo.environ import ConcreteModel

from models import (
    actuals_locked,
    base,
    budget,
    capacity,
    corridor,
    floor,
    funding,
    funding_debt,
    funding_pay,
    funding_share,
    funding_source,
    objectives,
    project_groups,
    project_requirements,
    project_start,
    specialization,
    tranche,
)
from planner.scenario.model import Scenario

FAMILIES = (
    tranche,
    budget,
    corridor,
    specialization,
    floor,
    capacity,
    project_start,
    project_groups,
    project_requirements,
    funding_pay,
    funding_source,
    funding_share,
    funding_debt,
    objectives,
)
LOCKED_FAMILIES = (actuals_locked,)
"""actuals.md's A1–A2 (bounds on y and u), only for a scenario with a record; A3 sets parameters in
:mod:`models.actuals_relaxation`, A4 shifts the share rows in :mod:`models.actuals_shares`."""

REPORTED_CONSTRAINTS = {
    kind: kind  # each family names its constraint component after its kind
    for kind in (
        budget.KIND,
        corridor.KIND,
        floor.KIND,
        capacity.KIND,
        specialization.KIND_MIN,
        specialization.KIND_MAX,
        funding_source.KIND,
        funding_share.KIND,
        funding_debt.KIND,
    )
}
"""Constraint component → kind, for the rows every plan reports with dual and binding status."""


def build_model(scenario: Scenario) -> ConcreteModel:
    """A Pyomo model of the scenario, ready to solve (see :mod:`models.objectives` for the modes).

    A large build allocates millions of objects: callers pause the garbage collector around it
    (:func:`planner.solve.gcpause.garbage_collection_paused`), which models/ does not import.
    """
    m = ConcreteModel(name=scenario.name)
    base.define_sets(m, scenario)
    base.define_parameters(m, scenario)
    base.define_variables(m, scenario)
    funding.define_components(m, scenario)
    for family in FAMILIES:
        family.define_components(m)
    if m.with_actuals:
        for family in LOCKED_FAMILIES:
            family.define_components(m)
        actuals_locked.set_values(m, scenario)
    base.drop_build_groups(m)
    return m


PROJECT_CASH_COMPONENTS = ("budget", "corridor", "floor", "capacity")
"""Rows that read project cash, whose coefficients (cost, cost / duration) are parameters."""


def parametric_components(m: ConcreteModel) -> list[object]:
    """Constraint components whose coefficients move with the mutable parameters."""
    names = ["share_min", "share_max", *objectives.PARAMETRIC_COMPONENTS]
    if base.has_projects(m):
        names += PROJECT_CASH_COMPONENTS
    if m.with_funding:
        names += FUNDING_PARAMETRIC_COMPONENTS
    return [getattr(m, name) for name in names]


FUNDING_PARAMETRIC_COMPONENTS = ("funding_pay", "funding_share")
"""F1 reads project cash (cost / duration) and F3 the rules' shares and project costs."""


def integer_columns(m: ConcreteModel) -> list[object]:
    """The binary start variables u[p,t] (projects.md); none in a pure LP."""
    return list(m.u.values())


def parametric_columns(m: ConcreteModel) -> list[object]:
    """Variables whose bounds move between solves: carry[t] and e[f,t] (carry-over on or off), z."""
    return [*m.carry.values(), *m.e.values(), m.z]


def structure_key(scenario: Scenario) -> tuple[object, ...]:
    """Everything that decides the model's sets, columns and rows (model.md, projects.md, funding.md)."""
    return (*base.structure_key(scenario), funding.structure(scenario))


def set_parameter_values(
    m: ConcreteModel, scenario: Scenario, previous: Scenario | None = None
) -> None:
    """Copy a scenario's numbers into the model's mutable parameters (same structure_key required)."""
    base.set_parameter_values(m, scenario, previous)
    funding.set_values(m, scenario, previous)


def moved_columns(m: ConcreteModel) -> list[object]:
    """The y and u whose bounds the last parameter update moved (actuals.md A1–A2 fix them in the
    locked periods); empty without a record."""
    return list(getattr(m, "moved_columns", ()))
