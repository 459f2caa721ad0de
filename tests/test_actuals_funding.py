"""Re-planning a funded scenario (shared/spec/actuals.md A3 with shared/spec/funding.md): the locked
money is split among the sources within their rules, the sources' amounts are never relaxed, and
where they cannot pay the record the plan is infeasible and the diagnosis names the source and the
period. Hand cases whose optima are derived in their docstrings.

Every tiny scenario has one tranche (tranches: [1]), no discounting and no budget (the sources'
total is the budget), so E is Σ benefit · money, easy to add up by hand.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest
import yaml

import planner
from planner.cli import main
from planner.i18n.catalog import use_language
from planner.scenario.datasets import data_dir
from planner.scenario.files import with_actuals
from planner.scenario.model import validate_scenario
from tests.checker import check_plan, violations

BASE: dict[str, Any] = {
    "version": 1,
    "name": "funded replan hand case",
    "periods": [2026, 2027],
    "carry_over": False,
    "sectors": ["power", "water"],
    "tranches": [1.0],
    "regions": [{"id": "north"}, {"id": "south"}],
    "needs": [
        {"region": "north", "sector": "power", "need": 40, "benefit": 2},
        {"region": "south", "sector": "power", "need": 40, "benefit": 1},
    ],
}
CENTRAL = {
    "id": "central",
    "name": "Central budget",
    "name_zh": "中央预算内投资",
    "amount": [20, 20],
}
OWN = {"id": "own", "name": "Own money of North", "amount": [8, 8], "region": "north"}


def scenario(actuals: dict[str, Any], **changes: Any) -> planner.Scenario:
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(changes))
    data["actuals"] = actuals
    return validate_scenario(data)


def row(region: str, sector: str, period: int, amount: float) -> dict[str, Any]:
    return {"region": region, "sector": sector, "period": period, "amount": amount}


def paid(plan: planner.Plan, source: str, period: int | None = None) -> float:
    rows = plan.funding[plan.funding["source"] == source]
    if period is not None:
        rows = rows[rows["period"] == period]
    return float(rows["amount"].sum())


def spent(plan: planner.Plan, region: str, sector: str, period: int) -> float:
    a = plan.allocation
    return float(a[(a.region == region) & (a.sector == sector) & (a.period == period)].amount.sum())


def test_locked_money_is_split_among_two_sources_within_a_share_rule() -> None:
    """Central (20 a period) may pay at most half of north power over the horizon; north's own
    money (8 a period) pays only north. 2026 recorded 16 for north power and nothing else.

    2026: g_c + g_o = 16 with g_o ≤ 8, so g_c ≥ 8. F3 over the horizon: g_c + g_c' ≤ ½ (16 + m'),
    with m' = g_c' + g_o' north power's 2027 money and g_o' ≤ 8. At g_c = 8: g_c' ≤ ½ m', so
    m' ≤ 16 (north, benefit 2), and central's other 20 − 8 = 12 of 2027 go to south (benefit 1).
    Each unit more of central in 2026 takes 2 from north in 2027 (−4) and gives 2 to south (+2):
    the split is 8 and 8, unique. E = 2·16 + 2·16 + 1·12 = 76. Central's 12 left in 2026 lapse
    (south's 2026 is locked at 0, no carry-over), and nothing is relaxed: the sources paid the past.
    """
    s = scenario(
        {"through": 2026, "spending": [row("north", "power", 2026, 16)]},
        funding={
            "sources": [CENTRAL, OWN],
            "rules": [
                {"source": "central", "region": "north", "sector": "power", "max_share": 0.5}
            ],
        },
    )
    plan = planner.solve(s)
    assert plan.status == "optimal"
    assert paid(plan, "central", 2026) == pytest.approx(8)
    assert paid(plan, "own", 2026) == pytest.approx(8)
    assert spent(plan, "north", "power", 2027) == pytest.approx(16)
    assert spent(plan, "south", "power", 2027) == pytest.approx(12)
    assert pytest.approx(76) == plan.E
    assert plan.actuals["relaxed"] == []
    check_plan(s, plan)


def test_an_overspend_the_sources_cannot_pay_is_infeasible_and_names_the_source() -> None:
    """2026 recorded 30 for north power; the sources that may pay it hold 20 + 8 = 28 in 2026.

    Without funding A3 would raise the 2026 budget to 30; with funding the sources' amounts are not
    relaxed, so no plan holds the record: infeasible, nothing reported as relaxed. The least fix is
    2 more of a 2026 source (central or own: both may pay north power), and the diagnosis says 2026
    is past and names the source, in English and Chinese. Its proposal makes the re-plan feasible.
    """
    s = scenario(
        {"through": 2026, "spending": [row("north", "power", 2026, 30)]},
        funding={"sources": [CENTRAL, OWN]},
    )
    plan = planner.solve(s)
    assert plan.status == "infeasible"
    assert plan.actuals["relaxed"] == []
    fix = plan.diagnosis.relaxations.iloc[0]
    assert len(plan.diagnosis.relaxations) == 1
    assert fix.constraint in ("funding_source[central,2026]", "funding_source[own,2026]")
    assert fix.change == pytest.approx(2)
    source = "Central budget" if "central" in fix.constraint else "Own money of North"
    english = " ".join(plan.diagnosis.lines_in("en"))
    assert "2026 is past" in english and source in english
    chinese = " ".join(plan.diagnosis.lines_in("zh"))
    assert "2026 年已过去" in chinese
    assert ("中央预算内投资" if "central" in fix.constraint else source) in chinese
    held = "200.0 亿元" if "central" in fix.constraint else "80.0 亿元"  # 20 or 8 CNY bn
    assert f"（{held}）少 20.0 亿元" in chinese
    fixed = planner.solve(plan.diagnosis.apply(s))
    assert fixed.status == "optimal"
    check_plan(plan.diagnosis.apply(s), fixed)


def test_the_same_overspend_without_funding_relaxes_the_budget() -> None:
    """The contrast of the case above: with a budget of 28 a period and no sources, A3 raises
    B'[2026] to the 30 spent, and the re-plan is optimal."""
    s = scenario({"through": 2026, "spending": [row("north", "power", 2026, 30)]}, budget=[28, 28])
    plan = planner.solve(s)
    assert plan.status == "optimal"
    assert plan.actuals["relaxed"] == [{"constraint": "budget[2026]", "from": 28.0, "to": 30.0}]


def test_a_share_rule_that_forbids_the_record_is_named_with_the_record() -> None:
    """Central alone may fund north (no own money), and at most half of north power; 2026 recorded
    10 there. F1 and F3: Σ_t g_c = Σ_t m ≤ ½ Σ_t m, so north power can have no money at all, and
    the record gave it 10: infeasible. The least fix raises central's share of north power to 100%
    (a share is cheaper to relax than an amount), and the line says the 10 recorded in 2026.
    """
    s = scenario(
        {"through": 2026, "spending": [row("north", "power", 2026, 10)]},
        funding={
            "sources": [CENTRAL],
            "rules": [
                {"source": "central", "region": "north", "sector": "power", "max_share": 0.5}
            ],
        },
    )
    plan = planner.solve(s)
    assert plan.status == "infeasible"
    fix = plan.diagnosis.relaxations.iloc[0]
    assert fix.constraint == "funding_share[central,north,power]"
    assert fix.proposed == pytest.approx(1.0)
    assert any("10.0 CNY bn recorded there in 2026" in line for line in plan.diagnosis.lines)
    assert any("2026 年在此记录的 100.0 亿元" in line for line in plan.diagnosis.lines_in("zh"))


def test_recorded_money_no_source_may_fund_is_diagnosed_by_its_pair() -> None:
    """2026 recorded 3 for south water, but central's rule gives water a share of 0 and own money
    pays only north: no source may fund the pair, so no amount of any source pays the record. The
    diagnosis names the pair, the period and the amount (no elastic fix exists: the pair has no
    funding column to relax)."""
    s = scenario(
        {"through": 2026, "spending": [row("south", "water", 2026, 3)]},
        funding={
            "sources": [CENTRAL, OWN],
            "rules": [{"source": "central", "sector": "water", "max_share": 0}],
        },
        regions=[{"id": "north"}, {"id": "south", "name": "South", "name_zh": "南方"}],
    )
    plan = planner.solve(s)
    assert plan.status == "infeasible"
    assert "2026 is past and recorded 3.0 CNY bn for South's water" in plan.message
    assert "no source may fund it" in plan.message
    with use_language("zh"):
        assert "南方" in planner.diagnose(s).lines[0]


def test_a_source_carries_its_unused_past_money_across_the_lock_boundary() -> None:
    """Carry-over on. Central (10 a period) may pay anyone; north's own money (10 a period) only
    north. South power (benefit 2) is worth more than north power (benefit 1) here. 2026 recorded
    10 for south power and nothing for north: only central may pay south, so central pays the 10
    and own money carries its whole 10 into 2027.

    2027: central's 10 go to south (benefit 2), own money's 10 + 10 carried to north:
    E = 2·10 + 2·10 + 1·20 = 60 (without carry-over, own money would give north 10: E = 50).
    The 2026 rows of F2 are the past's: no shadow price, not binding.
    """
    funding = {
        "sources": [
            {"id": "central", "amount": [10, 10]},
            {"id": "own", "amount": [10, 10], "region": "north"},
        ]
    }
    needs = [
        {"region": "north", "sector": "power", "need": 40, "benefit": 1},
        {"region": "south", "sector": "power", "need": 40, "benefit": 2},
    ]
    record = {"through": 2026, "spending": [row("south", "power", 2026, 10)]}
    s = scenario(record, funding=funding, needs=needs, carry_over=True)
    plan = planner.solve(s)
    assert pytest.approx(60) == plan.E
    sources = plan.sources.set_index(["source", "period"])
    assert sources.loc[("own", 2026), "carried_out"] == pytest.approx(10)
    assert sources.loc[("own", 2027), "available"] == pytest.approx(20)
    assert sources.loc[("own", 2027), "used"] == pytest.approx(20)
    assert sources.loc[("central", 2026), "used"] == pytest.approx(10)
    assert math.isnan(sources.loc[("central", 2026), "dual"])
    assert not sources.loc[("central", 2026), "binding"]
    assert "funding_source[central,2026]" in plan.actuals["fixed"]
    assert "funding_source[central,2027]" not in plan.actuals["fixed"]
    check_plan(s, plan)
    assert pytest.approx(50) == planner.solve(s.with_changes(carry_over=False)).E


def test_the_least_debt_solve_reassigns_the_past_among_the_sources() -> None:
    """North power (need 20, benefit 1) only; central (5 a period, not debt) and bonds (10 a
    period, debt, north only). 2026 recorded 10 for north power: g_c + g_b = 10, g_c ≤ 5.
    2027 gives the remaining need 10 the same way. E = 20 however the record is split, and the
    least-debt solve makes central pay its 5 in both years: debt drawn 5 + 5 = 10 (15 or 20 had
    bonds paid more of the past)."""
    s = scenario(
        {"through": 2026, "spending": [row("north", "power", 2026, 10)]},
        needs=[{"region": "north", "sector": "power", "need": 20, "benefit": 1}],
        funding={
            "sources": [
                {"id": "central", "amount": [5, 5]},
                {"id": "bonds", "amount": [10, 10], "debt": True, "region": "north"},
            ]
        },
    )
    plan = planner.solve(s)
    assert pytest.approx(20) == plan.E
    assert paid(plan, "central", 2026) == pytest.approx(5)
    assert plan.debt.set_index("region").loc["north", "drawn"] == pytest.approx(10)
    check_plan(s, plan)


def test_a_later_shortfall_is_not_pinned_on_the_past_sources() -> None:
    """Carry-over on; central (10 a period) is all the money. 2026 recorded 10 for north power, all
    of central's 2026. A mandatory dam (north water, cost 16, 2027 only) needs 6 more than 2027's
    10. Raising central's 2026 amount and carrying it would fix it as well as raising 2027's, but
    2026 is past: the diagnosis raises central in 2027 and does not say the past is short."""
    s = scenario(
        {"through": 2026, "spending": [row("north", "power", 2026, 10)]},
        carry_over=True,
        funding={"sources": [{"id": "central", "amount": [10, 10]}]},
        projects=[
            {
                "id": "dam",
                "region": "north",
                "sector": "water",
                "cost": 16,
                "value": 1,
                "earliest": 2027,
                "mandatory": True,
            }
        ],
    )
    plan = planner.solve(s)
    assert plan.status == "infeasible"
    fixes = plan.diagnosis.relaxations
    assert list(fixes.constraint) == ["funding_source[central,2027]"]
    assert fixes.iloc[0].change == pytest.approx(6)
    assert not any("is past" in line for line in plan.diagnosis.lines)


def test_the_bundled_funded_scenario_takes_the_example_record() -> None:
    """western_china_funded with the illustrative 2026 record of western_china: its 2026 sources can
    pay the record (471.7 of 501.4 CNY bn, within every rule), nothing is relaxed, and the plan
    meets F1–F4 in 2026 as in the later periods."""
    folder = data_dir() / "western_china"
    s = with_actuals(
        planner.load_scenario("western_china_funded"),
        2026,
        folder / "actuals_2026_example.csv",
        folder / "project_starts_2026_example.csv",
    )
    plan = planner.solve(s)
    assert plan.status == "optimal"
    assert plan.actuals["relaxed"] == []
    assert violations(s, plan) == []
    used_2026 = plan.sources[plan.sources["period"] == 2026]["used"].sum()
    assert used_2026 == pytest.approx(spent_total(plan, 2026))


def spent_total(plan: planner.Plan, period: int) -> float:
    return float(plan.allocation[plan.allocation.period == period].amount.sum())


def test_a_live_funded_model_takes_the_next_record_in_place() -> None:
    """The next year's record (through 2027) and then the first again re-solve the live funded
    model without a rebuild, each equal to a fresh solve of its record; 2027's source rows turn
    from priced to fixed by the past and back."""
    periods = {"periods": [2026, 2027, 2028], "carry_over": True}
    funding = {"sources": [{**CENTRAL, "amount": [20, 20, 20]}, {**OWN, "amount": [8, 8, 8]}]}
    first = {"through": 2026, "spending": [row("north", "power", 2026, 16)]}
    following = {
        "through": 2027,
        "spending": [row("north", "power", 2026, 16), row("south", "power", 2027, 30)],
    }
    s = scenario(first, funding=funding, **periods)
    live = planner.PlanModel(s)
    live.solve()
    model = live.model
    for record in (following, first):
        again = live.solve(actuals=record)
        assert live.model is model
        fresh = planner.solve(s.with_changes(actuals=record))
        assert pytest.approx(fresh.E) == again.E
        assert again.actuals == fresh.actuals
        check_plan(s.with_changes(actuals=record), again)
        locked_2027 = "funding_source[central,2027]" in again.actuals["fixed"]
        assert locked_2027 == (record is following)


def test_replan_of_a_funded_scenario_says_which_source_cannot_pay_the_past(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``planner replan`` on the overspend above (30 recorded, 28 in the 2026 sources): exit 3, the
    locked period, no relaxation, and the diagnosis naming the past period's source, in English
    and Chinese."""
    data = copy.deepcopy(BASE)
    data["funding"] = {"sources": [CENTRAL, OWN]}
    (tmp_path / "scenario.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    (tmp_path / "spending.csv").write_text("region,sector,period,amount\nnorth,power,2026,30\n")
    command = ["replan", str(tmp_path / "scenario.yaml"), "--through", "2026"]
    command += ["--spending", str(tmp_path / "spending.csv")]
    assert main(command) == 3
    out = capsys.readouterr()
    said = out.out + out.err
    assert "Locked periods: 2026" in said
    assert "Nothing is relaxed, and the re-plan is infeasible all the same" in said
    assert "2026 is past, and its sources cannot pay the money it recorded" in said
    assert main([*command, "--lang", "zh"]) == 3
    out = capsys.readouterr()
    said = out.out + out.err
    assert "重新规划仍不可行" in said and "2026 年已过去" in said
