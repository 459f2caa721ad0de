"""Reports of a plan with candidate projects, read back: the xlsx Projects sheet, the HTML projects
section, the projects CSV beside the allocation CSV and the JSON; and none of it without projects."""

from __future__ import annotations

import csv
import json
import math
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

import planner
from planner.reports import projects_csv_path
from tests.test_projects import ports

DUALS = "from the LP with the projects' starts fixed"


@pytest.fixture(scope="module")
def plan() -> planner.Plan:
    """PORTS (tests/test_projects.py): port_b (3 + 3) and rail_b (4 in 2026) funded, E = 29."""
    return planner.solve(ports())


@pytest.fixture(scope="module")
def plain() -> planner.Plan:
    return planner.solve(ports(projects=[], project_groups={}))


def cash_by_project(plan: planner.Plan) -> dict[str, dict[str, float]]:
    cash: dict[str, dict[str, float]] = {}
    for row in plan.project_cash.itertuples(index=False):
        cash.setdefault(str(row.id), {})[str(row.period)] = float(row.amount)
    return cash


def test_xlsx_projects_sheet_lists_every_candidate_with_its_cash(plan, tmp_path: Path) -> None:
    path = planner.export(plan, tmp_path / "plan.xlsx")
    sheet = openpyxl.load_workbook(path)["Projects"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("Id", "Project", "Region id")
    assert "Cash 2026 (CNY bn)" in header and "Cash 2027 (CNY bn)" in header
    records = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:4]}
    assert set(records) == {"port_a", "port_b", "rail_b"}
    assert records["port_b"]["Funded"] == "yes" and records["port_a"]["Funded"] == "no"
    assert records["port_b"]["Start"] == 2026
    expected = cash_by_project(plan)
    for pid, record in records.items():
        for period in ("2026", "2027"):
            got = record[f"Cash {period} (CNY bn)"]
            assert got == pytest.approx(expected.get(pid, {}).get(period, 0.0))
    sheet_total = sum(r[f"Cash {t} (CNY bn)"] for r in records.values() for t in ("2026", "2027"))
    assert sheet_total == pytest.approx(math.fsum(plan.project_cash["amount"]))  # 10
    cells = [str(c) for r in rows[4:] for c in r if c is not None]
    assert "Groups of alternatives" in cells
    assert any("funds port_b over port_a" in c and "5.00 of E" in c for c in cells)
    constraints = openpyxl.load_workbook(path)["Constraints"]
    assert any(DUALS in str(c.value) for c in constraints[1])
    summary = dict(openpyxl.load_workbook(path)["Summary"].iter_rows(values_only=True))
    assert summary["Projects funded"] == "2 of 3"
    assert summary["Funded projects' share of the budget"] == pytest.approx(0.5)


class Page(HTMLParser):
    """The text of the page's h2 headings, and the tables under the Projects heading."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.in_heading = False
        self.text: list[str] = []
        self.svg_titles: list[str] = []
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_heading = tag == "h2"
        self.in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self.in_heading = self.in_title = False

    def handle_data(self, data: str) -> None:
        if self.in_heading:
            self.headings.append(data)
        if self.in_title:
            self.svg_titles.append(data)
        self.text.append(data)


def parsed(plan: planner.Plan) -> Page:
    page = Page()
    page.feed(planner.reports.render(plan, "html").decode("utf-8"))
    return page


def test_html_projects_section_has_the_timeline_of_funded_cash(plan) -> None:
    page = parsed(plan)
    assert "Projects" in page.headings
    tips = [t for t in page.svg_titles if t.startswith(("port_b,", "rail_b,"))]
    # one bar per funded project and period it pays in: port_b 2026 and 2027, rail_b 2026
    assert sorted(tips) == [
        "port_b, 2026: 3.0 CNY bn",
        "port_b, 2027: 3.0 CNY bn",
        "rail_b, 2026: 4.0 CNY bn",
    ]
    assert not any(t.startswith("port_a,") for t in page.svg_titles)  # not funded
    text = " ".join(page.text)
    assert "Projects funded: 2 of 3" in text
    assert "funds port_b over port_a" in text
    assert DUALS in text


def test_csv_writes_the_projects_beside_the_allocation(plan, tmp_path: Path) -> None:
    written = planner.export(plan, tmp_path / "plan.csv")
    beside = projects_csv_path(written)
    assert beside == tmp_path / "plan.projects.csv"
    with open(beside, encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [r["id"] for r in rows] == plan.projects["id"].tolist()
    funded = {r["id"] for r in rows if r["funded"] == "True"}
    assert funded == set(plan.funded_projects["id"])
    total = math.fsum(float(r[f"cash_{t}"]) for r in rows for t in (2026, 2027))
    assert total == pytest.approx(math.fsum(plan.project_cash["amount"]))
    assert {r["unit"] for r in rows} == {"CNY bn"}
    assert not list(tmp_path.glob(".*.part"))  # written through temporary files, none left


def test_json_report_carries_projects_gap_and_groups(plan) -> None:
    document = json.loads(planner.reports.render(plan, "json"))
    assert document["gap"] == pytest.approx(0.0, abs=1e-4)
    by_id = {p["id"]: p for p in document["projects"]}
    assert by_id["port_b"]["cash"] == pytest.approx({"2026": 3.0, "2027": 3.0})
    assert by_id["port_a"]["funded"] is False and by_id["port_a"]["cash"] == {}
    assert math.fsum(sum(p["cash"].values()) for p in document["projects"]) == pytest.approx(10.0)
    (group,) = document["project_groups"]
    assert (group["group"], group["max"], group["chosen"]) == ("port", 1, "port_b")
    assert document["report"]["shadow_prices"] == DUALS


def test_a_plan_without_projects_shows_no_projects_anywhere(plain, tmp_path: Path) -> None:
    assert (
        "Projects"
        not in openpyxl.load_workbook(planner.export(plain, tmp_path / "p.xlsx")).sheetnames
    )
    page = parsed(plain)
    assert "Projects" not in page.headings and DUALS not in " ".join(page.text)
    planner.export(plain, tmp_path / "p.csv")
    assert not (tmp_path / "p.projects.csv").exists()
    document = json.loads(planner.reports.render(plain, "json"))
    assert document["projects"] == [] and "project_groups" not in document
    assert "shadow_prices" not in document["report"]


def test_report_cli_names_the_projects_csv(tmp_path: Path, capsys) -> None:
    import yaml

    from planner.cli import main
    from tests.test_projects import PORTS

    path = tmp_path / "ports.yaml"
    path.write_text(yaml.safe_dump(PORTS), encoding="utf-8")
    assert main(["report", str(path), "--out", str(tmp_path / "out.csv")]) == 0
    assert f"wrote {tmp_path / 'out.projects.csv'}" in capsys.readouterr().err
