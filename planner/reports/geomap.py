"""The reports' map: provinces shaded by coverage, the candidate projects on top, the South China Sea
inset; as inline SVG for the HTML report and as a PNG (Pillow, which Streamlit already brings) for
the workbook's Summary sheet.

The geometry is ``planner.geography``'s page layout, the same the app draws. The SVG carries its own
title, labels and legend in the report's language; the PNG has no text (its title and legend are the
sheet's cells, so that they follow the language without a CJK font in the picture).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import pandas as pd

from planner import geography
from planner.i18n.catalog import t
from planner.i18n.names import project_names, province_name, region_names, sector_name
from planner.i18n.units import shown
from planner.reports import charts
from planner.solve.plan import Plan

WIDTH = charts.WIDTH  # the report's charts are 720 points wide; A4 prints them page-wide
LEGEND_H = 58.0  # points above the map for the two legend rows
NO_DATA = "#eeeeee"
BORDER = "#ffffff"
INSET_BORDER = "#666666"
LINE_WIDTH = (1.2, 5.0)  # a route's stroke width: cheapest to dearest project (points)
DOT_RADIUS = (2.5, 8.0)  # a site's radius: cheapest to dearest project (points)
FADED = 0.3  # opacity of the candidates the plan does not fund


@dataclass(frozen=True)
class Site:
    """One project as the map draws it (page coordinates of the layout)."""

    name: str
    sector: str
    colour: str
    funded: bool
    weight: float  # cost relative to the dearest candidate, in [0, 1]
    routes: list[geography.Ring]
    points: list[geography.Point]
    tip: str


def coverage_by_region(plan: Plan) -> dict[str, float]:
    return {
        r: float(c) for r, c in zip(plan.coverage["region"], plan.coverage["coverage"], strict=True)
    }


def project_sites(plan: Plan, page: geography.Layout) -> list[Site]:
    """The plan's candidate projects that have a site, the funded ones last (drawn on top)."""
    projects = plan.projects
    if projects.empty or plan.scenario is None:
        return []
    colours = charts.sector_colours(list(plan.scenario.sectors))
    names = project_names(plan.scenario)
    how = shown(plan.unit)
    dearest = float(projects["cost"].max()) or 1.0
    sites = geography.sites()
    out = []
    for row in projects.sort_values("funded", kind="stable").itertuples():
        if row.id not in sites:
            continue
        routes, points = page.site(sites[row.id])
        name = names.get(row.id, str(row.name))
        status = t("map.funded" if row.funded else "map.not_funded")
        start = "" if pd.isna(row.start) else f", {t('map.start')} {row.start}"
        out.append(
            Site(
                name=name,
                sector=row.sector,
                colour=colours[row.sector],
                funded=bool(row.funded),
                weight=float(row.cost) / dearest,
                routes=routes,
                points=points,
                tip=f"{name}: {row.cost * how.factor:,.1f} {how.unit}{start}, {status}",
            )
        )
    return out


def _path(rings: Sequence[geography.Ring], closed: bool = True) -> str:
    """SVG path data in relative steps of 0.1 point (``m``, then implicit ``l``): a third of the
    size of absolute coordinates, which keeps the report's map small."""
    parts, at = [], (0, 0)
    for ring in rings:
        tenths = [(round(x * 10), round(y * 10)) for x, y in ring]
        steps = [p for i, p in enumerate(tenths) if i == 0 or p != tenths[i - 1]]
        if len(steps) < 2:
            continue
        text, previous = "m", at
        for x, y in steps:
            text += _number(x - previous[0]) + _number(y - previous[1])
            previous = (x, y)
        parts.append(text + ("z" if closed else ""))
        at = steps[0] if closed else steps[-1]  # "z" returns to the ring's first point
    return "".join(parts)


def _number(tenths: int) -> str:
    """``-1.3``, ``.5``, ``2``: compact, with a space only where no minus sign separates."""
    text = f"{tenths / 10:g}"
    if abs(tenths) < 10:
        text = text.replace("0.", ".", 1)
    return text if text.startswith("-") else " " + text


def _between(low_high: tuple[float, float], weight: float) -> float:
    return low_high[0] + (low_high[1] - low_high[0]) * math.sqrt(max(weight, 0.0))


def _province_paths(plan: Plan, page: geography.Layout) -> list[str]:
    coverage = coverage_by_region(plan)
    names = region_names(plan.scenario) if plan.scenario is not None else {}
    paths, labels = [], []
    for p in page.provinces:
        if not p.rings:
            continue
        name = names.get(p.id) or province_name(p.id, p.name)
        share = coverage.get(p.id, math.nan)
        fill, ink = charts._shade(share) if p.id in coverage else (NO_DATA, "#333333")
        shown_share = f"{share:.0%}" if math.isfinite(share) else t("map.legend.no_data")
        paths.append(
            f'<path data-region="{escape(p.id)}" d="{_path(p.rings)}" fill="{fill}" '
            f'stroke="{BORDER}" stroke-width="0.6"><title>{escape(name)}: {shown_share}</title></path>'
        )
        if p.id in coverage:
            x, y = p.label
            labels.append(charts._text(x, y + 3, name, "middle", f'fill="{ink}" font-size="8"'))
    return paths + labels


