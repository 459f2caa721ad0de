"""The report's content as plain tables, computed once from a Plan and shared by every format.

Columns carry machine names (``amount``, ``coverage``); :func:`label` turns one into a header with its
unit for the human-facing formats, and :data:`MONEY` / :data:`SHARES` tell them how to format numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from planner.analysis.meaning import meaning
from planner.analysis.projects import choice_words, funded_share, group_choices
from planner.i18n.catalog import DEFAULT_LANGUAGE, catalog, language, sentences, t
from planner.i18n.names import criterion_names, key_name, project_names
from planner.i18n.names import region_names as names_of_regions
from planner.i18n.units import shown
from planner.reports.approval import Approval, approval_rows
from planner.scenario.projects import PROJECT_COLUMNS
from planner.solve.plan import Plan

MONEY = {
    "planned",  # the plan against actual (actuals.md)
    "spent",
    "difference",
    "replanned",
    "least",
    "most",
    "optimal_plan",
    "amount",
    "need",
    "allocated",
    "budget",
    "carried_in",
    "carried_out",
    "lapsed",
    "lhs",
    "rhs",
    "total",
    "max_per_period",
    "shared_need",
    "cost",
    "E_if_swapped",
    "cost_in_E",
    "available",  # funding.md's sources and debt tables
    "used",
    "unused",
    "drawn",
    "room",
}
"""Columns in the scenario's unit of money."""

SHARES = {
    "coverage",
    "floor",
    "min_share_of_need",
    "share_min",
    "share_max",
    "sector_coverage",
    "min_coverage",
    "distance_to_optimal",
    "least_distance_to_others",
    "use",
}
"""Columns that are a share in [0, 1], shown as percentages."""

CASH_PREFIX = "cash_"
"""Projects tables: ``cash_2026`` is a project's cash in period 2026 (unit)."""
SCORE_PREFIX, PART_PREFIX = "score_", "part_"
"""Needs with criteria: ``score_ecology`` is the pair's ecology score as given, ``part_ecology`` that
criterion's part of the derived benefit (criteria.md)."""


def label(column: str, unit: str) -> str:
    """A column header with its unit, in the active language: ``Amount (CNY bn)``, ``金额 (亿元)``,
    ``Coverage (%)``. Money is labelled in the unit it is shown in (:func:`money_factor`)."""
    known = f"column.{column}" in catalog(DEFAULT_LANGUAGE)
    text = t(f"column.{column}") if known else column.replace("_", " ").capitalize()
    money_unit = shown(unit).unit
    if column in MONEY:
        return f"{text} ({money_unit})"
    if column in SHARES:
        return f"{text} (%)"
    if column == "dual":
        return t("column.dual_unit", label=text, unit=money_unit)
    if column.startswith(CASH_PREFIX):
        return cash_label(column[len(CASH_PREFIX) :], unit)
    for prefix in (SCORE_PREFIX, PART_PREFIX):
        if column.startswith(prefix):
            criterion = key_name("criterion", column[len(prefix) :])
            return t(f"column.criterion_{prefix.rstrip('_')}", criterion=criterion)
    return text


def cash_label(period: str, unit: str) -> str:
    """The header of a project's cash in ``period`` (the period's text as shown), with the unit."""
    return t("column.cash", period=period) + f" ({shown(unit).unit})"


NAMED_COLUMNS = {"sector": "sector", "profile": "profile", "corridor": "corridor", "group": "group"}
"""Columns holding a key that has a display name (:func:`planner.i18n.names.key_name`)."""


