"""The Map tab's map: a choropleth of a chosen measure over the real provinces, the projects on top.

The geometry is ``planner.geography``'s page layout (the standard map's boundaries, the South China Sea
inset), drawn by Vega-Lite with the identity projection, so that the app, the HTML report and the
workbook's picture show one map. The tile grid stays as a choice (``views.tile_map``). Everything is
read from the Plan; nothing is recomputed from the model.
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from planner import Plan, geography
from planner.i18n.catalog import t
from planner.i18n.names import key_name, project_names, province_name, region_names, sector_name
from planner.i18n.units import BILLION_YUAN, shown
from planner.scenario.datasets import data_dir

from . import state, views
from .language import worded

MEASURES = ("coverage", "money", "per_person", "change")
WIDTH = 760  # points; the chart scales to the column
OUTSIDE_FILL = "#eeeeee"  # provinces without data, and those outside the scenario
YUAN_PER_BN = 1e9


def feature(geometry: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A row of a geoshape layer: its fields flat, its shape a GeoJSON feature under ``geo``."""
    return {"geo": {"type": "Feature", "geometry": geometry, "properties": {}}, **fields}


SHAPE = alt.Shape("geo:G")  # Vega-Lite's geojson field type: the rows keep their fields flat

Rows = dict[str, list[dict[str, Any]]]
"""A layer's rows by the name its chart is built with; filled into the spec after ``to_dict``."""


def named(rows: Rows, name: str, values: list[dict[str, Any]]) -> alt.Data:
    """A placeholder for ``values``, kept out of Altair: it validates and deep-copies inline rows
    (the provinces' rings) on every build and every ``to_dict``, which was most of a page's rerun.
    ``spec`` puts the rows back, so the spec is the one inline values would have given."""
    rows[name] = values
    return alt.Data(name=name)


def spec(chart: alt.LayerChart, rows: Rows) -> dict[str, Any]:
    """The chart's Vega-Lite spec with each named layer's rows inline, as ``alt.Data(values=)``."""
    built = chart.to_dict()
    for layer in built["layer"]:
        name = layer.get("data", {}).get("name")
        if name in rows:
            layer["data"] = {"values": rows[name]}
    return built


def polygon(rings: list[geography.Ring]) -> dict[str, Any]:
    return {"type": "MultiPolygon", "coordinates": [[[list(p) for p in r]] for r in rings]}


def multiline(lines: list[geography.Ring]) -> dict[str, Any]:
    return {"type": "MultiLineString", "coordinates": [[list(p) for p in line] for line in lines]}


def populations() -> dict[str, float]:
    """Province id → resident population (census 2020, data/provinces.csv)."""
    table = pd.read_csv(data_dir() / "provinces.csv", usecols=["id", "population"])
    return dict(zip(table["id"], table["population"].astype(float), strict=True))


def measure_title(measure: str, unit: str, plan_unit: str) -> str:
    if measure == "per_person":
        yuan = plan_unit.strip().lower() in BILLION_YUAN
        return t(
            "ui.map.measure.per_person_yuan" if yuan else "ui.map.measure.per_person", unit=unit
        )
    return t(f"ui.map.measure.{measure}", unit=unit)


def region_table(plan: Plan, baseline: Plan | None) -> pd.DataFrame:
    """Per region: name, coverage, money (shown unit), money per resident, change against baseline."""
    how = shown(plan.unit)
    table = views.coverage_table(plan)
    table["money"] = table["allocated"] * how.factor
    people = table["region"].map(populations())
    yuan = plan.unit.strip().lower() in BILLION_YUAN
    per = YUAN_PER_BN if yuan else 1e6 * how.factor  # yuan per resident, else unit per million
    table["per_person"] = table["allocated"] * per / people
    if baseline is not None:
        before = baseline.coverage.set_index("region")["allocated"]
        table["change"] = (table["allocated"] - table["region"].map(before)) * how.factor
    else:
        table["change"] = math.nan
    return table


