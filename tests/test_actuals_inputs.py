"""Every input error of actuals.md is refused at the edge: exit 2, nothing on stdout, one line per
problem naming the file, row and field, never a traceback.

Each case writes a scenario whose ``actuals`` key points at ``spending.csv`` and ``starts.csv``
beside it (the spec's CSV form), wrong in one way; one case gives the tables inline instead, so the
row is the item of the YAML list.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from planner.cli import main
from planner.errors import ExitCode

LINE = re.compile(r"^error: (?P<file>[^,:]+)(, row \d+)?(, field '[^']+')?: \S.*$")

SCENARIO: dict[str, Any] = {
    "version": 1,
    "name": "actuals input case",
    "periods": [2026, 2027, 2028],
    "budget": 90,
    "sectors": ["power", "water"],
    "regions": [{"id": "north"}, {"id": "south"}],
    "needs": [
        {"region": "north", "sector": "power", "need": 40, "benefit": 1},
        {"region": "south", "sector": "water", "need": 40, "benefit": 1},
    ],
    "projects": [
        {"id": "dam", "region": "south", "sector": "water", "cost": 6, "value": 5},
        {"id": "line", "region": "north", "sector": "power", "cost": 9, "duration": 3, "value": 5},
    ],
}
SPENDING = "region,sector,period,amount,note\nnorth,power,2026,10,audited\nsouth,water,2026,6,\n"
STARTS = "id,start\ndam,2026\n"


def write_case(
    folder: Path, *, through: Any = 2026, spending: str = SPENDING, starts: str = STARTS
) -> Path:
    document = {
        **SCENARIO,
        "actuals": {"through": through, "spending": "spending.csv", "projects": "starts.csv"},
    }
    (folder / "scenario.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    (folder / "spending.csv").write_text(spending)
    (folder / "starts.csv").write_text(starts)
    return folder / "scenario.yaml"


def refused(path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    before = sorted(p.name for p in path.parent.iterdir())
    code = main(["solve", str(path), "--json"])
    out, err = capsys.readouterr()
    assert code == ExitCode.INVALID_INPUT, err
    assert out == "" and "Traceback" not in err
    lines = err.splitlines()
    assert lines and all(LINE.match(line) for line in lines), err
    assert sorted(p.name for p in path.parent.iterdir()) == before
    return lines


CASES = {
    "through_not_a_period": (
        {"through": 2035},
        "scenario.yaml, field 'actuals.through': '2035' is not a period label",
    ),
    "unknown_region": (
        {"spending": SPENDING + "west,power,2026,3,\n"},
        "spending.csv, row 4, field 'region': unknown region 'west'",
    ),
    "unknown_sector": (
        {"spending": SPENDING + "north,rail,2026,3,\n"},
        "spending.csv, row 4, field 'sector': unknown sector 'rail'",
    ),
    "unknown_period": (
        {"spending": SPENDING + "north,power,2040,3,\n"},
        "spending.csv, row 4, field 'period': '2040' is not a period label",
    ),
    "period_not_locked": (
        {"spending": SPENDING + "north,power,2027,3,\n"},
        "spending.csv, row 4, field 'period': period 2027 is not locked",
    ),
    "negative_amount": (
        {"spending": SPENDING + "north,water,2026,-1,\n"},
        "spending.csv, row 4, field 'amount'",
    ),
    "non_finite_amount": (
        {"spending": SPENDING + "north,water,2026,inf,\n"},
        "spending.csv, row 4, field 'amount'",
    ),
    "cell_twice": (
        {"spending": SPENDING + "north,power,2026,1,\n"},
        "spending.csv, row 4, field 'period': (north, power, 2026) is recorded twice",
    ),
    "unknown_project": (
        {"starts": STARTS + "bridge,2026\n"},
        "starts.csv, row 3, field 'id': unknown project 'bridge'",
    ),
    "project_twice": (
        {"starts": STARTS + "dam,\n"},
        "starts.csv, row 3, field 'id': project 'dam' is recorded twice",
    ),
    "start_not_locked": (
        {"starts": "id,start\ndam,2027\n"},
        "starts.csv, row 2, field 'start': start 2027 is not a locked period",
    ),
    "start_past_horizon": (
        {
            "through": 2027,
            "starts": STARTS + "line,2027\n",
            "spending": SPENDING + "north,power,2027,3,\n",
        },
        "starts.csv, row 3, field 'start': project 'line' started in 2027 does not finish by 2028",
    ),
    "programme_money_negative": (
        {"spending": "region,sector,period,amount\nnorth,power,2026,10\nsouth,water,2026,4\n"},
        "spending.csv, row 3, field 'amount': (south, water, 2026) recorded 4, less than the 6",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_actuals_input_error_is_located(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changes, wanted = CASES[case]
    lines = refused(write_case(tmp_path, **changes), capsys)
    assert any(wanted in line for line in lines), "\n".join(lines)


def test_a_good_record_is_accepted_and_keeps_its_annotations(tmp_path: Path) -> None:
    import planner

    scenario = planner.load_scenario(write_case(tmp_path))
    assert scenario.actuals is not None
    assert scenario.actuals.spending[0].annotations == {"note": "audited"}
    assert main(["validate", str(tmp_path / "scenario.yaml")]) == 0


def test_an_inline_record_names_the_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {
        **SCENARIO,
        "actuals": {
            "through": 2026,
            "spending": [{"region": "north", "sector": "power", "period": 2026, "amount": -2}],
        },
    }
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    lines = refused(path, capsys)
    assert any("scenario.yaml, row 1, field 'amount'" in line for line in lines), lines
