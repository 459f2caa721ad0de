"""Reports: every format agrees with the Plan it came from, stands alone, and is safe to open."""

from __future__ import annotations

import csv
import io
import json
import math
import multiprocessing
import os
import signal
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

import planner
from planner.analysis.meaning import constraint_index, meaning
from planner.errors import OutputError
from planner.reports import export, render
from tests.conftest import western_lp

EVIL_NAME = '=HYPERLINK("http://x","y")'


@pytest.fixture(scope="module")
def plan() -> planner.Plan:
    """The default's programme as an LP: report layout of a plan without projects (the projects'
    sheet, section and CSV are tested in test_project_reports.py)."""
    return planner.solve(western_lp())


@pytest.fixture(scope="module")
def infeasible() -> planner.Plan:
    result = planner.solve("western_china", budget=100)  # below the sum of the equity floors
    assert result.status == "infeasible"
    return result


@pytest.fixture(scope="module")
def evil_plan() -> planner.Plan:
    """A tiny scenario whose region names and ids would run as formulas in a spreadsheet."""
    scenario = planner.validate_scenario(
        {
            "version": 1,
            "name": "+injection test",
            "periods": [1, 2],
            "budget": 10,
            "sectors": ["power", "@water"],
            "regions": [
                {"id": "evil", "name": EVIL_NAME, "min_share_of_need": 0.1},
                {"id": "-1+2", "name": "@SUM(A1)"},
            ],
            "needs": [
                {"region": "evil", "sector": "power", "need": 6, "benefit": 1},
                {"region": "evil", "sector": "@water", "need": 4, "benefit": 2},
                {"region": "-1+2", "sector": "power", "need": 8, "benefit": 1.5},
            ],
        }
    )
    result = planner.solve(scenario)
    assert result.status == "optimal"
    return result


def workbook(plan: planner.Plan) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(render(plan, "xlsx")))


def records(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


# ---- Excel ----


def test_workbook_has_every_sheet_in_order(plan):
    book = workbook(plan)
    assert book.sheetnames == [
        "Summary",
        "Allocation",
        "Region × sector",
        "Coverage",
        "Budget",
        "Constraints",
        "Assumptions",
    ]
    for name in ("Allocation", "Region × sector", "Coverage", "Budget", "Constraints"):
        assert book[name].freeze_panes == "A2", name


def test_allocation_sheet_matches_plan(plan):
    rows = records(workbook(plan)["Allocation"])
    assert len(rows) == len(plan.allocation)
    assert math.fsum(r["Amount (CNY bn)"] for r in rows) == pytest.approx(
        plan.allocated_total, abs=1e-9
    )
    needs = plan.scenario.need_table()
    hosts_projects = {(p.region, p.sector) for p in plan.scenario.projects}
    for row in rows:
        pair = (row["Region id"], row["Sector"])
        assert row["Need (CNY bn)"] == pytest.approx(needs[pair].need)
        assert row["Coverage (%)"] >= 0.0
        if pair not in hosts_projects:  # project money comes on top of the programme's need
            assert row["Coverage (%)"] <= 1.0 + 1e-9


def test_region_sector_pivot_totals_match_plan(plan):
    rows = records(workbook(plan)["Region × sector"])
    expected = plan.by_region_sector()
    body, total = rows[:-1], rows[-1]
    assert total["Region id"] == "total"
    assert [r["Region id"] for r in body] == [r.id for r in plan.scenario.regions]
    for sector in plan.scenario.sectors:
        column = f"{sector} (CNY bn)"
        assert total[column] == pytest.approx(expected[sector].sum(), abs=1e-9)
        for row in body:
            assert row[column] == pytest.approx(expected.loc[row["Region id"], sector], abs=1e-9)
    assert total["Total (CNY bn)"] == pytest.approx(plan.allocated_total, abs=1e-9)
    for row in body:
        assert row["Total (CNY bn)"] == pytest.approx(
            expected.loc[row["Region id"]].sum(), abs=1e-9
        )


def test_coverage_sheet_matches_plan(plan):
    rows = {r["Region id"]: r for r in records(workbook(plan)["Coverage"])}
    for region in plan.coverage.itertuples():
        row = rows[region.region]
        assert row["Allocated (CNY bn)"] == pytest.approx(region.allocated)
        assert row["Coverage (%)"] == pytest.approx(region.coverage)
        assert row["Coverage (%)"] >= row["Floor (%)"] - 1e-9  # the floor holds in an optimal plan
        funded = plan.allocation[plan.allocation.region == region.region]
        for sector in plan.scenario.sectors:
            need = plan.scenario.need_table().get((region.region, sector))
            got = funded[funded.sector == sector]["amount"].sum()
            if need is None or need.need == 0:
                assert row[f"{sector} coverage (%)"] is None
            else:
                assert row[f"{sector} coverage (%)"] == pytest.approx(got / need.need)


def test_summary_and_budget_sheets_match_plan(plan):
    book = workbook(plan)
    summary = {r["Item"]: r["Value"] for r in records(book["Summary"])}
    assert summary["Status"] == "optimal"
    assert summary["Scenario"] == plan.scenario_name
    assert summary["Objective value"] == pytest.approx(plan.objective)
    assert summary["Minimum coverage"] == pytest.approx(plan.min_coverage)
    assert summary["Budget used (CNY bn)"] == pytest.approx(plan.allocated_total)
    assert summary["Budget unspent (CNY bn)"] == pytest.approx(plan.unspent_total, abs=1e-9)
    assert summary["Planner version"] == planner.__version__
    assert summary["Solved at (UTC)"] == plan.solved_at and plan.solved_at.endswith("+00:00")
    budget = records(book["Budget"])
    assert [r["Spent (CNY bn)"] for r in budget] == pytest.approx(list(plan.budget["spent"]))


def test_constraints_sheet_lists_each_binding_constraint_with_meaning(plan):
    rows = records(workbook(plan)["Constraints"])
    binding = plan.binding_constraints().set_index("name")
    assert sorted(r["Constraint"] for r in rows) == sorted(binding.index)
    for row in rows:
        assert row["Shadow price (objective per CNY bn)"] == pytest.approx(
            binding.loc[row["Constraint"], "dual"]
        )
        assert len(row["Meaning"]) > 40


def test_assumptions_sheet_echoes_the_scenario(plan):
    cells = {
        c
        for row in workbook(plan)["Assumptions"].iter_rows(values_only=True)
        for c in row
        if c is not None
    }
    for region in plan.scenario.regions:
        assert region.id in cells and region.max_per_period in cells
    for corridor in plan.scenario.corridors:
        assert corridor in cells
    assert plan.scenario.total_budget() in cells  # the total budget


def test_infeasible_workbook_has_diagnosis(infeasible):
    book = workbook(infeasible)
    assert "Diagnosis" in book.sheetnames and "Allocation" not in book.sheetnames
    lines = [r[0] for r in book["Diagnosis"].iter_rows(values_only=True)]
    assert infeasible.message in lines


# ---- HTML ----


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(k, v or "") for k, v in attrs]
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        (self.styles if self._in_style else self.text).append(data)


