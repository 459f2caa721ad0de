"""Near-optimal alternatives (issue 15): ranges derived by hand, every alternative a valid plan that
reaches the slack, the caller's model untouched, and the CLI's exit codes and JSON document."""

from __future__ import annotations

import json

import pytest
from checker import violations
from conftest import make, tiny

import planner
from planner.analysis.alternatives import alternatives
from planner.analysis.near_optimal import NearOptimalSet
from planner.cli import main

REL = 1e-6


def hand_case() -> planner.Scenario:
    """Two regions, one sector, one period, one tranche, no discount, budget 10.

    r1: need 10, benefit 3; r2: need 10, benefit 1, floor 5 % of its need (0.5).
    E = 3·x1 + x2 with x1 + x2 ≤ 10, x2 ≥ 0.5, 0 ≤ x ≤ 10.
    Optimum: x1 = 9.5, x2 = 0.5, E* = 29 (unique: every unit moved to r2 loses 2).
    Slack 0.1 adds E ≥ 26.1. With the budget spent (x2 = 10 − x1), E = 2·x1 + 10 ≥ 26.1 gives
    x1 ≥ 8.05 and so x2 ≤ 1.95; leaving money unspent only lowers E. Hence
    r1 ∈ [8.05, 9.5] and r2 ∈ [0.5, 1.95].
    """
    return tiny(
        [("r1", "a", 10, 3), ("r2", "a", 10, 1)],
        [{"id": "r1"}, {"id": "r2", "min_share_of_need": 0.05}],
        budget=10,
    )


def test_hand_case_ranges_equal_the_values_derived_by_hand():
    found = alternatives(hand_case(), slack=0.1, count=2)
    assert found.optimum == pytest.approx(29.0)
    rows = found.ranges.set_index("region")
    assert rows.loc["r1", ["min", "max", "optimal"]].tolist() == pytest.approx([8.05, 9.5, 9.5])
    assert rows.loc["r2", ["min", "max", "optimal"]].tolist() == pytest.approx([0.5, 1.95, 0.5])
    assert rows["sector"].isna().all()


def test_slack_zero_collapses_ranges_where_the_optimum_is_unique():
    """The hand case's optimum is unique (see :func:`hand_case`): with no slack each range is the
    optimal amount, per region and per pair, and no alternative exists."""
    found = alternatives(hand_case(), slack=0.0, count=3, by="pair")
    assert found.ranges["min"].tolist() == pytest.approx(found.ranges["optimal"].tolist(), abs=1e-6)
    assert found.ranges["max"].tolist() == pytest.approx(found.ranges["optimal"].tolist(), abs=1e-6)
    assert found.plans == []


@pytest.mark.parametrize("mode", ["efficiency", "equity", "balanced"])
def test_every_alternative_keeps_the_rules_and_reaches_the_slack(mode):
    slack = 0.05
    found = alternatives("western_china", slack=slack, count=4, mode=mode, by="sector")
    assert found.status == "optimal"
    assert len(found.plans) >= 2
    floor = (1 - slack) * found.optimum
    for plan in found.plans:
        assert plan.is_optimal
        assert violations(plan.scenario, plan) == []
        assert plan.objective >= floor - REL * max(1.0, abs(floor))
    # every alternative differs from the optimum and from the others
    summary = found.summary()
    assert (summary["distance_to_optimal"] > 1e-4).all()
    assert (summary["least_distance_to_others"] > 1e-4).all()
    ranges = found.ranges
    assert (ranges["min"] <= ranges["optimal"]).all()
    assert (ranges["optimal"] <= ranges["max"]).all()
    assert set(ranges.loc[ranges["region"].isna(), "sector"]) == set(found.optimal.scenario.sectors)


def test_ranges_hold_every_alternatives_amounts():
    """Each alternative is in the near-optimal set, so its regions' money lies inside the ranges."""
    found = alternatives("western_china", slack=0.05, count=3)
    ranges = found.ranges.set_index("region")
    for plan in found.plans:
        money = plan.allocation.groupby("region")["amount"].sum()
        for region, amount in money.items():
            assert ranges.loc[region, "min"] - 1e-6 <= amount <= ranges.loc[region, "max"] + 1e-6


def test_funded_pairs_are_sorted_into_always_never_and_moving():
    found = alternatives("western_china", slack=0.1, count=3, budget=1200)
    money = [
        p.allocation.groupby(["region", "sector"])["amount"].sum()
        for p in [found.optimal, *found.plans]
    ]
    for pair in found.always_funded:
        assert all(m.get(pair, 0.0) > 1e-6 for m in money)
    for pair in found.never_funded:
        assert not any(m.get(pair, 0.0) > 1e-6 for m in money)
    for pair in found.moving:
        assert len({m.get(pair, 0.0) > 1e-6 for m in money}) == 2
    needs = [(n.region, n.sector) for n in found.optimal.scenario.needs if n.need > 0]
    assert len(found.always_funded) + len(found.never_funded) + len(found.moving) == len(needs)


def test_the_callers_live_model_is_unchanged():
    live = planner.PlanModel(planner.load_scenario("western_china"))
    for mode in ("equity", "efficiency"):
        before = live.solve(mode=mode)
        rows = live.bridge.highs.getNumRow()
        with NearOptimalSet(live, before, 0.2) as near:
            near.extreme(near.indicator(near.group_columns(lambda r, s, t: r)["sichuan"]), True)
        assert live.bridge.highs.getNumRow() == rows
        after = live.solve()
        assert after.objective == pytest.approx(before.objective, rel=1e-9)


