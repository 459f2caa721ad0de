"""``planner report``: one solve, several files; wrong outputs fail fast with exit 2."""

from __future__ import annotations

import json

import openpyxl

from planner.cli import main


def test_report_writes_every_out_with_the_set_changes(tmp_path, capsys):
    outs = [tmp_path / f"plan.{suffix}" for suffix in ("xlsx", "html", "csv", "json")]
    argv = ["report", "western_china", "--set", "budget=1800"]
    for out in outs:
        argv += ["--out", str(out)]
    assert main(argv) == 0
    assert all(out.stat().st_size > 0 for out in outs)
    document = json.loads(outs[3].read_text())
    assert sum(row["budget"] for row in document["budget"]) == 1800
    summary = dict(
        openpyxl.load_workbook(outs[0])["Summary"].iter_rows(min_row=2, values_only=True)
    )
    assert summary["Budget (CNY bn)"] == 1800
    assert summary["Inputs hash (sha256, first 12)"] == document["report"]["scenario_digest"]
    assert "wrote" in capsys.readouterr().err


def test_unknown_suffix_exits_2_listing_the_formats_before_writing_anything(tmp_path, capsys):
    good, bad = tmp_path / "plan.csv", tmp_path / "plan.pdf"
    assert main(["report", "--out", str(good), "--out", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "plan.pdf" in err and ".xlsx, .html, .csv, .json" in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder_exits_2_with_a_clear_message(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["report", "--out", str(tmp_path / "missing" / "plan.xlsx")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["report", "--out", str(blocker / "plan.xlsx")]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_infeasible_scenario_still_writes_reports_and_exits_3(tmp_path):
    xlsx, csv_out = tmp_path / "plan.xlsx", tmp_path / "plan.csv"
    code = main(["report", "--set", "budget=100", "--out", str(xlsx), "--out", str(csv_out)])
    assert code == 3
    book = openpyxl.load_workbook(xlsx)
    assert "Diagnosis" in book.sheetnames
    assert book["Summary"]["B4"].value == "infeasible"
    assert csv_out.read_text(encoding="utf-8-sig").startswith("region,name,sector,period,amount")


def test_bad_set_change_exits_2(tmp_path, capsys):
    assert main(["report", "--set", "budget=-5", "--out", str(tmp_path / "plan.json")]) == 2
    assert "--set" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