def named(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with sectors, profiles, corridors and groups by their names in the active language
    (unchanged in English, where the name is the key)."""
    if language() == DEFAULT_LANGUAGE:
        return frame
    frame = frame.copy()
    for column, kind in NAMED_COLUMNS.items():
        if column in frame.columns:
            frame[column] = [key_name(kind, v) if isinstance(v, str) else v for v in frame[column]]
    return frame


def money_factor(unit: str) -> float:
    """Scenario unit → shown unit of money (10 for 亿元 from CNY bn, else 1)."""
    return shown(unit).factor


def is_money(column: str) -> bool:
    """A column in the scenario's unit of money (a project's cash in a period included)."""
    return column in MONEY or column.startswith(CASH_PREFIX)


@dataclass(frozen=True)
class ReportInfo:
    """Who wrote the report, and when (UTC ISO 8601)."""

    planner_version: str
    written_at: str
    alternatives: Any = None
    """Near-optimal alternatives to add (:class:`planner.Alternatives`), or None for none."""
    attribution: Any = None
    """The :class:`~planner.analysis.attribution.Attribution` of the plan against a baseline, when
    the report compares it with one (its section appears then)."""
    approval: Approval | None = None
    """The stored run the plan is and its decision (:func:`approval_of`), when it was recorded."""
    against: Any = None
    """A re-plan's :class:`~planner.analysis.replan.PlanAgainstActual`, when the report compares
    it with the plan it revises (actuals.md; its tables join the Plan against actual sheet)."""

    @classmethod
    def now(cls, attribution: Any = None, approval: Approval | None = None) -> ReportInfo:
        from planner import __version__

        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        return cls(__version__, stamp, attribution=attribution, approval=approval)


def attribution_table(info: ReportInfo) -> pd.DataFrame:
    """One row per group of input changes: what changed, its share of each metric's change
    (Shapley value) and its effect alone; empty without a baseline."""
    result = info.attribution
    if result is None or not result.groups:
        return pd.DataFrame()
    table = result.table()
    table.insert(1, "change", [result.words_in().get(g, g) for g in table["group"]])
    return table[[c for c in table.columns if not c.endswith("_interaction")]]


def has_allocation(plan: Plan) -> bool:
    """True when the plan holds a solution worth tabulating (optimal, or the best at a time limit)."""
    return plan.status in ("optimal", "time limit") and plan.objective is not None


def scenario_of(plan: Plan) -> Any:
    if plan.scenario is None:
        raise ValueError("this plan does not carry its scenario; make it with planner.solve()")
    return plan.scenario


def scenario_name(plan: Plan) -> str:
    """The plan's scenario by its name in the active language (``name_zh`` in Chinese)."""
    return plan.scenario.display_name() if plan.scenario is not None else plan.scenario_name


def region_names(plan: Plan) -> dict[str, str]:
    """Region id → name in the active language."""
    return names_of_regions(scenario_of(plan))


def summary(plan: Plan, info: ReportInfo) -> list[tuple[str, Any, str]]:
    """(label, value, kind) rows of the Summary sheet; kind is ``money``, ``share``, ``number`` or
    ``text``. Money is in the scenario's unit (the label names the shown one: multiply by
    :func:`money_factor`)."""
    return [(text, value, kind) for _, text, value, kind in summary_rows(plan, info)]


def summary_rows(plan: Plan, info: ReportInfo) -> list[tuple[str, str, Any, str]]:
    """(key, label, value, kind): :func:`summary` with each row's language-free key."""
    budget = float(math.fsum(plan.budget["budget"])) if len(plan.budget) else 0.0
    solved = has_allocation(plan)
    unit = shown(plan.unit).unit
    rows: list[tuple[str, Any, str]] = [
        ("scenario", scenario_name(plan), "text"),
        ("digest", plan.scenario_digest, "text"),
        ("status", t(f"status.{plan.status.replace(' ', '_')}"), "text"),
        ("mode", t(f"mode.{plan.mode}"), "text"),
        ("objective", plan.objective, "number"),
        ("benefit", plan.E, "number"),
        ("min_coverage", plan.min_coverage, "share"),
        ("budget", budget, "money"),
        ("used", plan.allocated_total if solved else None, "money"),
        ("unspent", plan.unspent_total if solved else None, "money"),
        ("used_share", plan.allocated_total / budget if solved and budget else None, "share"),
        *_project_summary(plan),
        *approval_rows(info.approval),
        ("solved_at", plan.solved_at or None, "text"),
        ("written_at", info.written_at, "text"),
        ("version", info.planner_version, "text"),
        ("message", plan_message(plan) or None, "text"),
    ]
    return [(key, t(f"report.summary.{key}", unit=unit), v, kind) for key, v, kind in rows]


def pair_needs(plan: Plan) -> pd.DataFrame:
    """``region, sector, need`` for every pair the scenario lists."""
    needs = scenario_of(plan).needs
    return pd.DataFrame(
        [(n.region, n.sector, n.need) for n in needs], columns=["region", "sector", "need"]
    )


def allocation(plan: Plan) -> pd.DataFrame:
    """Tidy allocation with the pair's need over the horizon and its coverage (allocated ÷ need).

    Columns: ``region, name, sector, period, amount, need, coverage`` (coverage blank for a zero need).
    """
    frame = plan.allocation.copy()
    pairs = _pair_coverage(plan)
    frame = frame.merge(
        pairs[["region", "sector", "need", "coverage"]], on=["region", "sector"], how="left"
    )
    frame.insert(1, "name", frame["region"].map(region_names(plan)))
    columns = ["region", "name", "sector", "period", "amount", "need", "coverage"]
    return with_locked(plan, frame[columns])


