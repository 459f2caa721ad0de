"""planner: split an infrastructure budget across regions × sectors × periods, without redundancy.

The public API::

    import planner
    scenario = planner.load_scenario("western_china")      # a file, a folder or a bundled name
    plan = planner.solve(scenario, budget=1800)            # keyword changes explore without editing files
    plan.allocation                                        # tidy DataFrame: region, sector, period, amount
    planner.export(plan, "plan.xlsx")                      # or .html, .csv, .json (planner.reports)
"""

from planner.analysis import Comparison, compare, explain, frontier, pareto
from planner.datasets import bundled_scenarios, default_scenario_path
from planner.diagnosis import Diagnosis, diagnose
from planner.errors import ExitCode, Problem, ScenarioError
from planner.plan import Plan
from planner.reports import export
from planner.scenario import CHANGEABLE, Scenario, validate_scenario
from planner.scenario_io import load_scenario, save_scenario, scenario_yaml_text
from planner.solve import PlanModel, solve
from planner.sweep import sweep
from planner.sweep_result import SweepResult

__version__ = "0.1.0"

__all__ = [
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
    "load_scenario",
    "pareto",
    "save_scenario",
    "scenario_yaml_text",
    "solve",
    "sweep",
    "SweepResult",
    "validate_scenario",
    "__version__",
]
