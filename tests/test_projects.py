"""Candidate projects (shared/spec/projects.md): hand-derived optima, each new family binding, input errors."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

import planner
from planner.cli import main
from planner.errors import ScenarioError
from tests.checker import violations

PORTS: dict[str, Any] = {
    "version": 1,
    "name": "two ports",
    "periods": [2026, 2027],
    "budget": [10, 10],
    "carry_over": False,
    "sectors": ["transport"],
    "tranches": [1.0],
    "regions": [{"id": "a"}, {"id": "b"}],
    "needs": [
        {"region": "a", "sector": "transport", "need": 10, "benefit": 1.0},
        {"region": "b", "sector": "transport", "need": 10, "benefit": 0.5},
    ],
    "projects": [
        {
            "id": "port_a",
            "region": "a",
            "sector": "transport",
            "cost": 6,
            "value": 12,
            "group": "port",
        },
        {
            "id": "port_b",
            "region": "b",
            "sector": "transport",
            "cost": 6,
            "duration": 2,
            "value": 10,
            "group": "port",
        },
        {
            "id": "rail_b",
            "region": "b",
            "sector": "transport",
            "cost": 4,
            "value": 9,
            "requires": "port_b",
        },
    ],
    "project_groups": {"port": {"max": 1}},
}


def ports(**changes: Any) -> planner.Scenario:
    data = copy.deepcopy(PORTS)
    data.update(copy.deepcopy(changes))
    return planner.validate_scenario(data)


def funded(plan: planner.Plan) -> set[str]:
    return set(plan.projects.loc[plan.projects["funded"], "id"])


def test_hand_case_alternatives_and_a_requirement_decide():
    """Budget 10 a period, no carry-over; programme money is worth 1.0 in a, 0.5 in b (need 10 each).

    Projects: port_a (6 in one period, value 12) and port_b (3 + 3 over two periods, value 10) are
    alternatives (group max 1); rail_b (4, value 9) requires port_b.

    - port_b + rail_b: value 19; they take 10 of the 20, the other 10 go to a at 1.0: E = 29.
    - port_a alone: value 12; 14 of programme money: a 10 × 1.0 + b 4 × 0.5 = 12: E = 24.
    - no project: a 10 × 1.0 + b 10 × 0.5 = 15.
    So E* = 29 with port_b and rail_b. Without the group all three fit (2026: 6 + 3, 2027: 3 + 4,
    4 left for a): E = 31 + 4 = 35. Without the requirement port_a + rail_b (value 21, money 10,
    a gets the other 10) beats it: E = 31.
    """
    plan = planner.solve(ports())
    assert plan.status == "optimal" and plan.gap is not None and plan.gap <= 1e-4
    assert pytest.approx(29.0) == plan.E
    assert funded(plan) == {"port_b", "rail_b"}
    cash = plan.project_cash.groupby("id")["amount"].sum().to_dict()
    assert cash == pytest.approx({"port_b": 6.0, "rail_b": 4.0})

    no_group = ports(project_groups={"port": {"max": 2}})
    assert pytest.approx(35.0) == planner.solve(no_group).E

    projects = copy.deepcopy(PORTS["projects"])
    projects[2]["requires"] = ""
    free_rail = planner.solve(ports(projects=projects))
    assert pytest.approx(31.0) == free_rail.E
    assert funded(free_rail) == {"port_a", "rail_b"}


def test_allocation_is_all_money_of_the_pair():
    """b's allocation is port_b's 3 + 3, rail_b's 4 and no programme money: 10 in all."""
    plan = planner.solve(ports())
    by_region = plan.allocation.groupby("region")["amount"].sum()
    assert by_region["b"] == pytest.approx(10.0)
    assert by_region["a"] == pytest.approx(10.0)
    assert plan.allocated_total == pytest.approx(20.0)


def test_mandatory_forces_a_worse_alternative():
    """port_a mandatory: the group then shuts out port_b, and rail_b with it: E = 24 (above)."""
    projects = copy.deepcopy(PORTS["projects"])
    projects[0]["mandatory"] = True
    plan = planner.solve(ports(projects=projects))
    assert pytest.approx(24.0) == plan.E
    assert funded(plan) == {"port_a"}


