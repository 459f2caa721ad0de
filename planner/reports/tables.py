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
from planner.analysis.projects import DUALS_WITH_PROJECTS, funded_share, group_choices
from planner.scenario.projects import PROJECT_COLUMNS
from planner.solve.plan import Plan

MONEY = {
    "least",
    "most",
    "optimal_plan",
    "amount",
    "need",
    "allocated",
    "budget",
    "carried_in",
    "spent",
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
}
"""Columns that are a share in [0, 1], shown as percentages."""

LABELS = {
    "region": "Region id",
    "name": "Region",
    "sector": "Sector",
    "period": "Period",
    "amount": "Amount",
    "need": "Need",
    "allocated": "Allocated",
    "coverage": "Coverage",
    "floor": "Floor",
    "kind": "Kind",
    "lhs": "Used",
    "rhs": "Limit",
    "dual": "Shadow price",
    "meaning": "Meaning",
    "constraint": "Constraint",
    "budget": "Budget",
    "carried_in": "Carried in",
    "spent": "Spent",
    "carried_out": "Carried out",
    "lapsed": "Lapsed",
    "total": "Total",
    "id": "Id",
    "group": "Group",
    "mandatory": "Mandatory",
    "funded": "Funded",
    "start": "Start",
    "cost": "Cost",
    "value": "Value (E)",
    "max": "At most",
    "chosen": "Chosen",
    "left_out": "Left out",
    "words": "The choice in words",
}


CASH_PREFIX = "cash_"
"""Projects tables: ``cash_2026`` is a project's cash in period 2026 (unit)."""


def label(column: str, unit: str) -> str:
    """A column header with its unit: ``Amount (CNY bn)``, ``Coverage (%)``."""
    text = LABELS.get(column, column.replace("_", " ").capitalize())
    if column in MONEY:
        return f"{text} ({unit})"
    if column in SHARES:
        return f"{text} (%)"
    if column == "dual":
        return f"{text} (objective per {unit})"
    if column.startswith(CASH_PREFIX):
        return f"Cash {column[len(CASH_PREFIX) :]} ({unit})"
    return text


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

    @classmethod
    def now(cls, attribution: Any = None) -> ReportInfo:
        from planner import __version__

        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        return cls(__version__, stamp, attribution=attribution)


def attribution_table(info: ReportInfo) -> pd.DataFrame:
    """One row per group of input changes: what changed, its share of each metric's change
    (Shapley value) and its effect alone; empty without a baseline."""
    result = info.attribution
    if result is None or not result.groups:
        return pd.DataFrame()
    table = result.table()
    table.insert(1, "change", [result.words.get(g, g) for g in table["group"]])
    return table[[c for c in table.columns if not c.endswith("_interaction")]]


def has_allocation(plan: Plan) -> bool:
    """True when the plan holds a solution worth tabulating (optimal, or the best at a time limit)."""
    return plan.status in ("optimal", "time limit") and plan.objective is not None


def scenario_of(plan: Plan) -> Any:
    if plan.scenario is None:
        raise ValueError("this plan does not carry its scenario; make it with planner.solve()")
    return plan.scenario


def region_names(plan: Plan) -> dict[str, str]:
    return {r.id: r.label for r in scenario_of(plan).regions}


def summary(plan: Plan, info: ReportInfo) -> list[tuple[str, Any, str]]:
    """(label, value, kind) rows of the Summary sheet; kind is ``money``, ``share``, ``number`` or
    ``text``."""
    budget = float(math.fsum(plan.budget["budget"])) if len(plan.budget) else 0.0
    solved = has_allocation(plan)
    unit = plan.unit
    return [
        ("Scenario", plan.scenario_name, "text"),
        ("Inputs hash (sha256, first 12)", plan.scenario_digest, "text"),
        ("Status", plan.status, "text"),
        ("Objective mode", plan.mode, "text"),
        ("Objective value", plan.objective, "number"),
        ("Benefit E", plan.E, "number"),
        ("Minimum coverage", plan.min_coverage, "share"),
        (f"Budget ({unit})", budget, "money"),
        (f"Budget used ({unit})", plan.allocated_total if solved else None, "money"),
        (f"Budget unspent ({unit})", plan.unspent_total if solved else None, "money"),
        ("Budget used (%)", plan.allocated_total / budget if solved and budget else None, "share"),
        *_project_summary(plan),
        ("Solved at (UTC)", plan.solved_at or None, "text"),
        ("Report written at (UTC)", info.written_at, "text"),
        ("Planner version", info.planner_version, "text"),
        ("Message", plan.message or None, "text"),
    ]


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
    return frame[["region", "name", "sector", "period", "amount", "need", "coverage"]]


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
    return plan.budget.copy()


def diagnosis_lines(plan: Plan) -> list[str]:
    """Why the plan has no solution, in words: the diagnosis if one was run, else the solve's message."""
    lines = getattr(plan.diagnosis, "lines", None)
    return [str(line) for line in lines] if lines else [plan.message or f"status: {plan.status}"]


