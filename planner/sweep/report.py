"""A sweep in words: the terminal summary and the Markdown report section."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.i18n.catalog import language, t, use_language
from planner.i18n.tables import localized

if TYPE_CHECKING:
    from planner.scenario.model import Scenario
    from planner.sweep.result import SweepResult

UNCERTAIN = (0.05, 0.95)  # a pair funded in between this share of samples is a coin toss


def _grid_label(result: SweepResult, g: int) -> str:
    row = result.grid[result.grid["grid"] == g].drop(columns="grid")
    if row.empty or not len(row.columns):
        return ""
    return ", ".join(f"{k}={v}" for k, v in row.iloc[0].items())


def _headline(result: SweepResult, g: int) -> list[str]:
    samples = result.samples[result.samples["grid"] == g]
    optimal = samples["status"] == "optimal"
    regret = samples.loc[optimal, "regret"].dropna()
    scores = result.candidates[result.candidates["grid"] == g]
    chosen = scores[scores["chosen"]]
    unit = result.unit
    failed = len(samples) - optimal.sum()
    lines = [
        t("cli.sweep.optimal_samples", optimal=optimal.sum(), samples=len(samples))
        + (t("cli.sweep.failed_samples", failed=failed) if failed else "")
    ]
    if len(regret):
        lines.append(
            t(
                "cli.sweep.regret",
                mean=f"{regret.mean():.4g}",
                p90=f"{regret.quantile(0.9):.4g}",
                worst=f"{regret.max():.4g}",
                unit=unit,
            )
        )
    broken = samples.loc[optimal, "E_deterministic"].isna().sum()
    if broken:
        lines.append(t("cli.sweep.deterministic_breaks", broken=broken))
    if len(chosen):
        c = chosen.iloc[0]
        lines.append(
            t(
                "cli.sweep.robust",
                candidate=c["candidate"],
                mean=f"{c['expected_E']:.4g}",
                worst=f"{c['worst_regret']:.4g}",
                broken=int(c["broken_samples"]),
            )
        )
    else:
        lines.append(t("cli.sweep.no_robust"))
    return lines


def _uncertain(result: SweepResult, g: int, rows: int) -> pd.DataFrame:
    summary = result.summary[result.summary["grid"] == g]
    low, high = UNCERTAIN
    spread = (summary["p90"] - summary["p10"]).rename("spread")
    table = summary.assign(spread=spread)
    coin = table[(table["p_funded"] > low) & (table["p_funded"] < high)]
    rest = table.drop(coin.index).sort_values("spread", ascending=False)
    picked = pd.concat([coin.sort_values("p_funded"), rest]).head(rows)
    columns = ["region", "sector", "deterministic", "robust", "p10", "p50", "p90", "p_funded"]
    return picked[columns]


PROJECT_SUMMARY_COLUMNS = [
    "id",
    "deterministic_start",
    "robust_start",
    "p_funded",
    "likely_start",
    "likely_start_share",
]


def _projects(result: SweepResult, g: int, rows: int) -> pd.DataFrame:
    """The grid point's projects, the least certain first (funded closest to half the samples)."""
    table = result.projects[result.projects["grid"] == g]
    doubt = (table["p_funded"] - 0.5).abs().rename("doubt")
    picked = table.assign(doubt=doubt).sort_values(["doubt", "id"], kind="stable").head(rows)
    return picked[PROJECT_SUMMARY_COLUMNS]


def summary_text(result: SweepResult, rows: int = 12, scenario: Scenario | None = None) -> str:
    """In the active language; ``scenario`` (the swept one) names regions, sectors and projects."""
    settings = result.settings
    lines = [
        t(
            "cli.sweep.head",
            scenario=result.scenario_name,
            samples=settings.get("samples"),
            seed=settings.get("seed"),
            vary=", ".join(settings.get("vary", [])) or t("cli.sweep.nothing"),
        )
    ]
    with pd.option_context("display.unicode.east_asian_width", language() == "zh"):
        for g in result.grid["grid"]:
            label = _grid_label(result, g)
            lines.append("")
            lines.append(t("cli.sweep.grid", grid=g) + (f": {label}" if label else ""))
            lines += ["  " + line for line in _headline(result, g)]
            table = localized(_uncertain(result, g, rows), scenario)
            lines.append("  " + t("cli.sweep.uncertain", unit=result.unit))
            lines += [
                "    " + line
                for line in table.to_string(index=False, float_format=_fmt).splitlines()
            ]
            if len(result.projects):
                projects = localized(_projects(result, g, rows), scenario)
                lines.append("  " + t("cli.sweep.projects"))
                lines += [
                    "    " + line
                    for line in projects.to_string(index=False, float_format=_fmt).splitlines()
                ]
    lines.append("")
    lines.append(f"{result.timings.get('total_s', np.nan):.1f} s")
    return "\n".join(lines)


def report_section(result: SweepResult, rows: int = 20) -> str:
    """The Markdown section (docs/sweeps.md), in English whatever the active language."""
    with use_language("en"):
        return _report_section(result, rows)


def _report_section(result: SweepResult, rows: int) -> str:
    settings = result.settings
    parts = [
        "## Uncertainty sweep",
        "",
        f"Scenario **{result.scenario_name}**; {settings.get('samples')} samples per grid point, "
        f"seed {settings.get('seed')}; varied: {', '.join(settings.get('vary', [])) or 'nothing'}.",
        "",
        f"Method. {result.method}",
    ]
    for g in result.grid["grid"]:
        label = _grid_label(result, g)
        parts += ["", f"### Grid point {g}{': ' + label if label else ''}", ""]
        parts += [f"- {line}" for line in _headline(result, g)]
        table = _uncertain(result, g, rows)
        parts += ["", f"Least certain allocations ({result.unit}, summed over periods):", ""]
        parts.append(_markdown(table))
        if len(result.projects):
            parts += ["", "Candidate projects, least certain first:", ""]
            parts.append(_markdown(_projects(result, g, rows)))
    return "\n".join(parts) + "\n"


def _fmt(value: float) -> str:
    return f"{value:.3g}"


def _markdown(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = [
        "| " + " | ".join(_fmt(v) if isinstance(v, float) else str(v) for v in row) + " |"
        for row in frame.itertuples(index=False)
    ]
    return "\n".join([header, rule, *body])