def test_requirement_sets_the_order_of_starts():
    """port_b may start only in 2026 (two periods); rail_b's earliest start 2027 then binds nothing,
    but with port_b's earliest 2027 no start fits and rail_b cannot be funded either: E = 24."""
    projects = copy.deepcopy(PORTS["projects"])
    projects[1].update(duration=1, earliest=2027)
    projects[2].update(latest=2026)
    plan = planner.solve(ports(projects=projects))
    # rail_b must start in 2026, port_b no earlier than 2027: rail_b cannot start after port_b
    assert "rail_b" not in funded(plan)


def test_start_window_and_discount_choose_the_period():
    """Discount 10%: value counts d = 1.1**-i at the start. Project p (cost 1, value 11, in a).

    Early (2026): 2026 has 9 of programme money, 2027 has 10; a (1.0, need 10) takes the 9 of 2026
    and 1 of 2027, b (0.5) the other 9 of 2027: 9 + 1/1.1 + 4.5/1.1 = 14, plus 11: E = 25.
    Held to 2027 by `earliest`: a takes 2026's 10, b 9 of 2027: 10 + 4.5/1.1, plus 11/1.1 = 10:
    E = 24 + 1/11 = 24.0909…"""
    scenario = ports(
        discount_rate=0.1,
        projects=[{"id": "p", "region": "a", "sector": "transport", "cost": 1, "value": 11}],
        project_groups={},
    )
    early = planner.solve(scenario)
    assert early.projects.loc[0, "start"] == 2026
    late = planner.solve(
        scenario.model_copy(
            update={"projects": [scenario.projects[0].model_copy(update={"earliest": 2027})]}
        )
    )
    assert late.projects.loc[0, "start"] == 2027
    assert pytest.approx(25.0) == early.E
    assert pytest.approx(24 + 1 / 11) == late.E


def test_projects_count_against_corridor_caps():
    """A corridor of a and b with a shared transport need of 8: port_b + rail_b (10) no longer fit;
    port_a (6) plus 2 of programme money does: value 12 + 2 × 1.0, and b's programme money is in the
    corridor too, so E = 14."""
    plan = planner.solve(
        ports(corridors={"ab": {"regions": ["a", "b"], "shared_need": {"transport": 8}}})
    )
    assert funded(plan) == {"port_a"}
    assert pytest.approx(14.0) == plan.E


def test_balanced_at_equity_weight_one_reports_the_weighted_value():
    """Budget 8 a period (16 for needs of 10 in a and in b): no plan covers a region beyond 16/20,
    so z* = 0.8, reached only with 8 of money in each region. Among those plans, E is largest with
    port_b (3 + 3, value 10) and 2 of programme money in b (2 × 0.5) and 8 in a: E = 19 (port_a and
    8 in a, 8 of programme money in b: 12 + 2 + 4 = 18). E* = 25 (port_b, rail_b and 6 in a).

    Balanced at λ = 1 maximizes (1 − λ) · E / E* + λ · z / z* = z / z*: the optimum is 1.0, and that
    is the reported objective (model.md), while the plan is the one above with E = 19 (issue 32:
    the objective came back as its E). At λ = 0 the same mode is efficiency's plan, objective 1.0."""
    scenario = ports(budget=[8, 8])
    plan = planner.solve(scenario, mode="balanced", equity_weight=1.0)
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(1.0, abs=1e-6)
    assert plan.min_coverage == pytest.approx(0.8, abs=1e-6)
    assert pytest.approx(19.0, abs=1e-5) == plan.E
    assert funded(plan) == {"port_b"}
    assert (plan.E_star, plan.z_star) == pytest.approx((25.0, 0.8))
    efficient = planner.solve(scenario, mode="balanced", equity_weight=0.0)
    assert efficient.objective == pytest.approx(1.0) and pytest.approx(25.0) == efficient.E


def test_a_scenario_without_projects_stays_a_pure_lp():
    live = planner.PlanModel(planner.load_scenario("china_national"))
    assert live.bridge.integer_columns.size == 0
    plan = live.solve()
    assert plan.gap == 0.0 and plan.projects.empty
    assert len(live.bridge.columns) == len(live.model.y_list) + len(live.model.T) + 1  # y, c, z


def test_re_solve_after_a_cost_change_equals_a_fresh_build():
    live = planner.PlanModel(ports())
    live.solve()
    projects = copy.deepcopy(PORTS["projects"])
    projects[1]["cost"] = 12  # port_b now fills b's 2 periods with 6 each: port_a wins
    changed = ports(projects=projects)
    live.update(changed)
    resolved, fresh = live.solve(), planner.solve(changed)
    assert pytest.approx(fresh.E) == resolved.E
    assert funded(resolved) == funded(fresh)


