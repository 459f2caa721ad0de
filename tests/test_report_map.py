"""The reports' real map (planner/reports/geomap.py): one path per province in the HTML report, the
funded projects drawn where they are, the size a single offline file can carry, and the same map as
a picture on the workbook's Summary sheet."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import openpyxl
import pandas as pd
import pytest
from PIL import Image

import planner
from planner.reports import render
from planner.reports.geomap import map_png, map_svg
from planner.scenario.datasets import data_dir

HTML_LIMIT_BYTES = 300_000  # issue 30: the single-file report stays within about 300 KB
SVG = "{http://www.w3.org/2000/svg}"
WITHOUT_DATA = {"taiwan", "hong_kong", "macau"}


@pytest.fixture(scope="module")
def plan() -> planner.Plan:
    return planner.solve(planner.load_scenario("western_china"))


@pytest.fixture(scope="module")
def national() -> planner.Plan:
    return planner.solve(planner.load_scenario("china_national"))


def the_map(html: str) -> ET.Element:
    """The report's map: the <svg> holding the provinces' paths, parsed as XML."""
    (svg,) = [s for s in re.findall(r"<svg.*?</svg>", html, re.S) if "data-region" in s]
    return ET.fromstring(svg)


def province_paths(svg: ET.Element) -> dict[str, ET.Element]:
    paths = [p for p in svg.iter(f"{SVG}path") if "data-region" in p.attrib]
    ids = [p.attrib["data-region"] for p in paths]
    assert len(ids) == len(set(ids)), "a province drawn twice"
    return dict(zip(ids, paths, strict=True))


@pytest.mark.parametrize("scenario", ["plan", "national"])
def test_one_path_per_province_and_the_report_stays_small(scenario: str, request) -> None:
    subject = request.getfixturevalue(scenario)
    html = render(subject, "html").decode("utf-8")
    assert len(html.encode()) <= HTML_LIMIT_BYTES
    paths = province_paths(the_map(html))
    provinces = set(pd.read_csv(data_dir() / "provinces.csv")["id"])
    assert set(paths) == provinces | WITHOUT_DATA
    grey = {p for p, e in paths.items() if e.attrib["fill"] == "#eeeeee"}
    assert grey == (provinces | WITHOUT_DATA) - set(subject.coverage["region"])


def test_the_funded_projects_are_drawn_and_the_others_faded(plan: planner.Plan) -> None:
    svg = map_svg(plan)
    root = ET.fromstring(svg)
    drawn = [e for e in root.iter() if e.attrib.get("class") == "project"]
    tips = [e.find(f"{SVG}title").text for e in drawn]
    names = set(plan.projects["name"])
    assert {tip.split(":")[0] for tip in tips} == names  # every candidate has its site
    for element, tip in zip(drawn, tips, strict=True):
        funded = plan.projects.set_index("name").loc[tip.split(":")[0], "funded"]
        assert ("opacity" in element.attrib) == (not funded)


def test_chinese_report_map(plan: planner.Plan) -> None:
    html = render(plan, "html", lang="zh").decode("utf-8")
    svg = the_map(html)
    labels = {t.text for t in svg.iter(f"{SVG}text")}
    assert {"四川", "西藏", "水利"} <= labels and "Sichuan" not in labels
    assert svg.find(f"{SVG}title").text == "各省覆盖率与已安排资金的项目"


def test_the_summary_sheet_carries_the_map_picture(plan: planner.Plan) -> None:
    book = openpyxl.load_workbook(io.BytesIO(render(plan, "xlsx", lang="zh")))
    summary = book.worksheets[0]
    (picture,) = summary._images
    emu_per_px = 9525
    shown = picture.anchor.ext  # the size it is shown at, as read back from the file
    assert shown.width == 640 * emu_per_px and shown.height > 300 * emu_per_px
    assert "各省覆盖率与已安排资金的项目" in [c.value for c in summary["A"]]
    png = Image.open(io.BytesIO(map_png(plan)))
    assert png.format == "PNG" and png.width == 1100
    # Xizang's label point is inside Xizang: the picture is coloured there, not white or grey
    assert png.getpixel((250, 560))[:3] not in {(255, 255, 255), (238, 238, 238)}


def test_the_map_fits_a4_page_wide() -> None:
    """Printed page-wide on A4 (186 mm between the margins), the map and its legend stay shorter
    than the page's printable height (269 mm)."""
    from planner import geography
    from planner.reports.geomap import LEGEND_H, WIDTH

    page = geography.layout(WIDTH)
    assert (LEGEND_H + page.height) / WIDTH * 186 < 269