def parse(plan: planner.Plan) -> _Collector:
    collector = _Collector()
    collector.feed(render(plan, "html").decode("utf-8"))
    return collector


@pytest.mark.parametrize("name", ["western_china", "china_national"])
def test_html_references_no_external_address_and_shows_every_province(name, plan):
    subject = plan if name == "western_china" else planner.solve(name)
    page = parse(subject)
    assert not {"script", "link", "img", "iframe", "object", "embed"} & set(page.tags)
    for key, value in page.attributes:
        if key == "xmlns":
            assert value == "http://www.w3.org/2000/svg"  # a namespace name, never fetched
            continue
        assert "://" not in value and not value.startswith("//"), (key, value)
    assert "url(" not in "".join(page.styles) and "@import" not in "".join(page.styles)
    text = " ".join(page.text)
    for region in subject.scenario.regions:
        assert region.label in text
    assert "optimal" in text and subject.scenario_name in text


def test_html_is_printable_to_a4(plan):
    page = parse(plan)
    assert "size: A4" in "".join(page.styles)
    assert page.tags.count("svg") == 4  # allocation, coverage, budget, map


def test_html_map_lists_regions_off_the_map(plan):
    scenario = plan.scenario
    regions = [
        {**r.model_dump(), "id": "atlantis" if r.id == "xizang" else r.id} for r in scenario.regions
    ]
    data = scenario.model_dump()
    data["regions"] = [{**r, "name": "Atlantis"} if r["id"] == "atlantis" else r for r in regions]
    data["needs"] = [
        {**n, "region": "atlantis" if n["region"] == "xizang" else n["region"]}
        for n in data["needs"]
    ]
    for corridor in data["corridors"].values():
        corridor["regions"] = ["atlantis" if r == "xizang" else r for r in corridor["regions"]]
    for project in data["projects"]:
        project["region"] = "atlantis" if project["region"] == "xizang" else project["region"]
    moved = planner.solve(planner.validate_scenario(data))
    assert "Not on the map (no boundary for them): Atlantis" in render(moved, "html").decode()


def test_infeasible_html_shows_the_diagnosis(infeasible):
    text = " ".join(parse(infeasible).text)
    assert "Diagnosis" in text and infeasible.message in text


# ---- CSV and JSON ----