def province_layers(
    plan: Plan, table: pd.DataFrame, measure: str, page: geography.Layout, rows: Rows
) -> list[alt.Chart]:
    """The choropleth (named ``choropleth``) over the outside provinces, the inset and the dashes."""
    unit = shown(plan.unit).unit
    title = measure_title(measure, unit, plan.unit)
    by_region = table.set_index("region")
    inside, outside = [], []
    for p in page.provinces:
        if not p.rings:
            continue
        if p.id in by_region.index:
            r = by_region.loc[p.id]
            inside.append(
                feature(
                    polygon(p.rings),
                    province=r["province"],
                    value=None if pd.isna(r[measure]) else float(r[measure]),
                    coverage=None if pd.isna(r["coverage"]) else float(r["coverage"]),
                    money=float(r["money"]),
                )
            )
        else:
            outside.append(feature(polygon(p.rings), province=province_name(p.id, p.name)))
    x, y, w, h = page.inset_frame
    frame = [[(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]]
    fmt = ".0%" if measure == "coverage" else ",.1f"
    scheme = "blueorange" if measure == "change" else "greens"
    choropleth = (
        alt.Chart(named(rows, "choropleth", inside), name="choropleth")
        .mark_geoshape(stroke="white", strokeWidth=0.6)
        .encode(
            shape=SHAPE,
            fill=alt.Fill(
                "value:Q",
                title=title,
                scale=alt.Scale(scheme=scheme, **({"domainMid": 0} if measure == "change" else {})),
                legend=alt.Legend(format=fmt, orient="left"),
            ),
            tooltip=[
                alt.Tooltip("province:N", title=t("ui.chart.province")),
                alt.Tooltip("value:Q", title=title, format=fmt),
                alt.Tooltip("coverage:Q", title=t("ui.chart.coverage"), format=".1%"),
                alt.Tooltip("money:Q", title=t("ui.chart.allocated", unit=unit), format=",.1f"),
            ],
        )
    )
    grey = (
        alt.Chart(named(rows, "outside", outside))
        .mark_geoshape(fill=OUTSIDE_FILL, stroke="white", strokeWidth=0.6)
        .encode(shape=SHAPE, tooltip=[alt.Tooltip("province:N", title=t("ui.chart.province"))])
    )

    def lines(name: str, rings: list[geography.Ring]) -> alt.Chart:
        return (
            alt.Chart(named(rows, name, [feature(multiline(rings))]))
            .mark_geoshape(filled=False, stroke="#333333", strokeWidth=1.2)
            .encode(shape=SHAPE)
        )

    # The inset's white frame covers the main map's dashes that fall under it, as on paper.
    blank = (
        alt.Chart(named(rows, "inset_frame", [feature(polygon(frame))]))
        .mark_geoshape(fill="white", stroke="#666666", strokeWidth=0.8)
        .encode(shape=SHAPE)
    )
    land = (
        alt.Chart(named(rows, "inset_land", [feature(polygon(page.inset_land))]))
        .mark_geoshape(fill=OUTSIDE_FILL, stroke="#999999", strokeWidth=0.4)
        .encode(shape=SHAPE)
    )
    labels = (
        alt.Chart(
            named(
                rows,
                "labels",
                [
                    {"x": p.label[0], "y": p.label[1], "label": province_name(p.id, p.name)[:14]}
                    for p in page.provinces
                    if p.rings and (p.id in by_region.index)
                ],
            )
        )
        .mark_text(fontSize=9, color="#222222")
        .encode(longitude="x:Q", latitude="y:Q", text="label:N")
    )
    dashes, inset_dashes = lines("dashes", page.dash_main), lines("inset_dashes", page.inset_dash)
    return [grey, choropleth, dashes, blank, land, inset_dashes, labels]


def project_frame(plan: Plan) -> pd.DataFrame:
    """The plan's candidate projects with their name, sector name, cost, start, status and site."""
    projects = plan.projects.copy()
    if projects.empty or plan.scenario is None:
        return projects
    how = shown(plan.unit)
    names = project_names(plan.scenario)
    projects["label"] = projects["id"].map(names).fillna(projects["name"])
    projects["sector_name"] = projects["sector"].map(lambda s: sector_name(s))
    projects["cost_shown"] = projects["cost"] * how.factor
    projects["status"] = [
        t(
            "ui.map.status.committed"
            if m
            else "ui.map.status.funded"
            if f
            else "ui.map.status.unfunded"
        )
        for m, f in zip(projects["mandatory"], projects["funded"], strict=True)
    ]
    projects["start_shown"] = projects["start"].map(lambda s: "-" if pd.isna(s) else str(s))
    return projects


def project_layers(
    plan: Plan, page: geography.Layout, rows: Rows
) -> tuple[list[alt.Chart], list[str]]:
    """Routes and sites (named ``projects`` and ``project_sites``), and the projects with no site."""
    projects = project_frame(plan)
    if projects.empty:
        return [], []
    sites = geography.sites()
    unit = shown(plan.unit).unit
    routes, points, missing = [], [], []
    for row in projects.itertuples():
        if row.id not in sites:
            missing.append(row.label)
            continue
        lines, dots = page.site(sites[row.id])
        props = {
            "name": row.label,
            "sector": row.sector_name,
            "cost": float(row.cost_shown),
            "start": row.start_shown,
            "status": row.status,
            "funded": bool(row.funded),
        }
        if lines:
            routes.append(feature(multiline(lines), **props))
        points += [{"x": x, "y": y, **props} for x, y in dots]
    colour = alt.Color("sector:N", title=t("ui.chart.sector"), scale=views.sector_scale(plan))
    status = [t("ui.map.status.committed"), t("ui.map.status.funded"), t("ui.map.status.unfunded")]
    opacity = alt.Opacity(
        "status:N", title=t("ui.map.status"), scale=alt.Scale(domain=status, range=[1, 1, 0.3])
    )
    tooltip = [
        alt.Tooltip("name:N", title=t("ui.map.project")),
        alt.Tooltip("sector:N", title=t("ui.chart.sector")),
        alt.Tooltip("cost:Q", title=t("ui.map.cost", unit=unit), format=",.1f"),
        alt.Tooltip("start:N", title=t("ui.map.start")),
        alt.Tooltip("status:N", title=t("ui.map.status")),
    ]

    cost_domain = [0, float(projects["cost_shown"].max())]
    cost_title = t("ui.map.cost", unit=unit)
    shared = {"color": colour, "opacity": opacity, "tooltip": tooltip}  # lines and dots alike
    widths = alt.Scale(domain=cost_domain, range=[1.5, 7])
    line_layer = (
        alt.Chart(named(rows, "projects", routes), name="projects")
        .mark_geoshape(filled=False, strokeCap="round")
        .encode(
            shape=SHAPE,
            strokeWidth=alt.StrokeWidth("cost:Q", title=cost_title, scale=widths),
            **shared,
        )
    )
    areas = alt.Scale(domain=cost_domain, range=[30, 500])
    dot_layer = (
        alt.Chart(named(rows, "project_sites", points), name="project_sites")
        .mark_circle(stroke="white", strokeWidth=0.8)
        .encode(
            longitude="x:Q",
            latitude="y:Q",
            size=alt.Size("cost:Q", title=cost_title, scale=areas),
            **shared,
        )
    )
    return [line_layer, dot_layer], missing


def corridor_layer(plan: Plan, page: geography.Layout, rows: Rows) -> alt.Chart | None:
    """Each corridor's members outlined as one group (dashed), named on hover."""
    if plan.scenario is None or not plan.scenario.corridors:
        return None
    outlines = [
        feature(multiline(page.outline(c.regions)), corridor=key_name("corridor", key))
        for key, c in plan.scenario.corridors.items()
    ]
    return (
        alt.Chart(named(rows, "corridors", outlines), name="corridors")
        .mark_geoshape(filled=False, strokeWidth=2.2, strokeDash=[6, 3])
        .encode(
            shape=SHAPE,
            stroke=alt.Stroke(
                "corridor:N", title=t("ui.map.corridor"), scale=alt.Scale(scheme="dark2")
            ),
            tooltip=[alt.Tooltip("corridor:N", title=t("ui.map.corridor"))],
        )
    )


def real_map(
    plan: Plan, measure: str = "coverage", baseline: Plan | None = None, corridors: bool = False
) -> tuple[dict[str, Any], list[str]]:
    """The map's Vega-Lite spec, and the names of what it cannot place (regions and projects not on
    the map)."""
    page = geography.layout(WIDTH)
    table = region_table(plan, baseline)
    rows: Rows = {}
    layers = province_layers(plan, table, measure, page, rows)
    if corridors and (outlined := corridor_layer(plan, page, rows)) is not None:
        layers.append(outlined)
    projects, missing = project_layers(plan, page, rows)
    layers += projects  # side by side, not nested: a nested layer would rename their marks
    on_map = {p.id for p in page.provinces}
    names = region_names(plan.scenario) if plan.scenario is not None else {}
    missing = [names.get(r, r) for r in table["region"] if r not in on_map] + missing
    # one layer chart, built at once with its projection, size, title, scales and view: altair
    # deep-copies every layer on each ``+`` and on each chained setter
    chart = alt.LayerChart(
        layer=layers,
        projection=alt.Projection(type="identity"),
        width=WIDTH,
        height=page.height,
        title=t("ui.map.title"),
        resolve=alt.Resolve(  # color: the sectors, lines and dots alike
            scale=alt.ScaleResolveMap(fill="independent", stroke="independent")
        ),
        config=alt.Config(view=alt.ViewConfig(stroke=None)),
        usermeta={"embedOptions": {"renderer": "svg"}},  # named marks a reader (and test) can find
    )
    return spec(chart, rows), missing


def draw(plan: Plan) -> None:
    """The Map tab's map: the real map (measure, corridors) or the tile grid."""
    baseline = state.baseline()
    left, middle, right = st.columns([2, 3, 2])
    kind = left.radio(
        t("ui.map.kind"),
        ["real", "tiles"],
        format_func=worded("ui.map.kind"),
        horizontal=True,
        key="map_kind",
    )
    if kind == "tiles":
        chart, missing = views.tile_map(plan)
        st.markdown(t("ui.map_title"))
        if chart is not None:
            st.altair_chart(chart)
        if missing:
            st.caption(t("ui.no_tile", names=t("list.separator").join(missing)))
        return
    measures = [m for m in MEASURES if m != "change" or baseline is not None]
    unit = shown(plan.unit).unit
    titles = {m: measure_title(m, unit, plan.unit) for m in measures}
    measure = middle.radio(
        t("ui.map.measure"),
        measures,
        format_func=titles.__getitem__,  # worded now: Streamlit may call it outside the script
        horizontal=True,
        key="map_measure",
    )
    corridors = right.checkbox(t("ui.map.corridors"), key="map_corridors")
    drawn, missing = real_map(plan, measure, baseline, corridors)
    st.vega_lite_chart(drawn, width="stretch")
    st.caption(t("ui.map.caption"))
    if missing:
        st.caption(t("ui.map.not_on_map", names=t("list.separator").join(missing)))
