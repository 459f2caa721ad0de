"""What changed between two plans (or scenarios, or saved plan JSON files): KPIs, money, binding rules."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from planner.errors import Problem, ScenarioError
from planner.scenario.files import ScenarioLike
from planner.solve.plan import Plan, _records, plan_from_dict
from planner.solve.plan_model import solve

PROJECT_CHANGE_COLUMNS = ["id", "name", "start_a", "start_b", "change"]


@dataclass
class Comparison:
    """B minus A: ``allocation`` by region and sector, ``coverage`` by region, ``kpis``, the
    ``constraints`` whose binding status differs, and the candidate ``projects`` whose funding or
    start differs (``id, name, start_a, start_b, change``; empty when neither plan has projects)."""

    a: str
    b: str
    unit: str
    allocation: pd.DataFrame
    coverage: pd.DataFrame
    kpis: pd.DataFrame
    constraints: pd.DataFrame
    projects: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=PROJECT_CHANGE_COLUMNS)
    )
    scenario: Any = field(default=None, repr=False, compare=False)
    """B's scenario (else A's; None for two saved plans), to name regions and projects."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "unit": self.unit,
            "allocation": _records(self.allocation),
            "coverage": _records(self.coverage),
            "kpis": _records(self.kpis),
            "constraints": _records(self.constraints),
            "projects": _records(self.projects),
        }


KPIS = ("objective", "E", "min_coverage", "allocated", "unspent", "E_star", "z_star")


def compare(a: Plan | ScenarioLike, b: Plan | ScenarioLike) -> Comparison:
    """Compare two plans; each is a Plan, a saved plan JSON file (``planner solve --json``), or a
    scenario (object, file, folder or bundled name) that is solved first."""
    plan_a, plan_b = as_plan(a), as_plan(b)
    return Comparison(
        a=plan_a.scenario_name,
        b=plan_b.scenario_name,
        unit=plan_b.unit,
        allocation=_delta(_by_pair(plan_a), _by_pair(plan_b), ["region", "sector"]),
        coverage=_delta(
            plan_a.coverage[["region", "allocated"]].rename(columns={"allocated": "amount"}),
            plan_b.coverage[["region", "allocated"]].rename(columns={"allocated": "amount"}),
            ["region"],
        ),
        kpis=_kpis(plan_a, plan_b),
        constraints=_binding_changes(plan_a, plan_b),
        projects=_project_changes(plan_a, plan_b),
        scenario=plan_b.scenario or plan_a.scenario,
    )


def as_plan(source: Plan | ScenarioLike) -> Plan:
    if isinstance(source, Plan):
        return source
    if not isinstance(source, str | Path) or Path(source).suffix.lower() != ".json":
        return solve(source)
    return plan_from_dict(_read_plan_json(Path(source)))


def _read_plan_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ScenarioError([Problem(f"cannot read a plan: {err}", file=str(path))]) from None
    missing = [k for k in ("scenario", "status", "allocation", "constraints") if k not in data]
    if missing:
        raise ScenarioError(
            [Problem(f"not a saved plan: missing {', '.join(missing)}", file=str(path))]
        )
    return data


def _by_pair(plan: Plan) -> pd.DataFrame:
    return plan.allocation.groupby(["region", "sector"], sort=False, as_index=False)["amount"].sum()


def _delta(a: pd.DataFrame, b: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    merged = a.merge(b, on=keys, how="outer", suffixes=("_a", "_b"), sort=False)
    merged = merged.rename(columns={"amount_a": "a", "amount_b": "b"})
    merged[["a", "b"]] = merged[["a", "b"]].fillna(0.0)
    merged["delta"] = merged["b"] - merged["a"]
    return merged[[*keys, "a", "b", "delta"]]


def _kpis(a: Plan, b: Plan) -> pd.DataFrame:
    def value(plan: Plan, kpi: str) -> float:
        if kpi == "allocated":
            return plan.allocated_total
        if kpi == "unspent":
            return plan.unspent_total if len(plan.budget) else math.nan
        number = getattr(plan, kpi)
        return math.nan if number is None else float(number)

    rows = [(k, value(a, k), value(b, k)) for k in KPIS]
    frame = pd.DataFrame(rows, columns=["kpi", "a", "b"])
    frame["delta"] = frame["b"] - frame["a"]
    return frame


def _binding_changes(a: Plan, b: Plan) -> pd.DataFrame:
    columns = ["name", "kind", "binding", "dual"]
    merged = a.constraints[columns].merge(
        b.constraints[columns], on=["name", "kind"], how="outer", suffixes=("_a", "_b")
    )
    binding_a = merged["binding_a"].astype("boolean").fillna(False)
    binding_b = merged["binding_b"].astype("boolean").fillna(False)
    changed = merged[(binding_a != binding_b).to_numpy(dtype=bool)].copy()
    changed["binding_a"] = binding_a[changed.index].astype(bool)
    changed["binding_b"] = binding_b[changed.index].astype(bool)
    return changed[["name", "kind", "binding_a", "binding_b", "dual_a", "dual_b"]].reset_index(
        drop=True
    )


def _project_changes(a: Plan, b: Plan) -> pd.DataFrame:
    """The projects funded in one plan and not the other, or started in another period."""
    columns = ["id", "name", "start"]
    merged = a.projects[columns].merge(
        b.projects[columns], on="id", how="outer", suffixes=("_a", "_b"), sort=False
    )
    merged["name"] = merged["name_b"].fillna(merged["name_a"])
    rows = []
    for record in merged.itertuples(index=False):
        start_a, start_b = _label(record.start_a), _label(record.start_b)
        if start_a == start_b:
            continue
        if start_a is None:
            change = f"funded in B (starts {start_b})"
        elif start_b is None:
            change = f"dropped in B (started {start_a} in A)"
        else:
            change = f"moved from {start_a} to {start_b}"
        rows.append((record.id, record.name, start_a, start_b, change))
    frame = pd.DataFrame(rows, columns=PROJECT_CHANGE_COLUMNS)
    for column in ("start_a", "start_b"):
        frame[column] = frame[column].astype(object)
    return frame


def _label(start: Any) -> Any:
    """A start period label, None for a project that is not funded (or not in that plan)."""
    return None if start is None or (isinstance(start, float) and math.isnan(start)) else start