def assumptions(plan: Plan) -> list[tuple[str, pd.DataFrame]]:
    """The scenario's inputs as titled tables, so a report stands on its own."""
    s = scenario_of(plan)
    general = pd.DataFrame(
        [
            ("name", s.name),
            ("unit", s.unit),
            ("periods", ", ".join(str(p) for p in s.periods)),
            (f"budget per period ({s.unit})", ", ".join(f"{b:g}" for b in s.budget_per_period())),
            (f"total budget ({s.unit})", s.total_budget()),
            ("carry over unspent budget", "yes" if s.carry_over else "no"),
            ("discount rate", s.discount_rate),
            ("tranches (relative marginal benefit)", ", ".join(f"{t:g}" for t in s.tranches)),
            ("redundancy tolerance", s.redundancy_tolerance),
            ("objective mode", s.objective.mode),
            ("equity weight (balanced mode)", s.objective.equity_weight),
        ],
        columns=["setting", "value"],
    )
    regions = annotated(
        pd.DataFrame(
            [
                (r.id, r.label, r.profile or "", r.min_share_of_need, r.max_per_period)
                for r in s.regions
            ],
            columns=["region", "name", "profile", "min_share_of_need", "max_per_period"],
        ),
        s.regions,
    )
    needs = annotated(
        pd.DataFrame(
            [(n.region, n.sector, n.need, n.benefit) for n in s.needs],
            columns=["region", "sector", "need", "benefit"],
        ),
        s.needs,
    )
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
        ("Settings", general),
        ("Regions", regions),
        ("Needs", needs),
        ("Profiles", profiles),
        ("Corridors", corridors),
        *_project_inputs(s),
    ]


def alternatives_tables(info: ReportInfo) -> list[tuple[str, pd.DataFrame]]:
    """(title, table) of the Alternatives sheet/section: the ranges, the alternatives' KPIs and
    distances, and which pairs are funded in all, none or some of the plans. Empty without them."""
    found = info.alternatives
    if found is None or not len(found.ranges):
        return []
    ranges = found.ranges.rename(
        columns={
            "min": "least",
            "max": "most",
            "optimal": "optimal_plan",
        }
    ).fillna({"region": "all regions", "sector": "all sectors"})
    head = (
        f"Within {found.slack:.1%} of the {found.mode} optimum ({found.optimum:,.4g}): "
        f"least and most money over all such plans, all periods"
    )
    projects = [(found.PROJECTS_TITLE, found.projects)] if len(found.projects) else []
    return [
        (head, ranges),
        ("Alternatives (distances: share of the budget moved)", found.summary()),
        *projects,
        ("Pairs and projects funded in all, none or some of the plans", found.funded_table()),
    ]


def _project_inputs(s: Any) -> list[tuple[str, pd.DataFrame]]:
    """The candidates as the scenario gives them, and the groups' limits; none without projects."""
    if not s.projects:
        return []
    limits = pd.DataFrame(
        [(name, g.max) for name, g in s.project_groups.items()], columns=["group", "max"]
    )
    candidates = annotated(candidate_inputs(s), s.projects)
    return [("Candidate projects", candidates), ("Project groups", limits)]


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
        ("Projects funded", f"{share.funded} of {share.candidates}", "text"),
        (f"Funded projects' cost ({plan.unit})", share.cost, "money"),
        ("Funded projects' share of the budget", share.share, "share"),
        ("Optimality gap (relative)", plan.gap, "number"),
        ("Shadow prices", DUALS_WITH_PROJECTS, "text"),
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
    """(label, sector, cash per period label) of every funded project, in start order."""
    table = projects(plan)
    funded = table[table["funded"]]
    order = [str(t) for t in scenario_of(plan).periods]
    starts = funded["start"].map(lambda t: order.index(str(t)))
    funded = funded.assign(start_position=starts).sort_values("start_position", kind="stable")
    return [
        (
            str(row["name"]) if row["name"] == row["id"] else f"{row['name']} ({row['id']})",
            str(row["sector"]),
            {t: float(row[CASH_PREFIX + t]) for t in order},
        )
        for row in funded.to_dict("records")
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
    choices = group_choices_of(plan) if with_words else plan.__dict__.get(CHOICES_SLOT)
    words = (
        choices.groupby("group", sort=False)["words"].agg(" ".join)
        if choices is not None
        else pd.Series(dtype=str)
    )
    rows = []
    for group, limit in scenario.project_groups.items():
        members = plan.projects[plan.projects["group"] == group]
        chosen = members.loc[members["funded"], "id"].tolist()
        left = members.loc[~members["funded"], "id"].tolist()
        said = words.get(group) or (
            f"Not binding: {len(chosen)} funded of at most {limit.max}."
            if choices is not None
            else ""
        )
        rows.append((group, limit.max, len(chosen), ", ".join(chosen), ", ".join(left), said))
    return pd.DataFrame(rows, columns=columns)


CHOICES_SLOT = "_group_choices"
"""Where a plan keeps its :func:`planner.group_choices` once computed (not part of its JSON form)."""


def group_choices_of(plan: Plan, live: Any = None) -> pd.DataFrame:
    """:func:`planner.group_choices` of the plan, computed on first use and kept on the plan."""
    kept = plan.__dict__.get(CHOICES_SLOT)
    if kept is None:
        kept = plan.__dict__[CHOICES_SLOT] = group_choices(plan, live)
    return kept
