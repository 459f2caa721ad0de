"""The ``planner`` command: exit codes, the JSON document, and no tracebacks for user mistakes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import make

import planner
from planner.cli import main


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planner", *args], capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def tiny(tmp_path):
    return planner.save_scenario(make(), tmp_path / "tiny")


def test_solve_default_scenario_prints_a_summary():
    result = run_cli("solve")
    assert result.returncode == 0, result.stderr
    assert "status: optimal" in result.stdout
    assert "xinjiang" in result.stdout and "Binding constraints" in result.stdout
    assert "Traceback" not in result.stderr


def test_solve_json_is_one_document_with_the_promised_keys(tiny, capfd):
    """In-process; capfd reads file descriptor 1, so the solver's own output would show too."""
    assert main(["solve", str(tiny), "--json"]) == 0
    document = json.loads(capfd.readouterr().out)  # exactly one JSON document, nothing else
    assert document["status"] == "optimal"
    assert document["objective"] == pytest.approx(40.4)
    assert {"region", "sector", "period", "amount"} <= set(document["allocation"][0])
    assert {"name", "kind", "dual", "binding"} <= set(document["constraints"][0])
    assert document["allocation"][0]["period"] == 2026


def test_set_changes_the_scenario(tiny, capsys):
    assert main(["solve", str(tiny), "--json", "--set", "budget=25"]) == 0
    assert json.loads(capsys.readouterr().out)["objective"] == pytest.approx(46.0)


def test_invalid_input_exits_2_with_one_line_per_problem(tiny, capsys):
    assert main(["solve", str(tiny), "--set", "budget=-5", "--set", "speed=9"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2
    assert all(line.startswith("error: --set, field '") for line in err)


def test_missing_scenario_exits_2_without_traceback():
    result = run_cli("validate", "no/such/scenario.yaml")
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "error: no/such/scenario.yaml: no such file, folder or bundled scenario"
    )
    assert result.stdout == ""


def test_infeasible_exits_3(tmp_path, capsys):
    scenario = make(
        regions=[{"id": "r1", "min_share_of_need": 0.9}, {"id": "r2", "min_share_of_need": 0.9}]
    )
    folder = planner.save_scenario(scenario, tmp_path / "bad")
    assert main(["solve", str(folder)]) == 3
    assert "infeasible" in capsys.readouterr().err


def test_validate_reports_ok_and_exit_0(tiny, capsys):
    assert main(["validate", str(tiny)]) == 0
    assert "valid (2 regions, 2 sectors, 1 periods, 3 needs)" in capsys.readouterr().out


def test_schema_is_json(capsys):
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "planner scenario (version 1)"


def test_a_postgresql_store_without_its_driver_names_the_extra(monkeypatch, capsys):
    """Issue 33: without the postgres extra, ``runs list --db postgresql://…`` was an internal error
    (exit 1, ModuleNotFoundError). It is the user's setup: exit 2 and say what to install."""
    monkeypatch.setitem(
        sys.modules, "psycopg", None
    )  # import psycopg now raises ModuleNotFoundError
    assert main(["runs", "list", "--db", "postgresql://someone@localhost/runs"]) == 2
    err = capsys.readouterr().err
    assert 'pip install "planner[postgres]"' in err
    assert "internal error" not in err and len(err.strip().splitlines()) == 1


def test_compare_prints_numbers_a_person_reads(tiny, tmp_path, capsys):
    """Issue 33: compare printed KPIs as 1.266566e+03 and unspent money as 4.547474e-13. Numbers
    read like the summary's (money to one decimal), and a residue shows as 0."""
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["solve", str(tiny), "--json"]) == 0
    a.write_text(capsys.readouterr().out)
    assert main(["solve", str(tiny), "--json", "--set", "budget=25"]) == 0
    document = json.loads(capsys.readouterr().out)
    document["unspent"] = 4.547474e-13  # what HiGHS leaves of a fully spent budget
    b.write_text(json.dumps(document))
    assert main(["compare", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert "e+" not in out and "e-" not in out, out
    kpis = {line.split()[0]: line.split()[1:] for line in out.splitlines()[1:8] if line.strip()}
    # budget 25: the 5 more buy r1b 3 @1.2 and r2a 2 @1 (second tranche): E 40.4 + 3.6 + 2 = 46
    assert kpis["E"] == ["40.4", "46.0", "5.6"], kpis
    assert kpis["unspent"][1] == "0"


def test_an_infeasible_solve_says_its_headline_once(tmp_path, capsys):
    """Issue 33: the diagnosis's headline came on stdout (the summary) and again on stderr; it
    stays on stderr with the rest of the diagnosis."""
    scenario = make(regions=[{"id": "r1", "min_share_of_need": 0.9}, {"id": "r2"}], budget=5)
    folder = planner.save_scenario(scenario, tmp_path / "bad")
    assert main(["solve", str(folder)]) == 3
    captured = capsys.readouterr()
    headline = captured.err.splitlines()[0]
    assert headline.startswith("infeasible:") and "infeasible" in captured.out  # the status line
    assert (captured.out + captured.err).count(headline) == 1


def test_pareto_says_what_its_row_without_epsilon_is(tiny, capsys):
    """Issue 33: pareto's last row (ε NaN, balanced True) was explained nowhere."""
    assert main(["pareto", str(tiny), "--points", "2"]) == 0
    out = capsys.readouterr().out
    assert "balanced objective's plan at the scenario's equity weight 0.5" in out