@pytest.mark.parametrize(
    ("args", "lines"),
    [
        (["--slack", "-0.1"], 1),
        (["--slack", "1"], 1),
        (["--slack", "lots"], 1),
        (["--count", "0"], 1),
        (["--count", "51"], 1),
        (["--by", "province"], 1),
        (["--slack", "nan", "--count", "x", "--by", "z"], 3),
    ],
)
def test_bad_arguments_exit_2_with_one_line_each(args, lines, capsys):
    assert main(["alternatives", *args]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == lines and all(line.startswith("error: --") for line in err)
    assert captured.out == ""


def test_infeasible_scenario_exits_3_with_the_diagnosis(tmp_path, capsys):
    scenario = make(
        regions=[{"id": "r1", "min_share_of_need": 0.9}, {"id": "r2", "min_share_of_need": 0.9}]
    )
    folder = planner.save_scenario(scenario, tmp_path / "bad")
    assert main(["alternatives", str(folder)]) == 3
    captured = capsys.readouterr()
    assert "infeasible" in captured.err and captured.out == ""


def test_json_document_has_exactly_the_issues_keys(tmp_path, capsys):
    folder = planner.save_scenario(hand_case(), tmp_path / "hand")
    out = tmp_path / "alternatives.json"
    assert main(["alternatives", str(folder), "--slack", "0.1", "--json", "--out", str(out)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert json.loads(out.read_text()) == document
    assert list(document) == [
        "mode",
        "slack",
        "optimum",
        "ranges",
        "alternatives",
        "projects",
        "always_funded",
        "never_funded",
    ]
    assert document["mode"] == "efficiency" and document["slack"] == 0.1
    assert set(document["ranges"][0]) == {"region", "sector", "min", "max", "optimal"}
    for record in document["alternatives"]:
        assert set(record) == {
            "label",
            "objective",
            "E",
            "min_coverage",
            "allocation",
            "distance_to_optimal",
            "projects",
        }
        assert set(record["allocation"][0]) == {"region", "sector", "period", "amount"}
        assert record["objective"] >= 0.9 * 29 - 1e-6
    assert document["always_funded"] == [
        {"region": "r1", "sector": "a"},
        {"region": "r2", "sector": "a"},
    ]


def test_reports_carry_an_alternatives_sheet_section_and_key(tmp_path):
    import openpyxl

    found = alternatives(hand_case(), slack=0.1, count=2)
    xlsx = planner.export(found.optimal, tmp_path / "p.xlsx", alternatives=found)
    sheet = openpyxl.load_workbook(xlsx)["Alternatives"]
    assert [c.value for c in sheet[2]][:5] == [
        "Region id",
        "Sector",
        "Least (CNY bn)",
        "Most (CNY bn)",
        "Optimal plan (CNY bn)",
    ]
    assert [sheet.cell(3, j).value for j in (1, 3, 4, 5)] == pytest.approx(["r1", 8.05, 9.5, 9.5])
    html = planner.export(found.optimal, tmp_path / "p.html", alternatives=found).read_text()
    assert "Near-optimal alternatives" in html
    document = json.loads(
        planner.export(found.optimal, tmp_path / "p.json", alternatives=found).read_text()
    )
    assert document["alternatives"] == json.loads(json.dumps(found.to_dict()))
    plain = planner.export(found.optimal, tmp_path / "q.xlsx")
    assert "Alternatives" not in openpyxl.load_workbook(plain).sheetnames


def test_report_verb_adds_alternatives(tmp_path, capsys):
    folder = planner.save_scenario(hand_case(), tmp_path / "hand")
    out = tmp_path / "r.json"
    assert main(["report", str(folder), "--alternatives", "--out", str(out)]) == 0
    assert json.loads(out.read_text())["alternatives"]["optimum"] == pytest.approx(29.0)


def test_progress_is_reported_per_stage_and_can_stop_the_run():
    """Four stages (the optimum, the ranges, the alternatives, the projects' labels); an exception
    raised by the callback stops the run there (the app's Cancel)."""
    seen: list[tuple[int, int]] = []
    alternatives(hand_case(), slack=0.05, count=1, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]

    class Stop(Exception):
        pass

    def stop_after_ranges(done: int, total: int) -> None:
        if done == 2:
            raise Stop

    with pytest.raises(Stop):
        alternatives(hand_case(), slack=0.05, count=1, progress=stop_after_ranges)


def test_out_writes_the_format_its_suffix_names(tmp_path, capsys):
    """Issue 33: ``--out alts.xlsx`` wrote JSON into a file named .xlsx. The suffix picks the format
    as ``report`` does: .json the document, .xlsx a workbook (a zip), anything else exit 2 before
    any solve."""
    folder = planner.save_scenario(hand_case(), tmp_path / "hand")
    book = tmp_path / "alts.xlsx"
    assert main(["alternatives", str(folder), "--slack", "0.1", "--out", str(book)]) == 0
    assert book.read_bytes()[:2] == b"PK"  # an xlsx is a zip, not a JSON document
    from openpyxl import load_workbook

    assert "Summary" in load_workbook(book).sheetnames
    capsys.readouterr()
    assert main(["alternatives", str(folder), "--out", str(tmp_path / "alts.txt")]) == 2
    err = capsys.readouterr().err
    assert "alts.txt" in err and ".json" in err and "Traceback" not in err
    assert not (tmp_path / "alts.txt").exists()
