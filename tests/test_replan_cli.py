"""``planner replan`` (actuals.md): the same plan as solving with the ``actuals`` key, the relaxed rows
in words, the plan against actual with ``--against``, and ``--record`` with its ``revises`` link."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import planner
from planner.cli import main

SCENARIO: dict[str, Any] = {
    "version": 1,
    "name": "replan cli case",
    "periods": [2026, 2027, 2028],
    "budget": [10, 10, 10],
    "carry_over": False,
    "sectors": ["power", "water"],
    "tranches": [1.0],
    "regions": [{"id": "north", "name": "North"}, {"id": "south", "name": "South"}],
    "needs": [
        {"region": "north", "sector": "power", "need": 40, "benefit": 2},
        {"region": "south", "sector": "water", "need": 40, "benefit": 1},
    ],
    "projects": [
        {
            "id": "dam",
            "name": "Southern dam",
            "region": "south",
            "sector": "water",
            "cost": 4,
            "value": 30,
            "latest": 2027,
        }
    ],
}
SPENDING = "region,sector,period,amount,note\nnorth,power,2026,14,overrun\n"
STARTS = "id,start\ndam,\n"


@pytest.fixture
def case(tmp_path: Path) -> Path:
    (tmp_path / "scenario.yaml").write_text(yaml.safe_dump(SCENARIO, sort_keys=False))
    (tmp_path / "spending.csv").write_text(SPENDING)
    (tmp_path / "starts.csv").write_text(STARTS)
    return tmp_path


def replan(case: Path, *extra: str) -> list[str]:
    return [
        "replan",
        str(case / "scenario.yaml"),
        "--through",
        "2026",
        "--spending",
        str(case / "spending.csv"),
        "--starts",
        str(case / "starts.csv"),
        *extra,
    ]


def test_replan_equals_solving_with_the_actuals_key(
    case: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The dam (value 30 > what 4 of programme money earns) starts in 2026 in a fresh plan; it did
    not, so the re-plan starts it in 2027, the first period it still can."""
    assert main(replan(case, "--json")) == 0
    document = json.loads(capsys.readouterr().out)
    keyed = {
        **SCENARIO,
        "actuals": {"through": 2026, "spending": "spending.csv", "projects": "starts.csv"},
    }
    (case / "keyed.yaml").write_text(yaml.safe_dump(keyed, sort_keys=False))
    direct = planner.solve(planner.load_scenario(case / "keyed.yaml"))
    assert document["E"] == pytest.approx(direct.E)
    assert document["allocation"] == json.loads(direct.to_json())["allocation"]
    assert document["actuals"]["relaxed"] == [
        {"constraint": "budget[2026]", "from": 10.0, "to": 14.0}
    ]
    starts = {p["id"]: p["start"] for p in document["projects"]}
    assert starts == {"dam": 2027}


def test_replan_says_the_relaxed_rows_in_words(
    case: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(replan(case)) == 0
    out = capsys.readouterr().out
    assert "Locked periods: 2026" in out
    assert "2026 spent 4.0 CNY bn more than its budget" in out


def test_replan_against_a_plan_shows_plan_against_actual(
    case: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The original plan gave 2026 the dam (4) and north power 6; the record shows north power 14
    and no dam: +8 and −4 in the locked period, the dam planned 2026, not started, re-planned 2027."""
    assert main(["solve", str(case / "scenario.yaml"), "--json"]) == 0
    (case / "original.json").write_text(capsys.readouterr().out)
    assert main(replan(case, "--against", str(case / "original.json"))) == 0
    out = capsys.readouterr().out
    section = out[out.index("Plan against actual") :]
    north = next(line for line in section.splitlines() if "North power" in line).split()
    assert [float(v) for v in north[-3:]] == [6.0, 14.0, 8.0]
    south = next(line for line in section.splitlines() if "South water" in line).split()
    assert [float(v) for v in south[-3:]] == [4.0, 0.0, -4.0]
    dam = next(line for line in section.splitlines() if "Southern dam" in line)
    assert dam.split()[-4:] == ["2026", "not", "started", "2027"]
    assert "what was really spent and started accounts for" in section


def test_a_recorded_replan_revises_the_run_it_replans(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "runs.sqlite")
    assert main(["solve", str(case / "scenario.yaml"), "--record", "--db", db]) == 0
    capsys.readouterr()
    assert main(["runs", "list", "--json", "--db", db]) == 0
    original = json.loads(capsys.readouterr().out)["runs"][0]["id"]
    assert main(replan(case, "--against", f"run:{original}", "--record", "--db", db)) == 0
    capsys.readouterr()
    assert main(["runs", "list", "--json", "--db", db]) == 0
    newest = json.loads(capsys.readouterr().out)["runs"][0]["id"]
    assert main(["runs", "show", newest, "--db", db]) == 0
    assert f"revises run {original}" in capsys.readouterr().out
    assert main(["runs", "show", newest, "--json", "--db", db]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["revises"] == original and shown["parent_id"] == original


def test_a_bad_spending_file_is_refused_naming_it(
    case: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (case / "spending.csv").write_text(SPENDING + "north,power,2027,1,\n")
    assert main(replan(case)) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "spending.csv, row 3, field 'period': period 2027 is not locked" in err
