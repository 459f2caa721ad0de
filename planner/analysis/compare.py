"""What changed between two plans (or scenarios, or saved plan JSON files): KPIs, money, binding rules."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from planner.errors import Problem, ScenarioError
from planner.scenario.files import ScenarioLike
from planner.solve.plan import Plan, _records, plan_from_dict
from planner.solve.plan_model import solve


@dataclass
class Comparison:
    """B minus A: ``allocation`` by region and sector, ``coverage`` by region, ``kpis``, and the
    ``constraints`` whose binding status differs."""

    a: str
    b: str
    unit: str
    allocation: pd.DataFrame
    coverage: pd.DataFrame
    kpis: pd.DataFrame
    constraints: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "unit": self.unit,
            "allocation": _records(self.allocation),
            "coverage": _records(self.coverage),
            "kpis": _records(self.kpis),
            "constraints": _records(self.constraints),
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
