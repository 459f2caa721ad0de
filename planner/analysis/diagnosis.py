"""Why a scenario is infeasible, and the smallest change that fixes it, in the scenario's own numbers.

Step 1 solves the elastic LP of :mod:`planner.analysis.elastic` on the compiled model: the weighted least money of
relaxation over budgets, corridor caps, floors, capacities and share bounds. Each slack it uses is turned
into a concrete change of one scenario number (a period's budget, a corridor's shared need, a region's
``min_share_of_need`` or ``max_per_period``, a profile's share bound) such that the elastic LP's own plan
meets the changed scenario: applying the proposal makes the scenario feasible. Raising the budget alone
is reported as an alternative when it suffices.

Step 2 asks HiGHS for an irreducible infeasible subset (IIS) of the original rows: a set of constraints
that conflict, any one of which removed leaves the rest feasible. It names the exact rows.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import highspy
import numpy as np
import pandas as pd
from pyomo.environ import value as pyomo_value

from planner.analysis import diagnosis_funding as funding
from planner.analysis import elastic
from planner.i18n.catalog import LANGUAGES, checked, language, t, use_language
from planner.i18n.names import key_name, project_name, region_name, sector_name
from planner.i18n.units import Shown, shown
from planner.scenario.model import Scenario, validate_scenario
from planner.solve.highs_setup import quiet_highs
from planner.solve.plan import _records

if TYPE_CHECKING:
    from planner.solve.plan_model import PlanModel

RELAXATION_COLUMNS = ["family", "constraint", "subject", "current", "proposed", "change", "money"]
SLACK_TOLERANCE = (
    1e-7  # money below this (relative to the row's size) is solver noise, not a relaxation
)
IIS_STRATEGY = 6  # kIisStrategyFromLp | kIisStrategyIrreducible: the default "light" one finds none
IIS_TIME_LIMIT_S = 60.0


@dataclass
class Diagnosis:
    """An infeasibility diagnosis.

    Attributes
    ----------
    feasible:
        True when the scenario needs no relaxation (then ``lines`` says so and the tables are empty).
    lines:
        Plain-language lines; the first is a one-line summary (the plan's ``message``).
    relaxations:
        One row per changed scenario number: ``family``, ``constraint`` (model row name), ``subject``
        (the scenario field), ``current`` and ``proposed`` value (unit, or a share for floors and share
        bounds), ``change`` (proposed − current) and ``money`` (unit freed over the horizon).
    total:
        The elastic LP's optimum: Σ weight · money (see ``planner.analysis.elastic.WEIGHTS``).
    budget_alone:
        The least total budget increase that makes the scenario feasible with nothing else changed,
        or None when no budget suffices.
    iis:
        Names of the rows of HiGHS's irreducible infeasible subset ([] when HiGHS found none).
    wordings:
        ``lines`` in every language planner speaks, worded while the model was at hand, so a
        report in another language than the solve's says them in its own (:meth:`lines_in`).
    """

    feasible: bool
    unit: str
    lines: list[str]
    relaxations: pd.DataFrame
    total: float = 0.0
    budget_alone: float | None = None
    budget_alone_by_period: dict[Any, float] = field(default_factory=dict)
    iis: list[str] = field(default_factory=list)
    _changes: list[tuple[str, Any, float]] = field(default_factory=list, repr=False)
    wordings: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def lines_in(self, lang: str | None = None) -> list[str]:
        """The lines in ``lang`` (default: the active language); ``lines`` when not worded in it
        (a diagnosis read back from a stored run has its solve's language only)."""
        return self.wordings.get(checked(lang)) or self.lines

    def apply(self, scenario: Scenario) -> Scenario:
        """The scenario with the proposed relaxation applied (feasible by construction)."""
        return apply_changes(scenario, self._changes)

    def apply_budget_alone(self, scenario: Scenario) -> Scenario:
        """The scenario with only the budget raised (requires ``budget_alone`` not None)."""
        budgets = dict(zip(scenario.periods, scenario.budget_per_period(), strict=True))
        changes = [("budget", t, budgets[t] + a) for t, a in self.budget_alone_by_period.items()]
        return apply_changes(scenario, changes)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``planner solve --json``, the run store); :meth:`from_dict` reads it back
        whole, so a stored run's diagnosis still applies its proposal and speaks every language."""
        return {
            "feasible": self.feasible,
            "unit": self.unit,
            "lines": list(self.lines),
            "relaxations": _records(self.relaxations),
            "total": self.total,
            "budget_alone": self.budget_alone,
            "budget_alone_by_period": [[t, a] for t, a in self.budget_alone_by_period.items()],
            "iis": list(self.iis),
            "changes": [
                [family, list(key) if isinstance(key, tuple) else key, value]
                for family, key, value in self._changes
            ],
            "wordings": {lang: list(lines) for lang, lines in self.wordings.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Diagnosis:
        """The diagnosis :meth:`to_dict` wrote (a document stored before the proposal and the
        wordings were kept reads back without them)."""
        return cls(
            feasible=bool(data["feasible"]),
            unit=str(data["unit"]),
            lines=list(data["lines"]),
            relaxations=pd.DataFrame(data.get("relaxations") or [], columns=RELAXATION_COLUMNS),
            total=float(data.get("total") or 0.0),
            budget_alone=data.get("budget_alone"),
            budget_alone_by_period={t: a for t, a in data.get("budget_alone_by_period") or []},
            iis=list(data.get("iis") or []),
            _changes=[(f, _key(k), v) for f, k, v in data.get("changes") or []],
            wordings={lang: list(lines) for lang, lines in (data.get("wordings") or {}).items()},
        )


def _key(key: Any) -> Any:
    """A change's key as the diagnosis made it: JSON turned its tuples (corridor, period) into lists."""
    return tuple(key) if isinstance(key, list) else key


def diagnose_model(live: PlanModel, *, iis: bool = True) -> Diagnosis:
    """Diagnose the live model's current scenario without disturbing its HiGHS object."""
    relaxable = list(elastic.slacks(live.model, live.bridge.rows_of))
    solution = _solve_elastic(live, relaxable, elastic.WEIGHTS)
    if solution is None:
        raise RuntimeError("the elastic LP has no optimum, which its construction rules out")
    total, x, amounts = solution
    used = elastic.used_slacks(relaxable)
    scenario = live.scenario
    chosen = [(s, a) for s, a in zip(used, amounts, strict=True) if a > _noise(live, s)]
    if not chosen:
        worded = {lang: [t("diagnosis.feasible", lang=lang)] for lang in LANGUAGES}
        return Diagnosis(True, scenario.unit, worded[language()], _empty(), wordings=worded)
    changes, rows = _proposal(live, chosen, x)
    diagnosis = Diagnosis(
        feasible=False,
        unit=scenario.unit,
        lines=[],
        relaxations=pd.DataFrame(rows, columns=RELAXATION_COLUMNS),
        total=total,
        _changes=changes,
    )
    _budget_alone(live, relaxable, diagnosis)
    if iis:
        diagnosis.iis = irreducible_subset(live)
    for lang in LANGUAGES:
        with use_language(lang):
            diagnosis.wordings[lang] = _lines(live, diagnosis, chosen)
    diagnosis.lines = diagnosis.wordings[language()]
    return diagnosis


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=RELAXATION_COLUMNS)


def _noise(live: PlanModel, slack: elastic.Slack) -> float:
    bridge = live.bridge
    bound = max(
        abs(b) if np.isfinite(b) else 0.0
        for i in slack.rows
        for b in (bridge.row_lower[i], bridge.row_upper[i])
    )
    return SLACK_TOLERANCE * max(1.0, bound)


# ---- step 1: the elastic LP ----


def _solve_elastic(
    live: PlanModel, relaxable: list[elastic.Slack], weights: dict[str, float]
) -> tuple[float, np.ndarray, np.ndarray] | None:
    """(weighted optimum, model columns, slack amounts) or None when no relaxation of these
    families suffices."""
    bridge = live.bridge
    col_lower = bridge.col_lower.copy()
    z = bridge.column_index.get(id(live.model.z))
    if z is not None:
        col_lower[z] = 0.0  # an equity solve may have raised z's bound; the LP proper has z ≥ 0
    lp = elastic.elastic_lp(
        bridge.matrix,
        bridge.row_lower,
        bridge.row_upper,
        col_lower,
        bridge.col_upper,
        relaxable,
        weights,
    )
    highs = quiet_highs()
    highs.passModel(lp)
    integers = bridge.integer_columns
    if integers.size:  # projects start whole: a fractional start would propose a false fix
        kinds = np.full(integers.size, int(highspy.HighsVarType.kInteger.value), dtype=np.uint8)
        highs.changeColsIntegrality(integers.size, integers, kinds)
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    values = np.asarray(highs.getSolution().col_value, dtype=float)
    n = len(bridge.columns)
    return float(highs.getInfo().objective_function_value), values[:n], values[n:]


def _budget_alone(live: PlanModel, relaxable: list[elastic.Slack], diagnosis: Diagnosis) -> None:
    """Fill ``budget_alone``: the least budget increase with every other constraint kept hard."""
    solution = _solve_elastic(live, relaxable, {"budget": 1.0})
    if solution is None:
        return
    total, _x, amounts = solution
    budget_slacks = elastic.used_slacks(relaxable, {"budget": 1.0})
    diagnosis.budget_alone = total
    diagnosis.budget_alone_by_period = {
        s.key: float(a) for s, a in zip(budget_slacks, amounts, strict=True) if a > 0
    }


# ---- from slacks to scenario numbers ----


def _proposal(
    live: PlanModel, chosen: list[tuple[elastic.Slack, float]], x: np.ndarray
) -> tuple[list[tuple[str, Any, float]], list[tuple[Any, ...]]]:
    """The changes (family, key, new value) and the relaxation table's rows."""
    changes: list[tuple[str, Any, float]] = []
    rows = []
    for slack, amount in chosen:
        subject, current, proposed = _change_of(live, slack, amount, x)
        name = live.bridge.rows[slack.rows[0]].constraint.name
        if slack.family == "capacity":
            name = f"capacity[{slack.key},*]"
        changes.append((slack.family, slack.key, proposed))
        money = float(amount) * len(slack.rows) * slack.scale
        rows.append((slack.family, name, subject, current, proposed, proposed - current, money))
    return changes, rows


def _change_of(
    live: PlanModel, slack: elastic.Slack, amount: float, x: np.ndarray
) -> tuple[str, float, float]:
    """(scenario field, current value, proposed value) for one used slack; the field in English,
    by ids, as the relaxations table (and the JSON) names it."""
    scenario = live.scenario
    family, key = slack.family, slack.key
    subject = _subject(scenario, family, key, lang="en")
    if family in funding.FAMILIES:
        return (subject, *funding.change_of(live, family, key, amount, x))
    if family == "budget":
        current = scenario.budget_per_period()[list(scenario.periods).index(key)]
        return subject, current, current + amount
    if family == "corridor":
        g, s = key
        current = scenario.corridors[g].shared_need[s]
        return subject, current, current + amount / (1 + scenario.redundancy_tolerance)
    if family == "floor":
        region = scenario.region(key)
        need = float(live.model.total_need[key].value)
        return (
            subject,
            region.min_share_of_need,
            max(0.0, region.min_share_of_need - amount / need),
        )
    if family == "capacity":
        region = scenario.region(key)
        current = float(region.max_per_period or 0.0)
        return subject, current, current + amount
    if family == "mandatory":
        return subject, 1.0, 0.0
    if family == "project_group":
        current = float(scenario.project_groups[key].max)
        return subject, current, current + math.ceil(amount - 1e-6)
    r, s = key
    own, total = _own_and_total(live, r, s, x)
    share = own / total if total > 0 else 0.0
    current = getattr(scenario.profile_of(scenario.region(r)), family)[s]
    proposed = min(current, share) if family == "share_min" else max(current, share)
    return subject, current, proposed


def _subject(scenario: Scenario, family: str, key: Any, lang: str | None = None) -> str:
    """The scenario number a slack changes, in ``lang``: English names it by ids and field names
    (``budget of 2026``, what to look for in the scenario), Chinese by the things' Chinese names."""
    english = (lang or language()) == "en"

    def region(region_id: str) -> str:
        return region_id if english else region_name(scenario.region(region_id), lang)

    if family in funding.FAMILIES:
        return funding.subject(scenario, family, key, lang)
    if family == "budget":
        return t("diagnosis.subject.budget", lang=lang, period=key)
    if family == "corridor":
        corridor, sector = key_name("corridor", key[0], lang), sector_name(key[1], lang)
        return t("diagnosis.subject.corridor", lang=lang, corridor=corridor, sector=sector)
    if family in ("floor", "capacity"):
        return t(f"diagnosis.subject.{family}", lang=lang, region=region(key))
    if family == "mandatory":
        return t("diagnosis.subject.mandatory", lang=lang, project=_project(scenario, key, lang))
    if family == "project_group":
        return t("diagnosis.subject.project_group", lang=lang, group=key_name("group", key, lang))
    r, s = key
    profile = key_name("profile", str(scenario.region(r).profile), lang)
    return t(f"diagnosis.subject.{family}", lang=lang, profile=profile, sector=sector_name(s, lang))


def _project(scenario: Scenario, project_id: str, lang: str | None) -> str:
    """``project P1`` in English (the id, as the scenario names it), the project's name in Chinese."""
    found = next(p for p in scenario.projects if p.id == project_id)
    shown = project_id if (lang or language()) == "en" else project_name(found, lang)
    return t("diagnosis.subject.project", lang=lang, project=shown)


def _own_and_total(live: PlanModel, r: str, s: str, x: np.ndarray) -> tuple[float, float]:
    """The pair's and the region's money over the horizon in the elastic plan, projects included."""
    m = live.model
    values = live.bridge.column_values

    def money(variables: list[Any], projects: list[tuple[Any, Any]]) -> float:
        programme = float(values(variables, x).sum())
        if not projects:
            return programme
        starts = values([u for _cost, u in projects], x)
        costs = np.array([float(pyomo_value(cost)) for cost, _u in projects])
        return programme + float(starts @ costs)

    own = money(m.pair_terms.get((r, s), []), m.project_pair_terms.get((r, s), []))
    total = money(m.region_terms.get(r, []), m.project_region_terms.get(r, []))
    return own, total


def apply_changes(scenario: Scenario, changes: list[tuple[str, Any, float]]) -> Scenario:
    """A validated copy of ``scenario`` with each (family, key, new value) change made."""
    data = copy.deepcopy(scenario.model_dump())
    budgets = list(scenario.budget_per_period())
    periods = list(scenario.periods)
    regions = {r["id"]: r for r in data["regions"]}
    for family, key, value in changes:
        if family == "budget":
            budgets[periods.index(key)] = value
        elif family == "corridor":
            data["corridors"][key[0]]["shared_need"][key[1]] = value
        elif family == "floor":
            regions[key]["min_share_of_need"] = value
        elif family == "capacity":
            regions[key]["max_per_period"] = value
        elif family == "mandatory":
            next(p for p in data["projects"] if p["id"] == key)["mandatory"] = False
        elif family == "project_group":
            data["project_groups"][key]["max"] = int(value)
        elif family in funding.FAMILIES:
            funding.apply_change(data, scenario, family, key, value)
        else:
            _apply_share(data, scenario, family, key, value)
    data["budget"] = budgets if scenario.funding is None else None  # F2 replaces the budget
    return validate_scenario(data)


def _apply_share(
    data: dict[str, Any], scenario: Scenario, family: str, key: Any, value: float
) -> None:
    """A share bound lives on the profile: keep the loosest value any of its regions needs."""
    r, s = key
    table = data["profiles"][scenario.region(r).profile][family]
    old = table.get(s, 0.0 if family == "share_min" else 1.0)
    table[s] = min(old, value) if family == "share_min" else max(old, value)


# ---- step 2: the irreducible infeasible subset ----


def irreducible_subset(live: PlanModel) -> list[str]:
    """Names of the rows of an IIS of the model's current LP ([] if HiGHS finds none in time)."""
    bridge = live.bridge
    highs = quiet_highs()
    lp = bridge.highs.getLp()
    z = bridge.column_index.get(id(live.model.z))
    highs.passModel(lp)
    if z is not None:
        highs.changeColBounds(z, 0.0, 1.0)
    highs.setOptionValue("iis_strategy", IIS_STRATEGY)
    highs.setOptionValue("time_limit", IIS_TIME_LIMIT_S)
    highs.run()
    status, iis = highs.getIis()
    if status != highspy.HighsStatus.kOk or not iis.valid_:
        return []
    return [bridge.rows[i].constraint.name for i in iis.row_index_]


# ---- words ----


def _lines(
    live: PlanModel, diagnosis: Diagnosis, chosen: list[tuple[elastic.Slack, float]]
) -> list[str]:
    how = shown(diagnosis.unit)  # 亿元 in Chinese (planner.i18n.units), else the scenario's unit
    table = diagnosis.relaxations
    money = float(table["money"].sum())
    shortened = zip(chosen[:3], table.head(3).itertuples(), strict=True)
    firsts = t("diagnosis.join").join(
        _short(live.scenario, slack, row, how) for (slack, _amount), row in shortened
    )
    more = t("diagnosis.more", count=len(table) - 3) if len(table) > 3 else ""
    lines = [t("diagnosis.headline", amount=_m(money, how), unit=how.unit, fixes=firsts, more=more)]
    lines += [
        _detail(live, slack, amount, row, how)
        for (slack, amount), row in zip(chosen, table.itertuples(), strict=True)
    ]
    lines += _budget_lines(live, diagnosis)
    if diagnosis.iis:
        lines.append(t("diagnosis.iis", rows=", ".join(diagnosis.iis)))
    return lines


def _m(amount: float, how: Shown) -> str:
    """Money in the unit a planner reads (``how``), from the scenario's unit."""
    return f"{amount * how.factor:,.1f}"


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def _short(scenario: Scenario, slack: elastic.Slack, row: Any, how: Shown) -> str:
    """One fix of the headline: the subject in the active language, then its values."""
    if row.family == "mandatory":
        return t("diagnosis.short.release", project=_project(scenario, slack.key, None))
    subject = _subject(scenario, slack.family, slack.key)
    if row.family == "project_group":
        return f"{subject} {row.current:g} → {row.proposed:g}"
    if row.family in ("floor", "share_min", "share_max", "funding_share"):
        return f"{subject} {_pct(row.current)} → {_pct(row.proposed)}"
    return f"{subject} {_m(row.current, how)} → {_m(row.proposed, how)} {how.unit}"


def _detail(live: PlanModel, slack: elastic.Slack, amount: float, row: Any, how: Shown) -> str:
    scenario = live.scenario
    family, key = slack.family, slack.key
    words: dict[str, Any] = {
        "unit": how.unit,
        "amount": _m(amount, how),
        "proposed": _m(row.proposed, how),
    }
    if family == "budget":
        return t("diagnosis.budget", period=key, current=_m(row.current, how), **words)
    if family == "corridor":
        cap = row.current * (1 + scenario.redundancy_tolerance)
        return t(
            "diagnosis.corridor",
            corridor=key_name("corridor", key[0]),
            sector=sector_name(key[1]),
            cap=_m(cap, how),
            **words,
        )
    if family == "floor":
        need = float(live.model.total_need[key].value)
        asked = row.current * need
        return t(
            "diagnosis.floor",
            region=region_name(scenario.region(key)),
            asked=_m(asked, how),
            share=_pct(row.current),
            need=_m(need, how),
            gets=_m(asked - amount, how),
            **words | {"proposed": _pct(row.proposed)},
        )
    if family == "capacity":
        return t(
            "diagnosis.capacity",
            region=region_name(scenario.region(key)),
            current=_m(row.current, how),
            **words,
        )
    if family in ("mandatory", "project_group"):
        return _project_detail(scenario, family, key, row, how)
    if family in funding.FAMILIES:
        return funding.detail(scenario, family, key, row, words)
    r, s = key
    return t(
        f"diagnosis.{family}",
        region=region_name(scenario.region(r)),
        share=_pct(row.current),
        sector=sector_name(s),
        profile=key_name("profile", str(scenario.region(r).profile)),
        **words | {"proposed": _pct(row.proposed)},
    )


def _project_detail(scenario: Scenario, family: str, key: Any, row: Any, how: Shown) -> str:
    if family == "mandatory":
        project = next(p for p in scenario.projects if p.id == key)
        return t(
            "diagnosis.mandatory",
            project=project_name(project),
            region=region_name(scenario.region(project.region)),
            sector=sector_name(project.sector),
            cost=_m(project.cost, how),
            unit=how.unit,
            duration=project.duration,
        )
    members = [project_name(p) for p in scenario.projects if p.group == key]
    return t(
        "diagnosis.project_group",
        group=key_name("group", key),
        allowed=f"{row.current:g}",
        members=t("list.separator").join(members),
        needed=f"{row.proposed:g}",
    )


def _budget_lines(live: PlanModel, diagnosis: Diagnosis) -> list[str]:
    if live.scenario.funding is not None:
        return []  # F2 replaces the budget: the sources' fixes are in the proposal itself
    if diagnosis.budget_alone is None:
        return [t("diagnosis.no_budget_enough")]
    table = diagnosis.relaxations
    if set(table["family"]) == {"budget"}:
        return []
    budget = live.scenario.total_budget()
    extra = diagnosis.budget_alone
    how = shown(diagnosis.unit)
    return [
        t(
            "diagnosis.budget_alone",
            needed=_m(budget + extra, how),
            unit=how.unit,
            budget=_m(budget, how),
            extra=_m(extra, how),
        )
    ]
