"""Charts as inline SVG, written by hand: a report opens offline and prints crisply, with no script
and no request to any network address.

Each function returns one ``<svg>`` element sized by its ``viewBox`` (it scales to the page width).
All text passes through :func:`html.escape`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from planner.i18n.catalog import t, text_width

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#555555")
"""Okabe-Ito colours: distinguishable with the common colour-vision deficiencies."""

WIDTH = 720
LABEL_W = 150
ROW_H = 20
FONT = (
    "font-family=\"Helvetica, Arial, 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', "
    '\'Microsoft YaHei\', sans-serif" font-size="11"'
)  # CJK fonts found offline on Linux, macOS and Windows


def sector_colours(sectors: Sequence[str]) -> dict[str, str]:
    return {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(sectors)}


def _svg(height: float, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'class="chart" {FONT}><title>{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {extra}>{escape(text)}</text>'


def _rect(x: float, y: float, w: float, h: float, fill: str, extra: str = "") -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" fill="{fill}" {extra}/>'


def _legend(items: Sequence[tuple[str, str]], y: float) -> list[str]:
    parts, x = [], LABEL_W
    for name, colour in items:
        parts += [_rect(x, y - 9, 10, 10, colour), _text(x + 14, y, name)]
        x += 24 + 7 * text_width(name)
    return parts


def _nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= value)


def _axis(top: float, bottom: float, maximum: float, plot_w: float, fmt: str) -> list[str]:
    parts = []
    for i in range(5):
        value = maximum * i / 4
        x = LABEL_W + plot_w * i / 4
        parts.append(
            f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="#ddd"/>'
        )
        parts.append(_text(x, bottom + 13, fmt.format(value), "middle", 'fill="#555"'))
    return parts


def stacked_bars(
    rows: Sequence[tuple[str, dict[str, float]]], sectors: Sequence[str], unit: str, title: str
) -> str:
    """Horizontal bars, one per region, stacked by sector; the total at the end of each bar."""
    colours = sector_colours(sectors)
    plot_w = WIDTH - LABEL_W - 70
    maximum = _nice_max(max((sum(v.values()) for _, v in rows), default=0.0))
    top, body = 28, _legend([(s, colours[s]) for s in sectors], 14)
    bottom = top + ROW_H * len(rows)
    body += _axis(top, bottom, maximum, plot_w, "{:,.0f}")
    for i, (name, amounts) in enumerate(rows):
        y, x = top + i * ROW_H, float(LABEL_W)
        body.append(_text(LABEL_W - 6, y + 14, name, "end"))
        for sector in sectors:
            w = plot_w * amounts.get(sector, 0.0) / maximum
            label = f"{name}, {sector}: {amounts.get(sector, 0.0):,.1f} {unit}"
            body.append(
                _rect(x, y + 3, w, ROW_H - 6, colours[sector]).replace(
                    "/>", f"><title>{escape(label)}</title></rect>"
                )  # a tooltip on screen
            )
            x += w
        body.append(_text(x + 4, y + 14, f"{sum(amounts.values()):,.1f}"))
    body.append(_text(LABEL_W + plot_w / 2, bottom + 28, unit, "middle", 'fill="#555"'))
    return _svg(bottom + 36, title, body)


def coverage_bars(rows: Sequence[tuple[str, float, float]], title: str) -> str:
    """Per region, the funded share of its need as a bar and its equity floor as a black tick."""
    plot_w = WIDTH - LABEL_W - 70
    top = 28
    body = _legend([(t("chart.coverage"), PALETTE[0])], 14)
    body += [
        f'<line x1="{LABEL_W + 90}" y1="5" x2="{LABEL_W + 90}" y2="15" stroke="#000" stroke-width="2"/>',
        _text(LABEL_W + 96, 14, t("chart.equity_floor")),
    ]
    bottom = top + ROW_H * len(rows)
    body += _axis(top, bottom, 1.0, plot_w, "{:.0%}")
    for i, (name, share, floor) in enumerate(rows):
        y = top + i * ROW_H
        body.append(_text(LABEL_W - 6, y + 14, name, "end"))
        if math.isfinite(share):
            body.append(_rect(LABEL_W, y + 3, plot_w * min(share, 1.0), ROW_H - 6, PALETTE[0]))
            body.append(_text(LABEL_W + plot_w * min(share, 1.0) + 4, y + 14, f"{share:.0%}"))
        else:
            body.append(_text(LABEL_W + 4, y + 14, t("chart.no_need"), extra='fill="#555"'))
        fx = LABEL_W + plot_w * floor
        body.append(
            f'<line x1="{fx:.1f}" y1="{y + 1:.1f}" x2="{fx:.1f}" y2="{y + ROW_H - 1:.1f}" '
            'stroke="#000" stroke-width="2"/>'
        )
    return _svg(bottom + 22, title, body)


BUDGET_PARTS = (("spent", PALETTE[0]), ("carried_out", PALETTE[4]), ("lapsed", PALETTE[5]))


def budget_bars(periods: Sequence[tuple[str, dict[str, float]]], unit: str, title: str) -> str:
    """Per period, a column of what was spent, carried on and lapsed, over the money available
    (budget plus what was carried in, marked by a black line at the budget alone)."""
    height, top, left = 260, 30, 70
    plot_h = height - top - 40
    maximum = _nice_max(max((sum(v[k] for k, _ in BUDGET_PARTS) for _, v in periods), default=0.0))
    body = _budget_legend()
    for i in range(5):
        y = top + plot_h * (1 - i / 4)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - 10}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        body.append(_text(left - 6, y + 4, f"{maximum * i / 4:,.0f}", "end", 'fill="#555"'))
    slot = (WIDTH - left - 10) / max(len(periods), 1)
    for i, (label, values) in enumerate(periods):
        x, y = left + i * slot + slot * 0.2, top + plot_h
        for part, colour in BUDGET_PARTS:
            h = plot_h * values[part] / maximum
            y -= h
            body.append(_rect(x, y, slot * 0.6, h, colour))
        by = top + plot_h * (1 - values["budget"] / maximum)
        body.append(
            f'<line x1="{x - 4:.1f}" y1="{by:.1f}" x2="{x + slot * 0.6 + 4:.1f}" y2="{by:.1f}" '
            'stroke="#000" stroke-width="2"/>'
        )
        body.append(_text(x + slot * 0.3, top + plot_h + 14, label, "middle"))
    body.append(
        _text(
            12,
            top + plot_h / 2,
            unit,
            "middle",
            f'transform="rotate(-90 12 {top + plot_h / 2:.0f})"',
        )
    )
    return _svg(height, title, body)


def _budget_legend() -> list[str]:
    names = [(t(f"chart.{p}"), c) for p, c in BUDGET_PARTS]
    parts = _legend(names, 14)
    x = LABEL_W + 24 * 3 + 7 * sum(text_width(p) for p, _ in names)
    return parts + [
        f'<line x1="{x}" y1="9" x2="{x + 14}" y2="9" stroke="#000" stroke-width="2"/>',
        _text(x + 18, 14, t("chart.budget_of_period")),
    ]


def _short(name: str, limit: int = 11) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _shade(share: float) -> tuple[str, str]:
    """A colour on a light-to-dark blue ramp for a share in [0, 1], and a readable ink on it."""
    if not math.isfinite(share):
        return "#eeeeee", "#333333"
    share = min(max(share, 0.0), 1.0)
    light, dark = (222, 235, 247), (8, 48, 107)
    rgb = [round(a + (b - a) * share) for a, b in zip(light, dark, strict=True)]
    return "#{:02x}{:02x}{:02x}".format(*rgb), "#ffffff" if share > 0.5 else "#111111"


def _scale(y: float) -> list[str]:
    parts = [_text(10, y, t("chart.coverage_scale"))]
    for i in range(6):
        share = i / 5
        parts += [
            _rect(70 + i * 46, y - 10, 44, 12, _shade(share)[0]),
            _text(70 + i * 46 + 22, y + 12, f"{share:.0%}", "middle", 'fill="#555" font-size="9"'),
        ]
    return parts


def project_timeline(
    rows: Sequence[tuple[str, str, dict[str, float]]],
    periods: Sequence[str],
    sectors: Sequence[str],
    unit: str,
    title: str,
) -> str:
    """One row per funded project, one column per period: a bar where the project pays, coloured
    by its sector and labelled with its cash in that period; the periods' totals underneath."""
    colours = sector_colours(sectors)
    slot = (WIDTH - LABEL_W - 10) / max(len(periods), 1)
    top = 42
    body = _legend([(s, colours[s]) for s in sectors], 14)
    body += [_text(LABEL_W + slot * (j + 0.5), top - 6, t, "middle") for j, t in enumerate(periods)]
    totals = dict.fromkeys(periods, 0.0)
    for i, (name, sector, cash) in enumerate(rows):
        y = top + i * ROW_H
        body.append(_text(LABEL_W - 6, y + 14, _short(name, 24), "end"))
        for j, period in enumerate(periods):
            amount = cash.get(period, 0.0)
            if amount <= 0:
                continue
            totals[period] += amount
            tip = f"{name}, {period}: {amount:,.1f} {unit}"
            body.append(
                _rect(LABEL_W + slot * j + 1, y + 3, slot - 2, ROW_H - 6, colours[sector]).replace(
                    "/>", f"><title>{escape(tip)}</title></rect>"
                )
            )
            body.append(
                _text(LABEL_W + slot * (j + 0.5), y + 14, f"{amount:,.1f}", "middle", 'fill="#fff"')
            )
    bottom = top + ROW_H * len(rows)
    body.append(
        _text(LABEL_W - 6, bottom + 16, t("chart.total", unit=unit), "end", 'font-weight="bold"')
    )
    body += [
        _text(
            LABEL_W + slot * (j + 0.5),
            bottom + 16,
            f"{totals[t]:,.1f}",
            "middle",
            'font-weight="bold"',
        )
        for j, t in enumerate(periods)
    ]
    return _svg(bottom + 26, title, body)
