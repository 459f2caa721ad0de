"""planner: split an infrastructure budget across regions × sectors × periods, without redundancy.

The public API::

    import planner
    scenario = planner.load_scenario("western_china")      # a file, a folder or a bundled name
    plan = planner.solve(scenario, budget=1800)            # keyword changes explore without editing files
    plan.allocation                                        # tidy DataFrame: region, sector, period, amount
    planner.export(plan, "plan.xlsx")                      # or .html, .csv, .json (planner.reports)
"""

from planner.analysis.alternatives import Alternatives, alternatives
from planner.analysis.attribution import SCENARIO_READERS, Attribution, attribute
from planner.analysis.compare import Comparison, compare
from planner.analysis.diagnosis import Diagnosis
from planner.analysis.explain import explain
from planner.analysis.frontier import frontier, pareto, weight_frontier
from planner.analysis.projects import group_choices
from planner.errors import ExitCode, Problem, ScenarioError
from planner.reports import export
from planner.scenario.datasets import bundled_scenarios, default_scenario_path
from planner.scenario.files import load_scenario, save_scenario, scenario_yaml_text
from planner.scenario.model import CHANGEABLE, Scenario, validate_scenario
from planner.scenario.workbook_write import save_workbook, workbook_bytes
from planner.solve.plan import Plan
from planner.solve.plan_model import PlanModel, diagnose, solve
from planner.sweep.engine import sweep
from planner.sweep.result import SweepResult

__version__ = "0.1.0"


def _stored_run_scenario(source: object) -> Scenario | None:
    """``attribute("run:3f2a", …)``: a stored run's scenario (planner/store/readers.py); the store's
    SQLAlchemy loads only when a text source reaches it."""
    if not isinstance(source, str):
        return None
    from planner.store.readers import stored_run_scenario

    return stored_run_scenario(source)


SCENARIO_READERS.append(_stored_run_scenario)


def __getattr__(name: str) -> object:
    """``planner.store`` on first use: SQLAlchemy and Alembic load only for those who record runs."""
    if name == "store":
        import importlib

        return importlib.import_module("planner.store")
    raise AttributeError(f"module 'planner' has no attribute {name!r}")


__all__ = [
    "Alternatives",
    "alternatives",
    "Attribution",
    "attribute",
    "CHANGEABLE",
    "Comparison",
    "Diagnosis",
    "ExitCode",
    "Plan",
    "PlanModel",
    "Problem",
    "Scenario",
    "ScenarioError",
    "bundled_scenarios",
    "compare",
    "default_scenario_path",
    "diagnose",
    "export",
    "explain",
    "frontier",
    "weight_frontier",
    "group_choices",
    "load_scenario",
    "pareto",
    "save_scenario",
    "save_workbook",
    "scenario_yaml_text",
    "solve",
    "sweep",
    "SweepResult",
    "validate_scenario",
    "workbook_bytes",
    "__version__",
]