def with_locked(plan: Plan, frame: pd.DataFrame) -> pd.DataFrame:
    """A table with a ``period`` column, and for a re-plan a ``locked`` column marking the periods
    the past fixed (actuals.md); the table itself for any other plan."""
    if plan.actuals is None:
        return frame
    from planner.reports.replan import locked_marks

    return frame.assign(locked=locked_marks(plan, frame["period"]))


def _pair_coverage(plan: Plan) -> pd.DataFrame:
    funded = (
        plan.allocation.groupby(["region", "sector"], sort=False)["amount"]
        .sum()
        .rename("allocated")
    )
    pairs = pair_needs(plan).merge(funded.reset_index(), on=["region", "sector"], how="left")
    pairs["allocated"] = pairs["allocated"].fillna(0.0)
    pairs["coverage"] = [
        a / n if n > 0 else math.nan for a, n in zip(pairs["allocated"], pairs["need"], strict=True)
    ]
    return pairs


def region_sector(plan: Plan) -> pd.DataFrame:
    """Allocation over all periods, one row per region (in scenario order) and one column per sector,
    with a ``total`` column and a final ``total`` row. Index: region id."""
    scenario = scenario_of(plan)
    table = plan.by_region_sector().reindex(
        index=[r.id for r in scenario.regions], columns=list(scenario.sectors), fill_value=0.0
    )
    table = table.fillna(0.0)
    table["total"] = table.sum(axis=1)
    table.loc["total"] = table.sum(axis=0)
    table.index.name = "region"
    table.columns.name = None
    return table


def coverage(plan: Plan) -> pd.DataFrame:
    """Per region: ``region, name, need, allocated, coverage, floor`` and then the coverage of each
    sector's need (column named after the sector; blank where the region has no need there)."""
    scenario = scenario_of(plan)
    frame = plan.coverage.copy()
    frame.insert(1, "name", frame["region"].map(region_names(plan)))
    by_sector = _pair_coverage(plan).pivot_table(
        index="region", columns="sector", values="coverage", aggfunc="first", dropna=False
    )
    for sector in scenario.sectors:
        column = by_sector[sector] if sector in by_sector.columns else pd.Series(dtype=float)
        frame[sector] = frame["region"].map(column)
    return frame


def constraints(plan: Plan) -> pd.DataFrame:
    """Binding constraints, largest shadow price first: ``constraint, kind, lhs, rhs, dual, meaning``."""
    binding = plan.binding_constraints()
    if binding.empty:
        return pd.DataFrame(columns=["constraint", "kind", "lhs", "rhs", "dual", "meaning"])
    binding = binding.reindex(
        binding["dual"].abs().sort_values(ascending=False, kind="stable").index
    )
    scenario = scenario_of(plan)
    binding["meaning"] = [
        meaning(row, plan.unit, scenario, plan.mode) for row in binding.to_dict("records")
    ]
    return binding.rename(columns={"name": "constraint"})[
        ["constraint", "kind", "lhs", "rhs", "dual", "meaning"]
    ].reset_index(drop=True)


def budget(plan: Plan) -> pd.DataFrame:
    """The budget per period, its locked periods marked for a re-plan."""
    return with_locked(plan, plan.budget.copy())


def plan_message(plan: Plan) -> str:
    """The plan's message in the report's language when it is its diagnosis's headline (worded in
    every language), else as the solve gave it."""
    diagnosis = plan.diagnosis
    if hasattr(diagnosis, "lines_in") and diagnosis.lines and plan.message == diagnosis.lines[0]:
        return str(diagnosis.lines_in()[0])
    return plan.message


def diagnosis_lines(plan: Plan) -> list[str]:
    """Why the plan has no solution, in words: the diagnosis if one was run, else the solve's message."""
    diagnosis = plan.diagnosis
    lines = (
        diagnosis.lines_in() if hasattr(diagnosis, "lines_in") else None
    )  # in the report's language
    fallback = plan.message or t("report.status_line", status=plan.status)
    return [str(line) for line in lines] if lines else [fallback]


def needs_with_benefits(s: Any) -> pd.DataFrame:
    """The needs with each pair's benefit and, with criteria, its scores (``score_<key>``) and each
    criterion's part (``part_<key>``) of the derived benefit."""
    keys = list(s.criteria or {})
    benefits, parts = s.derived_benefits(), s.benefit_parts()
    rows = [
        (
            n.region,
            n.sector,
            n.need,
            benefits[(n.region, n.sector)],
            *(n.scores.get(c, 0.0) for c in keys),
            *(parts[(n.region, n.sector)][c] for c in keys),
        )
        for n in s.needs
    ]
    columns = [
        "region",
        "sector",
        "need",
        "benefit",
        *(SCORE_PREFIX + c for c in keys),
        *(PART_PREFIX + c for c in keys),
    ]
    return pd.DataFrame(rows, columns=columns)