def test_shadow_prices_come_from_the_lp_with_starts_fixed():
    """With port_b and rail_b fixed, one more unit of budget in a period goes to a at 1.0 while a
    has need left (a gets 10 of 10 here, so b's programme money at 0.5 is next)."""
    plan = planner.solve(ports())
    duals = plan.constraints.set_index("name")["dual"]
    assert duals["budget[2026]"] == pytest.approx(0.5)
    assert not violations(plan.scenario, plan)


def test_json_carries_projects_and_gap(capsys, tmp_path):
    folder = tmp_path / "ports"
    planner.save_scenario(ports(), folder)
    assert (folder / "projects.csv").is_file()
    assert planner.load_scenario(folder) == ports()
    assert main(["solve", str(folder), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["gap"] == pytest.approx(0.0, abs=1e-4)
    records = {r["id"]: r for r in document["projects"]}
    assert records["port_b"]["funded"] and records["port_b"]["start"] == 2026
    assert records["port_b"]["cash"] == {"2026": 3.0, "2027": 3.0}
    assert not records["port_a"]["funded"] and records["port_a"]["cash"] == {}


# ---- every input error of the spec, naming file, row and field ----

HEADER = "id,name,region,sector,cost,duration,earliest,latest,value,mandatory,group,requires\n"
GOOD_ROWS = [
    "port_a,Port A,a,transport,6,1,,,12,,port,",
    "port_b,Port B,b,transport,6,2,,,10,,port,",
    "rail_b,Rail B,b,transport,4,1,,,9,,,port_b",
]


def _load_with_rows(tmp_path: Path, rows: list[str], groups: str = "port: {max: 1}") -> None:
    data = {k: v for k, v in PORTS.items() if k not in ("projects", "project_groups")}
    import yaml

    text = yaml.safe_dump(data) + f"projects: projects.csv\nproject_groups: {{{groups}}}\n"
    (tmp_path / "scenario.yaml").write_text(text)
    (tmp_path / "projects.csv").write_text(HEADER + "\n".join(rows) + "\n")
    planner.load_scenario(tmp_path)


@pytest.mark.parametrize(
    ("row", "line", "field", "words"),
    [
        (2, 5, "id", "duplicate project id 'port_a'"),
        ("region", 2, "region", "unknown region 'nowhere'"),
        ("sector", 2, "sector", "unknown sector 'air'"),
        ("group", 2, "group", "unknown group 'hub'"),
        ("requires", 4, "requires", "unknown required project 'ghost'"),
        ("self", 4, "requires", "requires itself"),
        ("cost", 2, "cost", "greater than 0"),
        ("value", 2, "value", "greater than or equal to 0"),
        ("duration", 2, "duration", "integer"),
        ("earliest", 2, "earliest", "not a period label"),
        ("order", 2, "latest", "comes before earliest"),
        ("window", 3, "duration", "empty start window"),
    ],
)
def test_each_project_input_error_names_file_row_and_field(tmp_path, row, line, field, words):
    rows = list(GOOD_ROWS)
    edits = {
        2: lambda: rows.append("port_a,Again,a,transport,1,1,,,1,,,"),
        "region": lambda: rows.__setitem__(0, rows[0].replace(",a,", ",nowhere,")),
        "sector": lambda: rows.__setitem__(0, rows[0].replace("transport", "air")),
        "group": lambda: rows.__setitem__(0, rows[0].replace(",port,", ",hub,")),
        "requires": lambda: rows.__setitem__(2, rows[2].replace("port_b", "ghost")),
        "self": lambda: rows.__setitem__(2, rows[2][: rows[2].rindex(",")] + ",rail_b"),
        "cost": lambda: rows.__setitem__(0, rows[0].replace(",6,1,", ",0,1,")),
        "value": lambda: rows.__setitem__(0, rows[0].replace(",12,", ",-1,")),
        "duration": lambda: rows.__setitem__(0, rows[0].replace(",6,1,", ",6,1.5,")),
        "earliest": lambda: rows.__setitem__(0, rows[0].replace(",6,1,,", ",6,1,2031,")),
        "order": lambda: rows.__setitem__(0, rows[0].replace(",6,1,,,", ",6,1,2027,2026,")),
        "window": lambda: rows.__setitem__(1, rows[1].replace(",6,2,,", ",6,2,2027,")),
    }
    edits[row]()
    with pytest.raises(ScenarioError) as caught:
        _load_with_rows(tmp_path, rows)
    lines = [str(p) for p in caught.value.problems]
    assert any(
        f"projects.csv, row {line}, field '{field}'" in text and words in text for text in lines
    ), lines


def test_a_cycle_of_requirements_is_an_input_error(tmp_path):
    rows = [GOOD_ROWS[0], GOOD_ROWS[1].replace(",port,", ",port,rail_b"), GOOD_ROWS[2]]
    with pytest.raises(ScenarioError, match="cycle of requirements"):
        _load_with_rows(tmp_path, rows)


@pytest.mark.parametrize(
    ("groups", "words"), [("port: {max: 1.5}", "integer"), ("port: {max: -1}", "greater than")]
)
def test_a_group_max_must_be_a_whole_number_at_least_zero(tmp_path, groups, words):
    with pytest.raises(ScenarioError, match=words):
        _load_with_rows(tmp_path, GOOD_ROWS, groups)


def test_a_mandatory_project_in_a_closed_group_is_an_input_error(tmp_path):
    rows = [GOOD_ROWS[0].replace(",12,,", ",12,true,"), *GOOD_ROWS[1:]]
    with pytest.raises(ScenarioError) as caught:
        _load_with_rows(tmp_path, rows, "port: {max: 0}")
    assert "row 2, field 'mandatory'" in str(caught.value.problems[0])


def test_the_cli_exits_2_on_a_bad_project(tmp_path, capsys):
    rows = [GOOD_ROWS[0].replace(",a,", ",nowhere,"), *GOOD_ROWS[1:]]
    with pytest.raises(ScenarioError):
        _load_with_rows(tmp_path, rows)
    assert main(["solve", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "projects.csv, row 2, field 'region'" in err and "Traceback" not in err


def test_schema_lists_projects():
    schema = planner.Scenario.model_json_schema()
    assert {"projects", "project_groups", "mip_gap"} <= set(schema["properties"])


# ---- diagnosis: which projects, groups and limits conflict, and the least change (item 4) ----


def _diagnosed(scenario: planner.Scenario) -> planner.Diagnosis:
    plan = planner.solve(scenario)
    assert plan.status == "infeasible"
    diagnosis = plan.diagnosis
    fixed = planner.solve(diagnosis.apply(scenario))
    assert fixed.status == "optimal", diagnosis.lines  # the proposed change makes it feasible
    return diagnosis


def test_committed_projects_beyond_the_budget_ask_for_budget_first():
    """port_a (6) and rail_b (4, with port_b's 3 in 2026) all committed in 2026 but the budget of
    2026 is 5, port_b and port_a allowed together: 13 in 2026 against 5, so the least fix raises the
    2026 budget by 8 (money is offered before releasing a committed project)."""
    projects = copy.deepcopy(PORTS["projects"])
    for p in projects:
        p.update(mandatory=True, earliest=2026, latest=2026)
    scenario = ports(budget=[5, 10], projects=projects, project_groups={"port": {"max": 2}})
    diagnosis = _diagnosed(scenario)
    table = diagnosis.relaxations.set_index("constraint")
    assert table.loc["budget[2026]", "change"] == pytest.approx(8.0)


def test_a_group_too_small_for_its_committed_members_is_named():
    projects = copy.deepcopy(PORTS["projects"])
    projects[0]["mandatory"] = projects[1]["mandatory"] = True
    diagnosis = _diagnosed(ports(projects=projects))
    row = diagnosis.relaxations.iloc[0]
    assert row["family"] == "project_group" and row["proposed"] == 2
    assert any("project group port allows 1" in line for line in diagnosis.lines)


def test_a_requirement_that_cannot_start_in_time_releases_the_project_that_asks():
    """rail_b is committed for 2026 but requires port_b, which may start only in 2027 (one
    period): rail_b cannot start after its requirement, so it is released."""
    projects = copy.deepcopy(PORTS["projects"])
    projects[1].update(duration=1, earliest=2027)
    projects[2].update(mandatory=True, latest=2026)
    diagnosis = _diagnosed(ports(projects=projects))
    assert diagnosis.relaxations["family"].tolist() == ["mandatory"]
    assert "rail_b" in diagnosis.lines[0]


def test_projects_requiring_a_dropped_project_go_with_it():
    from planner.scenario.projects import projects_within

    scenario = ports()
    kept = projects_within(scenario.projects, {"a"}, {"transport"})
    assert [p.id for p in kept] == ["port_a"]  # port_b's region is gone, and rail_b needs it
    assert projects_within(scenario.projects, {"a", "b"}, {"transport"}) == scenario.projects