def read_csv(plan: planner.Plan) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(render(plan, "csv").decode("utf-8-sig"))))


def test_csv_is_the_tidy_allocation_with_need_and_coverage(plan):
    rows = read_csv(plan)
    assert list(rows[0]) == [
        "region",
        "name",
        "sector",
        "period",
        "amount",
        "need",
        "coverage",
        "unit",
    ]
    assert len(rows) == len(plan.allocation)
    assert math.fsum(float(r["amount"]) for r in rows) == pytest.approx(
        plan.allocated_total, abs=1e-9
    )
    pairs = plan.allocation.groupby(["region", "sector"])["amount"].sum()
    for row in rows:
        assert float(row["coverage"]) == pytest.approx(
            pairs[row["region"], row["sector"]] / float(row["need"])
        )


def test_json_is_the_solve_document_plus_metadata(plan):
    document = json.loads(render(plan, "json"))
    solve_doc = plan.to_dict()
    for key in solve_doc:
        if key not in ("allocation", "timings"):
            assert document[key] == solve_doc[key], key
    for mine, theirs in zip(document["allocation"], solve_doc["allocation"], strict=True):
        assert {k: mine[k] for k in theirs} == theirs  # a superset of the solve document's rows
        assert {"name", "need", "coverage"} <= set(mine)
    meta = document["report"]
    assert meta["scenario"] == plan.scenario_name
    assert meta["scenario_digest"] == plan.scenario.digest()
    assert meta["planner_version"] == planner.__version__
    assert meta["written_at"].endswith("+00:00") and meta["solved_at"] == plan.solved_at


# ---- safety: formula injection ----


def test_formula_like_text_is_literal_text_in_xlsx(evil_plan):
    book = workbook(evil_plan)
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                    found.append(cell.value)
    assert EVIL_NAME in found and "@SUM(A1)" in found and "-1+2" in found and "@water" in found
    assert "+injection test" in found


def test_formula_like_text_is_literal_text_in_csv(evil_plan):
    rows = read_csv(evil_plan)
    names = {r["name"] for r in rows}
    assert names == {"'" + EVIL_NAME, "'@SUM(A1)"}
    assert {r["region"] for r in rows} == {"evil", "'-1+2"}
    assert {r["sector"] for r in rows} == {"power", "'@water"}
    for row in rows:  # numbers stay numbers
        float(row["amount"])


def test_formula_like_text_is_escaped_text_in_html(evil_plan):
    page = parse(evil_plan)
    assert EVIL_NAME in " ".join(page.text)
    assert all("http://x" not in value for _, value in page.attributes)


# ---- safety: atomic writes ----


def test_failing_export_leaves_no_file_and_keeps_the_old_one(plan, tmp_path, monkeypatch):
    target = tmp_path / "plan.csv"
    target.write_text("previous report")

    def broken(plan, info):
        raise RuntimeError("renderer failed half-way")

    monkeypatch.setitem(planner.reports.RENDERERS, "csv", broken)
    with pytest.raises(RuntimeError):
        export(plan, target)
    assert target.read_text() == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.csv"]


def test_write_error_leaves_no_temporary_file(plan, tmp_path, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OutputError, match="No space left"):
        export(plan, tmp_path / "plan.json")
    assert list(tmp_path.iterdir()) == []


def _export_killed_before_the_rename(plan: planner.Plan, target: Path) -> None:
    """A forked child: the process dies where the export would move its finished file in place."""
    os.replace = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
    export(plan, target)


def test_killed_export_leaves_no_partial_report(plan, tmp_path):
    """A process killed between writing and renaming leaves the target as it was: absent here.
    The process is forked from this one (a real SIGKILL, without paying a new interpreter's imports
    and solve); its os.replace is its own."""
    target = tmp_path / "plan.xlsx"
    child = multiprocessing.get_context("fork").Process(
        target=_export_killed_before_the_rename, args=(plan, target)
    )
    child.start()
    child.join(timeout=300)  # a hang is a failure, not a stuck suite; the limit is no speed goal
    assert child.exitcode == -signal.SIGKILL
    assert not target.exists()
    leftovers = list(tmp_path.iterdir())  # only the hidden temporary file, whole, never the report
    assert leftovers and all(
        p.name.startswith(".plan.xlsx.") and p.suffix == ".part" for p in leftovers
    )


def test_unknown_suffix_and_missing_folder_are_output_errors(plan, tmp_path):
    with pytest.raises(OutputError, match=r"\.xlsx, \.html, \.csv, \.json"):
        export(plan, tmp_path / "plan.pdf")
    with pytest.raises(OutputError, match="does not exist"):
        export(plan, tmp_path / "missing" / "plan.csv")
    (tmp_path / "taken.csv").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        export(plan, tmp_path / "taken.csv")
    assert [p.name for p in tmp_path.iterdir()] == ["taken.csv"]


