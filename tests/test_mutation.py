"""Mutation check: deliberate breakages the suite must catch (issue 22, "and keep it that way").

Each mutant replaces one exact piece of source text in a copy of the project (planner/, models/, ui/,
tests/, data/) in a temporary folder, then runs the tests that guard that code on the copy in a fresh
process (``-x``: the first failure is enough). The mutant is *killed* when that run fails; a mutant
that survives is a hole in the suite and fails here. Covered: every constraint family of models/
(tranche, budget, corridor, specialization, floor, capacity), the objectives, the read-back of a
solution into the tables the checker reads (plans and sweep samples), the upload guard, and
funding.md's families F1–F4 and least-debt solve, and a funded re-plan (actuals.md A3 with funding).

The kills are not run by default (marker ``mutation``, deselected in pyproject.toml's addopts); run
them with ``python -m pytest -m mutation -p no:cacheprovider`` (minutes: one short pytest run per
mutant). The kill rate is the share of these tests that pass. The default run checks only that every
mutant still applies (its text found exactly once), so a refactor cannot silently unguard a family.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("planner", "models", "ui", "tests", "data", "pyproject.toml")

MODEL_TESTS = ("tests/test_core.py", "tests/test_edge_cases.py", "tests/test_diagnosis.py")
EQUITY_TESTS = ("tests/test_core.py", "tests/test_edge_cases.py", "tests/test_properties.py")
READ_BACK_TESTS = ("tests/test_core.py", "tests/test_edge_cases.py", "tests/test_reports.py")
SWEEP_TESTS = ("tests/test_sweep.py",)
BALANCED_TESTS = (
    "tests/test_projects.py::test_balanced_at_equity_weight_one_reports_the_weighted_value",
    "tests/test_properties.py::test_balanced_plans_report_the_weighted_value_of_the_reference_lp",
)
UPLOAD_TESTS = ("tests/test_ui_upload.py",)
FUNDING_TESTS = ("tests/test_funding.py", "tests/test_properties_funding.py")
ACTUALS_TESTS = ("tests/test_actuals.py",)
FUNDED_ACTUALS_TESTS = ("tests/test_actuals_funding.py",)


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


MUTANTS = [
    # ---- tranche: Σ_t y[r,s,t,k] ≤ need[r,s] / K ----
    Mutant(
        "tranche size is the whole need",
        "models/tranche.py",
        "q = m.need[r, s] / n_tranches",
        "q = m.need[r, s]",
        MODEL_TESTS,
    ),
    Mutant(
        "tranche bound doubled",
        "models/tranche.py",
        "return linear_sum(m.tranche_terms[r, s, k]) <= q",
        "return linear_sum(m.tranche_terms[r, s, k]) <= 2 * q",
        MODEL_TESTS,
    ),
    # ---- budget with carry-over ----
    Mutant(
        "first period's budget raised by half",
        "models/budget.py",
        "return linear_sum([*spent, m.carry[t]], projects) <= m.B[t]",
        "return linear_sum([*spent, m.carry[t]], projects) <= 1.5 * m.B[t]",
        MODEL_TESTS,
    ),
    Mutant(
        "first period's carry-over costs nothing",
        "models/budget.py",
        "return linear_sum([*spent, m.carry[t]], projects) <= m.B[t]",
        "return linear_sum([*spent], projects) <= m.B[t]",
        MODEL_TESTS,
    ),
    Mutant(
        "carried money counted twice",
        "models/budget.py",
        "[(-1, carried_in), *projects]",
        "[(-2, carried_in), *projects]",
        MODEL_TESTS,
    ),
    # ---- corridor caps ----
    Mutant(
        "corridor cap one shared need too high",
        "models/corridor.py",
        "cap = (1 + m.tau) * m.shared_need[g, s]",
        "cap = (2 + m.tau) * m.shared_need[g, s]",
        MODEL_TESTS,
    ),
    Mutant(
        "corridors dropped",
        "models/corridor.py",
        "terms = [v for r in members for v in m.pair_terms.get((r, s), ())]",
        "terms = []",
        MODEL_TESTS,
    ),
    # ---- specialization shares ----
    Mutant(
        "share_min dropped",
        "models/specialization.py",
        "return row >= m.shift_min[r, s] if with_actuals else row >= 0",
        "return Constraint.Skip",
        MODEL_TESTS,
    ),
    Mutant(
        "share_max dropped",
        "models/specialization.py",
        "return row <= m.shift_max[r, s] if with_actuals else row <= 0",
        "return Constraint.Skip",
        MODEL_TESTS,
    ),
    Mutant(
        "share of the region's total leaves the sector's own money out of the total",
        "models/specialization.py",
        "on_own, off_own = 1 - share, -share",
        "on_own, off_own = 1, -share",
        MODEL_TESTS,
    ),
    # ---- equity floor ----
    Mutant(
        "floor halved",
        "models/floor.py",
        ">= m.min_share_of_need[r] * m.total_need[r]",
        ">= 0.5 * m.min_share_of_need[r] * m.total_need[r]",
        MODEL_TESTS,
    ),
    Mutant(
        "floors dropped",
        "models/floor.py",
        "if not terms or r not in m.floor_regions:",
        "if True:",
        MODEL_TESTS,
    ),
    # ---- absorptive capacity ----
    Mutant(
        "capacity doubled",
        "models/capacity.py",
        "return linear_sum(terms, projects) <= m.max_per_period[r]\n",
        "return linear_sum(terms, projects) <= 2 * m.max_per_period[r]\n",
        MODEL_TESTS,
    ),
    Mutant(
        "capacity dropped",
        "models/capacity.py",
        "if not (terms or projects) or r not in m.capped_regions:",
        "if True:",
        MODEL_TESTS,
    ),
    # ---- objectives ----
    Mutant(
        "discounting compounds the wrong way",
        "models/objectives.py",
        "discount = (1 + m.rho) ** -i",
        "discount = (1 + m.rho) ** i",
        MODEL_TESTS,
    ),
    Mutant(
        "every tranche valued as the first",
        "models/objectives.py",
        "(discount * m.tranche_value[k])",
        "(discount * m.tranche_value[1])",
        MODEL_TESTS,
    ),
    Mutant(
        "profile weights ignored",
        "models/objectives.py",
        "pair_value = [m.w[r, s] * m.benefit[r, s] for r, s in m.RS]",
        "pair_value = [m.benefit[r, s] for r, s in m.RS]",
        MODEL_TESTS,
    ),
    Mutant(
        "equity's coverage row counts half the need",
        "models/objectives.py",
        "return linear_sum(terms, [(-m.total_need[r], m.z), *projects]) >= 0",
        "return linear_sum(terms, [(-0.5 * m.total_need[r], m.z), *projects]) >= 0",
        EQUITY_TESTS,
    ),
    Mutant(
        "equity's second solve forgets z*",
        "models/objectives.py",
        "solver.set_column_bounds(m.z, max(0.0, z_star - EQUITY_TIE_TOLERANCE), 1.0)",
        "solver.set_column_bounds(m.z, 0.0, 1.0)",
        EQUITY_TESTS,
    ),
    Mutant(
        "balanced weights E by λ instead of 1 − λ",
        "models/objectives.py",
        "weights[BENEFIT] = (1 - equity_weight) / e_star",
        "weights[BENEFIT] = equity_weight / e_star",
        EQUITY_TESTS,
    ),
    Mutant(
        "balanced rescored with the tie-break's weights after the LP with starts fixed (issue 32)",
        "models/objectives.py",
        'if outcome.objective is None or mode != "efficiency":',
        'if outcome.objective is None or mode == "equity":',
        BALANCED_TESTS,
    ),
    Mutant(
        "balanced ends on the weighted solve, without the tie-break for E",
        "models/objectives.py",
        "    z = solver.objective(EQUITY)\n    solver.set_column_bounds(",
        "    return Outcome(status, value, first.E_star, z_star)\n    solver.set_column_bounds(",
        BALANCED_TESTS,
    ),
    # ---- read-back: the tables the checker and every report read ----
    Mutant(
        "amounts under 1e-3 rounded away as noise",
        "planner/solve/plan_model.py",
        "amounts[np.abs(amounts) < ZERO_AMOUNT] = 0.0",
        "amounts[np.abs(amounts) < 1e-3] = 0.0",
        READ_BACK_TESTS,
    ),
    Mutant(
        "allocation read from the wrong tranche order",
        "planner/solve/plan_model.py",
        "amounts = np.bincount(self.y_group, weights=y, minlength=len(self._money_keys))",
        "amounts = np.bincount(self.y_group, weights=y[::-1], minlength=len(self._money_keys))",
        READ_BACK_TESTS,
    ),
    Mutant(
        "budget table's spent drifts from the allocation",
        "planner/solve/plan_model.py",
        "spent = np.bincount(self._x_period, weights=amounts, minlength=len(periods))",
        "spent = np.bincount(self._x_period, weights=0.999 * amounts, minlength=len(periods))",
        READ_BACK_TESTS,
    ),
    Mutant(
        "nothing is ever carried in",
        "planner/solve/plan_model.py",
        "carried_in = np.concatenate([[0.0], carried_out[:-1]])",
        "carried_in = np.zeros(len(periods))",
        READ_BACK_TESTS,
    ),
    Mutant(
        "a sweep sample's plan read back short",
        "planner/sweep/robust.py",
        "x = np.bincount(self.y_group, weights=y, minlength=len(self.x_keys))",
        "x = np.bincount(self.y_group, weights=0.9 * y, minlength=len(self.x_keys))",
        SWEEP_TESTS,
    ),
    Mutant(
        "an evaluated plan may exceed the committed one",
        "planner/sweep/robust.py",
        "cap = np.minimum(upper, x_plan * (1 + CEILING_SLACK) + CEILING_SLACK)",
        "cap = np.minimum(upper, 2 * x_plan + CEILING_SLACK)",
        SWEEP_TESTS,
    ),
    # ---- the upload guard ----
    Mutant(
        "oversized upload accepted",
        "ui/upload.py",
        "if len(data) > MAX_UPLOAD_BYTES:",
        "if False:",
        UPLOAD_TESTS,
    ),
    Mutant(
        "member count unlimited",
        "ui/upload.py",
        "if len(members) > MAX_ZIP_MEMBERS:",
        "if False:",
        UPLOAD_TESTS,
    ),
    Mutant(
        "declared unpacked size unchecked",
        "ui/upload.py",
        "if declared > MAX_UNZIPPED_BYTES:",
        "if False:",
        UPLOAD_TESTS,
    ),
    Mutant(
        "only absolute paths refused",
        "ui/upload.py",
        'if path.is_absolute() or ".." in path.parts or ":" in info.filename:',
        "if path.is_absolute():",
        UPLOAD_TESTS,
    ),
    Mutant(
        "links accepted",
        "ui/upload.py",
        "if stat.S_ISLNK(info.external_attr >> 16):",
        "if False:",
        UPLOAD_TESTS,
    ),
    Mutant(
        "encrypted members accepted",
        "ui/upload.py",
        "if info.flag_bits & 0x1:",
        "if False:",
        UPLOAD_TESTS,
    ),
    # ---- actuals.md A1–A4: the locked past, and the rules relaxed only as far as it broke them ----
    Mutant(
        "A1: locked money may fall short of the record",
        "models/actuals_locked.py",
        "y.setlb(0.0 if split is None else split[k])",
        "y.setlb(0.0)",
        ACTUALS_TESTS,
    ),
    Mutant(
        "A2: a project not recorded as started may start in the past",
        "models/actuals_locked.py",
        "u.setub(1.0 if fixed is None else fixed)",
        "u.setub(1.0)",
        ACTUALS_TESTS,
    ),
    Mutant(
        "A3: a need relaxed further than the past",
        "models/actuals_relaxation.py",
        "need[r, sector] = relaxed.need.get((r, sector), given)",
        "need[r, sector] = 1.5 * relaxed.need.get((r, sector), given)",
        ACTUALS_TESTS,
    ),
    Mutant(
        "A3: a corridor relaxed further than the past",
        "models/actuals_relaxation.py",
        "corridor[g, sector] = 0.0 if raised is None else raised - cap",
        "corridor[g, sector] = 0.0 if raised is None else raised - cap + 1.0",
        ACTUALS_TESTS,
    ),
    Mutant(
        "A3: the budget forgets what the past carried",
        "models/actuals_relaxation.py",
        "carry = raised + carry - spent.get(t, 0.0) if s.carry_over else 0.0",
        "carry = 0.0",
        ACTUALS_TESTS,
    ),
    Mutant(
        "A3: a funded budget relaxed although the sources' amounts are not",
        "models/actuals_relaxation.py",
        "if s.funding is not None:  # sources' amounts are never relaxed",
        "if False:  # sources' amounts are never relaxed",
        FUNDED_ACTUALS_TESTS,
    ),
    Mutant(
        "A3 with funding: a past source row priced and binding",
        "planner/solve/plan_model.py",
        'PER_PERIOD_ROWS = ("budget", "capacity", "funding_source")',
        'PER_PERIOD_ROWS = ("budget", "capacity")',
        FUNDED_ACTUALS_TESTS,
    ),
    Mutant(
        "A3 with funding: recorded money no source may fund left to the elastic LP",
        "planner/analysis/actuals_diagnosis.py",
        "if scenario.funding is None:\n        return []",
        "if True:\n        return []",
        FUNDED_ACTUALS_TESTS,
    ),
    Mutant(
        "A4: shares count the locked periods too",
        "models/specialization.py",
        "return row <= m.shift_max[r, s] if with_actuals else row <= 0",
        "return row <= 0",
        ACTUALS_TESTS,
    ),
    Mutant(
        "any file type accepted",
        "ui/upload.py",
        "if path.suffix.lower() not in ALLOWED_SUFFIXES:",
        "if False:",
        UPLOAD_TESTS,
    ),
    Mutant(
        "the last path guard while writing dropped",
        "ui/upload.py",
        "if not target.is_relative_to(root):",
        "if False:",
        UPLOAD_TESTS,
    ),
    Mutant(
        "a member that cannot be unpacked escapes as a traceback",
        "ui/upload.py",
        "except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as err:\n"
        "        raise ScenarioError(\n"
        '            [problem("upload.cannot_unpack"',
        'except ():\n        raise ScenarioError(\n            [problem("upload.cannot_unpack"',
        UPLOAD_TESTS,
    ),  # ---- funding.md: F1–F4 and the least-debt solve ----
    Mutant(
        "F1: a source may pay more than the cell spends",
        "models/funding_pay.py",
        "return linear_sum(paid, spent) == 0",
        "return linear_sum(paid, spent) >= 0",
        FUNDING_TESTS,
    ),
    Mutant(
        "F2: carry-over takes from the period before twice",
        "models/funding_source.py",
        "[(-1, m.e[f, m.T.prev(t)])]",
        "[(-2, m.e[f, m.T.prev(t)])]",
        FUNDING_TESTS,
    ),
    Mutant(
        "F2: a source's amount counted twice",
        "models/funding_source.py",
        "return linear_sum([*paid, m.e[f, t]]) <= m.A[f, t]",
        "return linear_sum([*paid, m.e[f, t]]) <= 2 * m.A[f, t]",
        FUNDING_TESTS,
    ),
    Mutant(
        "F3: the co-financing cap left out",
        "models/funding_share.py",
        "return linear_sum(paid, money + projects) <= 0",
        "return Constraint.Skip",
        FUNDING_TESTS,
    ),
    Mutant(
        "F3: project cash left out of the pair's money",
        "models/funding_share.py",
        "projects = [(share * cost, u) for cost, u in m.project_pair_terms.get((r, s), ())]",
        "projects = []",
        FUNDING_TESTS,
    ),
    Mutant(
        "F4: the debt room left out",
        "models/funding_debt.py",
        "if not drawn or r not in m.debt_room_regions:",
        "if True:",
        FUNDING_TESTS,
    ),
    Mutant(
        "a region-only source funds every region",
        "planner/scenario/funding.py",
        "if f.region is None or f.region == r.id",
        "if True",
        FUNDING_TESTS,
    ),
    Mutant(
        "the least-debt solve skipped",
        "planner/solve/plan_model.py",
        'if outcome.status != "optimal" or not self.funding.needs_least_debt:',
        "if True:",
        FUNDING_TESTS,
    ),
]


def project_copy(folder: Path) -> Path:
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, folder / name)
    return folder


def run_tests(folder: Path, tests: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    """The tests, on the copy, in a fresh process that imports planner/models/ui from the copy."""
    env = {**os.environ, "PYTHONPATH": str(folder)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_every_mutant_still_applies(mutant):
    """In the default run (milliseconds): a refactor that moves a mutant's code fails here at once,
    not months later in ``-m mutation`` as "no longer applies" while its family goes unguarded."""
    source = (ROOT / mutant.path).read_text(encoding="utf-8")
    assert source.count(mutant.old) == 1, f"re-aim the mutant at today's {mutant.path}"
    for test in mutant.tests:
        assert (ROOT / test.split("::")[0]).is_file(), test


@pytest.mark.mutation
def test_the_unmutated_copy_passes_and_is_what_the_tests_import(tmp_path):
    """Kills mean something only if the copy passes as it is, and imports its own sources."""
    folder = project_copy(tmp_path)
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import planner, models, ui; print(planner.__file__, models.__file__)",
        ],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(folder)},
        capture_output=True,
        text=True,
    )
    assert where.stdout.split() == [
        str(folder / "planner" / "__init__.py"),
        str(folder / "models" / "__init__.py"),
    ]
    selected = sorted({t for m in MUTANTS for t in m.tests})
    done = run_tests(folder, tuple(selected))
    assert done.returncode == 0, done.stdout[-3000:]


@pytest.mark.mutation
@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_the_suite_kills_the_mutant(mutant, tmp_path):
    folder = project_copy(tmp_path)
    target = folder / mutant.path
    source = target.read_text(encoding="utf-8")
    assert source.count(mutant.old) == 1, f"mutant no longer applies to {mutant.path}"
    target.write_text(source.replace(mutant.old, mutant.new), encoding="utf-8")
    done = run_tests(folder, mutant.tests)
    # 1: a test failed; 2: collection failed (the mutant broke an import). 4/5 would be a usage
    # error or no tests: a broken harness, not a kill.
    assert done.returncode in (1, 2), f"survived: {mutant.name}\n{done.stdout[-1500:]}"
