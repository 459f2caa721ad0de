"""Analyses on funded scenarios (shared/spec/funding.md): the diagnosis relaxes a source, a rule or a
debt room and names which; frontiers vary a source's amount; sweeps vary ``funding.SOURCE``."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import planner
from planner.analysis.frontier import source_frontier
from planner.cli import main
from planner.errors import ScenarioError
from planner.sweep.design import Design, parse_variation, perturbed

SCENARIO = str(Path(__file__).parent / "scenarios" / "funding_two_provinces")

BASE: dict[str, Any] = {
    "version": 1,
    "name": "funding diagnosis",
    "periods": [2026],
    "carry_over": False,
    "sectors": ["transport"],
    "tranches": [1.0],
    "regions": [{"id": "a", "min_share_of_need": 1.0}],
    "needs": [{"region": "a", "sector": "transport", "need": 100, "benefit": 1.0}],
}


COMMITTED: dict[str, Any] = {
    "regions": [{"id": "a"}],
    "projects": [
        {
            "id": "rail",
            "region": "a",
            "sector": "transport",
            "cost": 100,
            "value": 1,
            "mandatory": True,
        }
    ],
}
"""A committed project of cost 100 instead of the floor: releasing it weighs more than any fix of
the sources, while a floor (policy) would be lowered first."""


def infeasible(**changes: Any) -> planner.Scenario:
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(changes))
    return planner.validate_scenario(data)


@pytest.mark.parametrize(
    ("changes", "family", "constraint", "words"),
    [
        (  # the committed project costs 100, own money is 60: the source is 40 short
            {"funding": {"sources": [{"id": "own", "amount": 60}]}, **COMMITTED},
            "funding_source",
            "funding_source[own,2026]",
            "is 40.0 CNY bn short",
        ),
        (  # central may pay 30%, own money is 50: central must pay the other 50 (50%)
            {
                "funding": {
                    "sources": [
                        {"id": "central", "amount": 200},
                        {"id": "own", "amount": 50},
                    ],
                    "rules": [{"source": "central", "max_share": 0.3}],
                }
            },
            "funding_share",
            "funding_share[central,a,transport]",
            "may pay at most 30.0% of a's transport, but the plan needs it to pay 50.0%",
        ),
        (  # bonds 200 but a debt room of 70, own money 10: the room is 20 short
            {
                **COMMITTED,
                "regions": [{"id": "a", "debt_room": 70}],
                "funding": {
                    "sources": [
                        {"id": "bonds", "amount": 200, "debt": True},
                        {"id": "own", "amount": 10},
                    ]
                },
            },
            "funding_debt",
            "funding_debt[a]",
            "debt room (70.0 CNY bn) is 20.0 CNY bn short",
        ),
    ],
)
def test_the_diagnosis_relaxes_a_source_a_rule_or_a_debt_room(changes, family, constraint, words):
    """The floor of a (its whole need, 100), or a committed project of cost 100, needs 100 of money:
    own money 60 alone leaves 40 to find; with central capped at 30% of a's money and own money 50,
    central must pay 50 of the 100 (50%; a rule is policy, so it goes before the floor); with a debt
    room of 70 beside own money 10, the room must be 90, 20 more."""
    scenario = infeasible(**changes)
    plan = planner.solve(scenario)
    assert plan.status == "infeasible"
    table = plan.diagnosis.relaxations
    assert list(table["family"]) == [family] and list(table["constraint"]) == [constraint]
    assert any(words in line for line in plan.diagnosis.lines), plan.diagnosis.lines
    fixed = plan.diagnosis.apply(scenario)
    assert planner.solve(fixed).status == "optimal"


def test_a_source_frontier_never_loses_benefit_as_the_amount_grows():
    table = source_frontier(SCENARIO, "central", [0, 20, 40, 60])
    assert list(table["amount"]) == [0, 20, 40, 60]
    values = list(table["E"])
    assert all(b >= a - 1e-6 * max(1.0, a) for a, b in zip(values, values[1:], strict=False))
    assert values[0] < values[-1]


def test_the_frontier_command_takes_a_source(capsys):
    assert main(["frontier", SCENARIO, "--source", "central", "0:40:20"]) == 0
    out = capsys.readouterr().out
    assert "amount of Central budget investment over the horizon" in out


def test_a_frontier_of_an_unknown_source_is_refused():
    with pytest.raises(ScenarioError, match="unknown source"):
        source_frontier(SCENARIO, "ghost", [1.0])


def test_a_sweep_varies_a_source_amount():
    scenario = planner.load_scenario(SCENARIO)
    variation = parse_variation("funding.central=±20%")
    design = Design.resolve(scenario, [variation])
    sample = perturbed(scenario.model_dump(), design, [np.array([1.2])])
    assert sample.source_amounts()["central"] == pytest.approx([24.0, 24.0])
    assert sample.source_amounts()["bonds"] == scenario.source_amounts()["bonds"]
    with pytest.raises(ScenarioError, match="unknown source 'ghost'"):
        Design.resolve(scenario, [parse_variation("funding.ghost=±20%")])


def test_a_criterion_weight_parses_as_a_sweep_target():
    """``criteria.NAME`` (and ``funding.SOURCE``) are scalar targets, not keys of TARGETS: parsing
    one used to raise a KeyError."""
    assert parse_variation("criteria.ecology=±20%").target == "criteria.ecology"


def test_attribution_takes_the_sources_as_one_group_of_changes():
    """Central cut from 40 to 20 and north's debt room from 15 to 5, with the tolerance changed
    too: the funding changes form one group, and the groups' parts add up to the change of E."""
    a = planner.load_scenario(SCENARIO)
    data = {
        **dict(a),
        "regions": [
            r.model_copy(update={"debt_room": 5.0}) if r.id == "north" else r for r in a.regions
        ],
    }
    b = planner.validate_scenario(data).with_changes(
        funding={"central": 20.0}, redundancy_tolerance=0.1
    )
    result = planner.attribute(a, b)
    assert result.groups == ["redundancy_tolerance", "funding"]
    assert result.values["E"].sum() == pytest.approx(result.change["E"], abs=1e-6)
    assert result.values.loc["funding", "E"] < 0