class _Tables(HTMLParser):
    """Every <table> of a page as rows of cell texts (header row included)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _region_totals_xlsx(path: Path, unit: str) -> tuple[dict[str, float], list[float]]:
    book = openpyxl.load_workbook(path)
    pivot = records(book["Region × sector"])
    totals = {r["Region id"]: r[f"Total ({unit})"] for r in pivot}
    return totals, [r[f"Spent ({unit})"] for r in records(book["Budget"])]


def _region_totals_html(path: Path, unit: str) -> tuple[dict[str, float], list[float]]:
    page = _Tables()
    page.feed(path.read_text(encoding="utf-8"))
    by_header = {tuple(t[0]): t[1:] for t in page.tables}
    pivot = next(rows for head, rows in by_header.items() if f"Total ({unit})" in head)
    budget = next(rows for head, rows in by_header.items() if f"Spent ({unit})" in head)
    spent_at = next(h for h in by_header if f"Spent ({unit})" in h).index(f"Spent ({unit})")
    totals = {row[0]: float(row[-1].replace(",", "")) for row in pivot}
    return totals, [float(row[spent_at].replace(",", "")) for row in budget]


def _region_totals_csv(path: Path, unit: str) -> tuple[dict[str, float], list[float]]:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    return _sum_by_region(rows), _sum_by_period(rows)


def _region_totals_json(path: Path, unit: str) -> tuple[dict[str, float], list[float]]:
    document = json.loads(path.read_text(encoding="utf-8"))
    totals = _sum_by_region(document["allocation"])
    assert document["allocated"] == pytest.approx(totals["total"], abs=1e-9)  # states what it holds
    return totals, [row["spent"] for row in document["budget"]]


def _sum_by_region(rows: list[dict]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for row in rows:
        totals[row["region"]] = totals.get(row["region"], 0.0) + float(row["amount"])
    totals["total"] = math.fsum(float(row["amount"]) for row in rows)
    return totals


def _sum_by_period(rows: list[dict]) -> list[float]:
    spent: dict[str, float] = {}
    for row in rows:
        spent[row["period"]] = spent.get(row["period"], 0.0) + float(row["amount"])
    return list(spent.values())


READ_BACK = {  # suffix → (reader of the written file, how exactly the format keeps money)
    "xlsx": (_region_totals_xlsx, 1e-9),
    "html": (_region_totals_html, 0.05 + 1e-9),  # one decimal on the page
    "csv": (_region_totals_csv, 1e-9),
    "json": (_region_totals_json, 1e-9),
}


@pytest.mark.parametrize("suffix", READ_BACK)
def test_each_exported_format_reads_back_to_the_plans_totals(suffix, tmp_path):
    """Each written file, parsed the way its reader would, gives the plan's money per region, in all
    and per period. A budget of 1,500 (below western_china's 2,100) spreads unevenly over regions."""
    plan = planner.solve("western_china", budget=1500)
    written = planner.export(plan, tmp_path / f"plan.{suffix}")
    assert written.stat().st_mode & 0o777 != 0o600  # an ordinary file, not mkstemp's private one
    reader, tolerance = READ_BACK[suffix]
    totals, spent = reader(written, plan.unit)
    expected = plan.by_region_sector().sum(axis=1)
    assert sorted(totals) == sorted([*expected.index, "total"])
    for region, amount in expected.items():
        assert totals[region] == pytest.approx(amount, abs=tolerance), region
    assert totals["total"] == pytest.approx(plan.allocated_total, abs=tolerance)
    assert spent == pytest.approx(list(plan.budget["spent"]), abs=tolerance)


# ---- meanings ----


def test_meaning_names_regions_and_bounds(plan):
    binding = plan.binding_constraints()
    for row in binding.to_dict("records"):
        text = meaning(row, plan.unit, plan.scenario)
        index = constraint_index(row["name"])
        if row["kind"] in ("floor", "capacity", "share_min", "share_max"):
            assert plan.scenario.region(index[0]).label in text
        if row["kind"] == "share_max":
            assert "at most" in text and "%" in text
        if abs(row["dual"]) > 1e-9:  # what one more unit is worth, in the mode's objective
            assert f"{abs(row['dual']):.4g} " in text and "the benefit E" in text
        else:
            assert "would not change the benefit E" in text


def test_constraint_index_reads_quoted_pyomo_names():
    assert constraint_index("corridor[northwest,transport]") == ["northwest", "transport"]
    assert constraint_index("floor['x,y']") == ["x,y"]
    assert constraint_index('share_min[\'=HYPERLINK("a","b")\',power]') == [
        '=HYPERLINK("a","b")',
        "power",
    ]