def _inset(page: geography.Layout) -> list[str]:
    x, y, w, h = page.inset_frame
    dash = 'fill="none" stroke="#333333" stroke-width="1.2"'
    return [  # the main map's dashes first: the inset's white frame covers what falls under it
        f'<path d="{_path(page.dash_main, closed=False)}" {dash}/>',
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="#ffffff" '
        f'stroke="{INSET_BORDER}" stroke-width="0.8"/>',
        f'<path d="{_path(page.inset_land)}" fill="{NO_DATA}" stroke="#999999" stroke-width="0.4"/>',
        f'<path d="{_path(page.inset_dash, closed=False)}" {dash}/>',
    ]


def _sites(sites: Sequence[Site]) -> list[str]:
    body = []
    for s in sites:
        opacity = "" if s.funded else f' opacity="{FADED}"'
        tip = f"<title>{escape(s.tip)}</title>"
        if s.routes:
            width = _between(LINE_WIDTH, s.weight)
            body.append(  # a white casing keeps the line apart from a dark province under it
                f'<path d="{_path(s.routes, closed=False)}" fill="none" stroke="#ffffff" '
                f'stroke-width="{width + 1.6:.1f}" stroke-linecap="round"{opacity}/>'
            )
            body.append(
                f'<path class="project" d="{_path(s.routes, closed=False)}" fill="none" '
                f'stroke="{s.colour}" stroke-width="{width:.1f}" stroke-linecap="round"'
                f"{opacity}>{tip}</path>"
            )
        radius = _between(DOT_RADIUS, s.weight)
        body += [
            f'<circle class="project" cx="{x:g}" cy="{y:g}" r="{radius:.1f}" fill="{s.colour}" '
            f'stroke="#ffffff" stroke-width="0.6"{opacity}>{tip}</circle>'
            for x, y in s.points
        ]
    return body


def map_svg(plan: Plan) -> str:
    """The report's map as one ``<svg>``: coverage by province, the projects, the inset, a legend."""
    page = geography.layout(WIDTH)
    body = charts._scale(14)
    sectors = list(plan.scenario.sectors) if plan.scenario is not None else []
    colours = charts.sector_colours(sectors)
    if not plan.projects.empty:
        body += charts._legend([(sector_name(s), colours[s]) for s in sectors], 48)
    shifted = [
        *_province_paths(plan, page),
        *_inset(page),
        *_sites(project_sites(plan, page)),
    ]
    body.append(f'<g transform="translate(0 {LEGEND_H:g})">' + "".join(shifted) + "</g>")
    return charts._svg(LEGEND_H + page.height, t("map.title"), body)


def legend(plan: Plan) -> list[tuple[str, str]]:
    """(label, colour) of the map's legend: the coverage ramp, no data, then the sectors with projects."""
    items = [
        (f"{t('map.legend.coverage')} {share:.0%}", charts._shade(share)[0])
        for share in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    ]
    items.append((t("map.legend.no_data"), NO_DATA))
    if plan.scenario is not None and not plan.projects.empty:
        colours = charts.sector_colours(list(plan.scenario.sectors))
        items += [(sector_name(s), c) for s, c in colours.items()]
    return items


def map_png(plan: Plan, width: int = 1100) -> bytes:
    """The same map as a PNG ``width`` pixels wide, without text (for the workbook)."""
    from PIL import Image, ImageDraw  # Pillow comes with Streamlit; only the workbook needs it

    page = geography.layout(float(width))
    image = Image.new("RGB", (width, math.ceil(page.height)), "white")
    draw = ImageDraw.Draw(image, "RGBA")
    coverage = coverage_by_region(plan)
    for p in page.provinces:
        fill = charts._shade(coverage[p.id])[0] if p.id in coverage else NO_DATA
        for ring in p.rings:
            draw.polygon(ring, fill=fill, outline=BORDER)
    for line in page.dash_main:  # first: the inset's white frame covers what falls under it
        draw.line(line, fill="#333333", width=3)
    x, y, w, h = page.inset_frame
    draw.rectangle([x, y, x + w, y + h], fill="white", outline=INSET_BORDER, width=2)
    for ring in page.inset_land:
        draw.polygon(ring, fill=NO_DATA, outline="#999999")
    for line in page.inset_dash:
        draw.line(line, fill="#333333", width=3)
    scale = width / WIDTH
    for s in project_sites(plan, page):
        alpha = 255 if s.funded else round(255 * FADED)
        colour = _rgba(s.colour, alpha)
        for line in s.routes:
            draw.line(
                line,
                fill=colour,
                width=max(1, round(_between(LINE_WIDTH, s.weight) * scale)),
                joint="curve",
            )
        r = _between(DOT_RADIUS, s.weight) * scale
        for px, py in s.points:
            draw.ellipse([px - r, py - r, px + r, py + r], fill=colour, outline="white")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _rgba(colour: str, alpha: int) -> tuple[int, int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16), alpha