def criteria_weights(s: Any) -> pd.DataFrame:
    """The criteria (key, name in the active language, weight); empty without criteria."""
    names = criterion_names(s)
    return pd.DataFrame(
        [(key, names[key], c.weight) for key, c in (s.criteria or {}).items()],
        columns=["criterion", "criterion_name", "weight"],
    )


def assumptions(plan: Plan) -> list[tuple[str, pd.DataFrame]]:
    """The scenario's inputs as titled tables, so a report stands on its own."""
    s = scenario_of(plan)
    yes_no = t("report.yes") if s.carry_over else t("report.no")
    settings = [
        ("name", s.name),
        ("unit", s.unit),
        ("periods", ", ".join(str(p) for p in s.periods)),
        ("budget_per_period", ", ".join(f"{b:g}" for b in s.budget_per_period())),
        ("total_budget", s.total_budget()),
        ("carry_over", yes_no),
        ("discount_rate", s.discount_rate),
        ("tranches", ", ".join(f"{x:g}" for x in s.tranches)),
        ("redundancy_tolerance", s.redundancy_tolerance),
        ("mode", t(f"mode.{s.objective.mode}")),
        ("equity_weight", s.objective.equity_weight),
    ]
    general = pd.DataFrame(
        [(t(f"report.setting.{key}", unit=s.unit), value) for key, value in settings],
        columns=["setting", "value"],
    )
    names = names_of_regions(s)
    regions = annotated(
        pd.DataFrame(
            [
                (r.id, names[r.id], r.profile or "", r.min_share_of_need, r.max_per_period)
                for r in s.regions
            ],
            columns=["region", "name", "profile", "min_share_of_need", "max_per_period"],
        ),
        s.regions,
    )
    needs = annotated(needs_with_benefits(s), s.needs)
    profiles = pd.DataFrame(
        [
            (
                name,
                sector,
                p.weight.get(sector, 1.0),
                p.share_min.get(sector, 0.0),
                p.share_max.get(sector, 1.0),
            )
            for name, p in s.profiles.items()
            for sector in s.sectors
        ],
        columns=["profile", "sector", "weight", "share_min", "share_max"],
    )
    corridors = pd.DataFrame(
        [
            (name, sector, amount, ", ".join(c.regions))
            for name, c in s.corridors.items()
            for sector, amount in c.shared_need.items()
        ],
        columns=["corridor", "sector", "shared_need", "regions"],
    )
    return [
        (t("report.title.settings"), general),
        (t("report.title.regions"), regions),
        (t("report.title.needs"), needs),
        *_criteria_inputs(plan),
        (t("report.title.profiles"), profiles),
        (t("report.title.corridors"), corridors),
        *_project_inputs(s),
    ]


def _criteria_inputs(plan: Plan) -> list[tuple[str, pd.DataFrame]]:
    """The criteria's weights with each one's part of the plan's programme E; none without criteria."""
    s = scenario_of(plan)
    if not s.criteria:
        return []
    table = criteria_weights(s)
    if len(plan.criteria):
        table["E_part"] = plan.criteria["E"].to_numpy()
    return [(t("report.title.criteria"), table)]


def _project_inputs(s: Any) -> list[tuple[str, pd.DataFrame]]:
    """The candidates as the scenario gives them, and the groups' limits; none without projects."""
    if not s.projects:
        return []
    limits = pd.DataFrame(
        [(name, g.max) for name, g in s.project_groups.items()], columns=["group", "max"]
    )
    candidates = annotated(candidate_inputs(s), s.projects)
    return [
        (t("report.title.candidates"), candidates),
        (t("report.title.project_groups"), limits),
    ]


def annotated(frame: pd.DataFrame, rows: Any) -> pd.DataFrame:
    """``frame`` (one row per input row) with the rows' annotation columns (``source``, ``note``,
    …) after the spec's, in the order first given, blank where a row has none; a name the table
    already shows gets `` (note)`` added."""
    notes = [row.annotations for row in rows]
    for key in dict.fromkeys(k for n in notes for k in n):
        column = f"{key} (note)" if key in frame.columns else key
        frame[column] = [n.get(key, "") for n in notes]
    return frame


