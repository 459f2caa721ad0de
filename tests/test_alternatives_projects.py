"""Candidate projects in the near-optimal analysis: core, excluded or swappable (PORTS hand case)."""

from __future__ import annotations

import json
import math

import openpyxl
import pytest

import planner
from planner.cli import main
from tests.test_projects import ports


@pytest.fixture(scope="module")
def tight():
    return planner.alternatives(ports(), slack=0.05, count=3)


def test_labels_derived_by_hand(tight):
    """PORTS (tests/test_projects.py): the optimum O = 29 funds port_b and rail_b.

    Forced in / out, best E:
    - port_a in: the group (max 1) pushes port_b out, and rail_b (requires port_b) with it; port_a
      alone is 24. port_a out: the optimum, 29.
    - port_b out: no rail_b either; port_a alone 24 beats no project (15). port_b in: 29.
    - rail_b out: port_b alone is 10 + a 10 × 1.0 + b 4 × 0.5 = 22, port_a alone 24: 24. In: 29.
    Slack 5 %: T = 27.55. port_b and rail_b out fall to 24 < T: core. port_a in falls to 24 < T:
    excluded. Slack 20 %: T = 23.2, every side reaches it: all swappable.
    """
    table = tight.projects.set_index("id")
    assert table["label"].to_dict() == {
        "port_a": "excluded",
        "port_b": "core",
        "rail_b": "core",
    }
    assert table["objective_in"].to_dict() == pytest.approx(
        {"port_a": 24.0, "port_b": 29.0, "rail_b": 29.0}
    )
    assert table["objective_out"].to_dict() == pytest.approx(
        {"port_a": 29.0, "port_b": 24.0, "rail_b": 24.0}
    )
    loose = planner.alternatives(ports(), slack=0.2, count=3)
    assert set(loose.projects["label"]) == {"swappable"}
    # some alternative within 20 % takes port_a instead of port_b and rail_b
    assert "port_a" in loose.moving_projects and "port_b" in loose.moving_projects


def test_a_mandatory_project_is_core():
    """port_a made mandatory: forced out there is no plan at all, so no plan in the set lacks it."""
    projects = [dict(p) for p in ports().model_dump()["projects"]]
    projects[0]["mandatory"] = True
    found = planner.alternatives(ports(projects=projects), slack=0.5, count=1)
    row = found.projects.set_index("id").loc["port_a"]
    assert row["label"] == "core" and math.isnan(row["objective_out"])


def test_tight_set_funds_the_core_and_never_the_excluded(tight):
    assert tight.always_funded_projects == ["port_b", "rail_b"]
    assert tight.never_funded_projects == ["port_a"]
    for plan in tight.plans:
        assert set(plan.funded_projects["id"]) == {"port_b", "rail_b"}


def test_json_text_and_reports_carry_the_projects(tight, tmp_path, capsys):
    document = tight.to_dict()
    assert {r["id"]: r["label"] for r in document["projects"]}["port_a"] == "excluded"
    assert {"project": "port_b"} in document["always_funded"]
    assert {"project": "port_a"} in document["never_funded"]
    for record in document["alternatives"]:
        assert {p["id"] for p in record["projects"] if p["funded"]} == {"port_b", "rail_b"}
    folder = planner.save_scenario(ports(), tmp_path / "ports")
    assert main(["alternatives", str(folder), "--slack", "0.05", "--count", "2"]) == 0
    text = capsys.readouterr().out
    assert "core (every plan within the slack funds it)" in text and "excluded" in text
    assert "Projects funded in none (1) of the optimum and the alternatives above: port_a" in text
    xlsx = planner.export(tight.optimal, tmp_path / "p.xlsx", alternatives=tight)
    cells = [
        c.value for row in openpyxl.load_workbook(xlsx)["Alternatives"].iter_rows() for c in row
    ]
    assert tight.PROJECTS_TITLE in cells and "excluded" in cells
    html = planner.export(tight.optimal, tmp_path / "p.html", alternatives=tight).read_text()
    assert tight.PROJECTS_TITLE in html
    saved = json.loads(
        planner.export(tight.optimal, tmp_path / "p.json", alternatives=tight).read_text()
    )
    assert saved["alternatives"]["projects"] == json.loads(json.dumps(document["projects"]))


def test_the_near_optimal_search_on_a_mip_leaves_highs_memory_whole():
    """The MIP warm start was once passed while the near-optimal set's rows were in HiGHS, which
    corrupted its heap: the process aborted at exit ("double free or corruption"). Run in a child
    process so such an abort shows as its exit code."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "from tests.test_projects import ports; import planner; "
        "planner.alternatives(ports(), slack=0.2, count=3)"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-500:]