def candidate_inputs(s: Any) -> pd.DataFrame:
    """The scenario's candidate projects as given: the spec's columns (blank for a default)."""
    return pd.DataFrame(
        [
            {
                "id": p.id,
                "name": p.name,
                "region": p.region,
                "sector": p.sector,
                "cost": p.cost,
                "duration": p.duration,
                "earliest": "" if p.earliest is None else str(p.earliest),
                "latest": "" if p.latest is None else str(p.latest),
                "value": p.value,
                "mandatory": p.mandatory,
                "group": p.group or "",
                "requires": "; ".join(p.requires),
            }
            for p in s.projects
        ],
        columns=list(PROJECT_COLUMNS),
    )


# ---- candidate projects (projects.md); every function is empty for a plan without them ----


def has_projects(plan: Plan) -> bool:
    return bool(len(plan.projects))


def _project_summary(plan: Plan) -> list[tuple[str, Any, str]]:
    if not has_projects(plan):
        return []
    share = funded_share(plan)
    return [
        ("projects_funded", t("report.of", part=share.funded, whole=share.candidates), "text"),
        ("projects_cost", share.cost, "money"),
        ("projects_share", share.share, "share"),
        ("gap", plan.gap, "number"),
        ("shadow_prices", t("report.duals_fixed"), "text"),
    ]


def projects(plan: Plan) -> pd.DataFrame:
    """Every candidate: ``id, name, region, sector, group, mandatory, funded, start, cost, value``
    and its cash in each period (``cash_<period>``, 0 where it pays nothing, unit)."""
    frame = plan.projects.copy()
    periods = [str(t) for t in scenario_of(plan).periods]
    cash = plan.project_cash.pivot_table(
        index="id", columns="period", values="amount", aggfunc="sum", sort=False
    )
    cash.columns = [str(c) for c in cash.columns]
    for period in periods:
        column = cash[period] if period in cash.columns else pd.Series(dtype=float)
        frame[CASH_PREFIX + period] = frame["id"].map(column).fillna(0.0).astype(float)
    frame["group"] = frame["group"].fillna("")
    return frame


def funded_cash(plan: Plan) -> list[tuple[str, str, dict[str, float]]]:
    """(name, sector, cash per period label) of every funded project, in start order; the name in
    the active language (its id added only where two funded projects share a name)."""
    table = projects(plan)
    funded = table[table["funded"]]
    order = [str(t) for t in scenario_of(plan).periods]
    starts = funded["start"].map(lambda t: order.index(str(t)))
    funded = funded.assign(start_position=starts).sort_values("start_position", kind="stable")
    names = project_names(scenario_of(plan))
    shown = [names.get(i) or str(n or i) for i, n in zip(funded["id"], funded["name"], strict=True)]
    twice = {n for n in shown if shown.count(n) > 1}
    return [
        (
            f"{name} ({row['id']})" if name in twice else name,
            str(row["sector"]),
            {t: float(row[CASH_PREFIX + t]) for t in order},
        )
        for name, row in zip(shown, funded.to_dict("records"), strict=True)
    ]


def project_groups(plan: Plan, with_words: bool = True) -> pd.DataFrame:
    """Per group: ``group, max, funded, chosen, left_out`` and ``words``: what a binding group
    chose over what and each swap's cost in E (:func:`planner.group_choices`, re-solved once per
    plan and kept on it, so several reports of one plan pay once). ``with_words=False`` words only
    what is already kept (blank otherwise) and solves nothing."""
    columns = ["group", "max", "funded", "chosen", "left_out", "words"]
    scenario = scenario_of(plan)
    if not has_projects(plan) or not scenario.project_groups:
        return pd.DataFrame(columns=columns)
    choices = group_choices_of(plan) if with_words else plan.priced_choices
    worded: dict[str, list[str]] = {}
    for row in [] if choices is None else choices.to_dict("records"):  # in the report's language
        worded.setdefault(row["group"], []).append(choice_words(plan, row))
    words = {group: sentences(lines) for group, lines in worded.items()}
    rows = []
    for group, limit in scenario.project_groups.items():
        members = plan.projects[plan.projects["group"] == group]
        chosen = members.loc[members["funded"], "id"].tolist()
        left = members.loc[~members["funded"], "id"].tolist()
        said = words.get(group) or (
            t("report.group_not_binding", funded=len(chosen), limit=limit.max)
            if choices is not None
            else ""
        )
        rows.append((group, limit.max, len(chosen), ", ".join(chosen), ", ".join(left), said))
    return pd.DataFrame(rows, columns=columns)


def group_choices_of(plan: Plan, live: Any = None) -> pd.DataFrame:
    """:func:`planner.group_choices` of the plan, computed on first use and kept on the plan
    (:attr:`Plan.priced_choices`)."""
    if plan.priced_choices is None:
        plan.priced_choices = group_choices(plan, live)
    return plan.priced_choices
