"""Re-solving a mixed-integer model from its last plan, with a proof instead of a new branch and bound.

A re-solve after a change that keeps the model's shape (a budget, a criterion weight: right-hand sides
or costs) starts from the last incumbent's project starts u. :class:`ReusingBridge` first tries to
*prove* that they are still good enough:

1. the LP with every u fixed at the incumbent's values (warm-started): a feasible plan, worth E_inc;
2. an upper bound E_bound on every plan: the LP relaxation (u in [0, 1]), tightened by a few branchings
   on fractional starts (at most :data:`PROOF_LPS` warm-started LPs; a branch whose LP is no better
   than the best plan found is closed; a branch whose LP has whole starts is a plan);
3. gap = (E_bound − E_inc) / |E_inc|, HiGHS's own definition of its relative gap (``mip_rel_gap``:
   "|ub − lb| / |ub|", with the incumbent's value as ub; 0 when both are 0). When gap ≤ the scenario's
   ``mip_gap``, the plan of step 1 is returned with that gap and status ``optimal``, exactly what
   branch and bound would have been allowed to return, and its duals are the fixed-starts LP's, as
   always (projects.md).

Every bound above is an LP optimum over a superset of the plans of its branch, so E_bound bounds every
plan: the proof holds whatever the change was. A change that made the incumbent infeasible (its fixed
LP has no solution, or a start lies outside a changed column bound) goes straight to branch and bound.

When the proof cannot close the gap, the re-solve goes to HiGHS's branch and bound, but first looks
for a better plan near the last one (RINS, relaxation-induced neighbourhood search): every start on
which the last plan and the relaxation agree is fixed, and HiGHS solves the small MIP over the rest
(no heuristics, no restart: both cost more than they find here). Its plan, a plan of the changed
model, is branch and bound's start, which then runs without presolve and restarts: with a start
that good HiGHS can stop at its root, whereas presolve and a restart fix columns by reduced cost and
throw the root's cuts away (``docs/performance.md`` has the figures).
"""

from __future__ import annotations

import heapq
import math
import time
from typing import Any

import highspy
import numpy as np

from planner.solve.bridge import HighsBridge
from planner.solve.highs_setup import highs_options, highs_time_limit

PROOF_LPS = 16
"""At most this many LPs (relaxation and branches) try to close the gap before branch and bound runs:
on western_china with its projects the relaxation leaves 4 fractional starts and a gap of 3.8e-4, which
a few branchings close; a portfolio of hundreds of projects leaves dozens (43 at 60 regions and 400
projects), which they never close: with more fractional starts than this at the root the proof stops
there, having cost two warm-started LPs against seconds of branch and bound."""

NEIGHBOURHOOD_SEARCH = {
    "mip_heuristic_effort": 0.0,
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
    "mip_allow_restart": False,
}
"""HiGHS's options for the neighbourhood's small MIP. Its LP and cuts nearly close it, so a few
branchings find the plan; HiGHS's own sub-MIP heuristics took 1.2 of its 1.6 s (60 regions, 400
projects, budget −5 %), 0.4 s without them."""

NEIGHBOURHOOD_GAP = 0.1
"""The neighbourhood's MIP is solved to this share of ``mip_gap``: its plan is the start whose
value the full branch and bound must prove within ``mip_gap``, so it should leave room."""

FROM_A_GOOD_START = {"presolve": "off", "mip_allow_restart": False}
"""HiGHS's options for the branch and bound that starts from the neighbourhood's plan."""

WHOLE = (
    1e-6  # HiGHS's mip_feasibility_tolerance: a start closer than this to 0 or 1 counts as whole
)


class ReusingBridge(HighsBridge):
    """A :class:`HighsBridge` whose MIP re-solves first try to prove the last plan's starts still good.

    ``last_path`` says how the last solve ended: ``"lp"`` (no integers, or fixed), ``"proof"`` (the
    starts were proven within the gap, no branch and bound) or ``"branch and bound"``;
    ``path_counts`` counts the solves of each path since :meth:`count_paths_from_zero`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._proven = False  # the integers are fixed by a proof, not by a caller
        self.mip_gap = 1e-4  # HiGHS's default mip_rel_gap, until set_mip_gap
        self.last_path = "lp"
        self.proof_lps = 0
        self.path_counts: dict[str, int] = {}

    def count_paths_from_zero(self) -> None:
        self.path_counts = {"proof": 0, "branch and bound": 0, "neighbourhood": 0}

    @property
    def is_mip(self) -> bool:
        return self.integer_columns.size > 0 and (self._fixed is None or self._proven)

    def fix_integers(self, values: np.ndarray | None = None) -> None:
        if self._proven:  # already fixed, at the proven plan's starts, which HiGHS holds now
            self._proven = False
            if values is None:
                return
            self.release_integers()
        super().fix_integers(values)

    def release_integers(self) -> None:
        self._proven = False
        super().release_integers()

    def solve(self, time_limit_s: float | None = None) -> str:
        if self._proven:  # a new solve of the same MIP (another objective of the mode)
            self.release_integers()
        if not self.is_mip:
            self.last_path = "lp"
            return super().solve(time_limit_s)
        started = time.perf_counter()
        proven, neighbourhood = self._prove_incumbent(time_limit_s)
        if proven:
            self._count("proof")
            return "optimal"
        self._count("branch and bound")
        if neighbourhood is None:
            return super().solve(time_limit_s)
        plan, relaxed = neighbourhood
        self.path_counts["neighbourhood"] = self.path_counts.get("neighbourhood", 0) + 1
        self._incumbent = self._search_neighbourhood(plan, relaxed, _left(time_limit_s, started))
        with highs_options(self.highs, **FROM_A_GOOD_START):
            return super().solve(_left(time_limit_s, started))

    def _count(self, path: str) -> None:
        self.last_path = path
        self.path_counts[path] = self.path_counts.get(path, 0) + 1

    # ---- the proof ----

    def _prove_incumbent(
        self, time_limit_s: float | None
    ) -> tuple[bool, tuple[np.ndarray, np.ndarray] | None]:
        """Steps 1–3 of the module's docstring: whether the proof held, and when it did not, the
        neighbourhood to search (the best plan found and the relaxation's starts) if there is one.

        A proof leaves HiGHS holding the proven plan with its integers fixed; otherwise they are
        free, with the best plan found as the incumbent."""
        cols = self.integer_columns
        incumbent = self._incumbent
        if incumbent is None or incumbent.size != len(self.columns):
            return False, None
        starts = np.round(incumbent[cols])
        if np.any(starts < self.col_lower[cols]) or np.any(starts > self.col_upper[cols]):
            return False, None  # a project forced in or out against the incumbent's choice
        # one limit for all the proof's LPs: they read it against a clock that runs on over them
        self.highs.setOptionValue(
            "time_limit", highs_time_limit(self.highs, time_limit_s, mip=False)
        )
        value = self._fixed_lp_value(starts)
        relaxed: np.ndarray | None = None  # for the neighbourhood, if the gap stays open
        if value is not None:
            bound, found, relaxed = self._relaxation_bound(value)
            # HiGHS holds the best plan again (the incumbent's LP, warm: a few pivots at most)
            value = self._fixed_lp_value(starts if found is None else found)
        if value is None:
            self.release_integers()
            return False, None
        gap = relative_gap(value, max(bound, value))
        if gap > self.mip_gap:
            neighbourhood = None if relaxed is None else (self.primal(), relaxed)
            self.release_integers()
            return False, neighbourhood
        self._incumbent = self.primal()
        self._proven = True
        self.gap, self.nodes = gap, 0
        return True, None

    def set_mip_gap(self, gap: float) -> None:
        super().set_mip_gap(gap)
        self.mip_gap = float(gap)

    def _fixed_lp_value(self, starts: np.ndarray) -> float | None:
        """The weighted objective of the LP with every integer column fixed at ``starts``."""
        self.release_integers()
        super().fix_integers(starts)
        return self._lp_value()

    def _search_neighbourhood(
        self, plan: np.ndarray, relaxed: np.ndarray, time_limit_s: float | None
    ) -> np.ndarray:
        """RINS: the best plan with every start on which ``plan`` and the relaxation agree kept.

        ``plan`` is feasible in the changed model (its starts' fixed LP), so it is this small MIP's
        start and the answer when the search finds nothing better."""
        cols = self.integer_columns
        starts = plan[cols]
        agree = np.abs(relaxed - starts) <= WHOLE
        lower = np.where(agree, starts, self.col_lower[cols])
        upper = np.where(agree, starts, self.col_upper[cols])
        self.highs.changeColsBounds(cols.size, cols, lower, upper)
        self.highs.setSolution(plan.size, np.arange(plan.size, dtype=np.int32), plan)
        try:
            with highs_options(
                self.highs,
                mip_rel_gap=self.mip_gap * NEIGHBOURHOOD_GAP,
                time_limit=highs_time_limit(self.highs, time_limit_s, mip=True),
                **NEIGHBOURHOOD_SEARCH,
            ):
                self.highs.run()
            return self.primal() if self.has_solution() else plan
        finally:
            self.highs.changeColsBounds(cols.size, cols, self.col_lower[cols], self.col_upper[cols])

    def _lp_value(self) -> float | None:
        self.highs.run()
        if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return float(self.highs.getInfo().objective_function_value)

    def _relaxation_bound(self, value: float) -> tuple[float, np.ndarray | None, np.ndarray | None]:
        """An upper bound on every plan, whole starts better than ``value`` if a branch found some,
        and the relaxation's starts (None if its LP did not finish).

        Best-first branching over the relaxation, at most :data:`PROOF_LPS` LPs; stops as soon as
        the best open branch is within the gap of the best plan. An open branch is bounded by its
        parent's LP; a closed one (infeasible, no better than the best plan, or whole) by the best
        plan."""
        cols = self.integer_columns
        relaxed: np.ndarray | None = None
        self.release_integers()
        self._set_integrality(highspy.HighsVarType.kContinuous)
        lower, upper = self.col_lower[cols].copy(), self.col_upper[cols].copy()
        best, found = value, None
        # (−parent's LP, tie-break, lower, upper): heapq pops the most promising branch first
        open_nodes: list[tuple[float, int, np.ndarray, np.ndarray]] = [(-math.inf, 0, lower, upper)]
        try:
            for solved in range(1, PROOF_LPS + 1):
                self.proof_lps = solved
                _key, _n, node_lower, node_upper = heapq.heappop(open_nodes)
                self.highs.changeColsBounds(cols.size, cols, node_lower, node_upper)
                lp = self._lp_value()
                if (
                    lp is None
                    and self.highs.getModelStatus() != highspy.HighsModelStatus.kInfeasible
                ):
                    return math.inf, found, relaxed  # an LP that did not finish proves nothing
                if solved == 1 and lp is not None:
                    relaxed = self.primal()[cols]
                if lp is not None and lp > best:
                    u = self.primal()[cols]
                    frac = np.minimum(u - np.floor(u), np.ceil(u) - u)
                    if frac.max(initial=0.0) <= WHOLE:
                        best, found = lp, np.round(u)
                    elif solved == 1 and np.count_nonzero(frac > WHOLE) > PROOF_LPS:
                        return math.inf, found, relaxed  # more split starts than branchings
                    else:
                        j = int(np.argmax(frac))
                        down, up = node_upper.copy(), node_lower.copy()
                        down[j], up[j] = math.floor(u[j]), math.ceil(u[j])
                        heapq.heappush(open_nodes, (-lp, 2 * solved, node_lower, down))
                        heapq.heappush(open_nodes, (-lp, 2 * solved + 1, up, node_upper))
                open_nodes = [n for n in open_nodes if -n[0] > best]
                heapq.heapify(open_nodes)
                bound = max([best] + [-n[0] for n in open_nodes])
                if not open_nodes or relative_gap(best, bound) <= self.mip_gap:
                    break
            return bound, found, relaxed
        finally:
            self.highs.changeColsBounds(cols.size, cols, lower, upper)
            self._set_integrality(highspy.HighsVarType.kInteger)


def relative_gap(incumbent: float, bound: float) -> float:
    """HiGHS's relative MIP gap for a maximization: (bound − incumbent) / |incumbent|; 0 when both
    are 0 and infinite when only the incumbent is (``HighsMipSolverData::limitsToGap``)."""
    if incumbent == 0.0:
        return 0.0 if bound <= 0.0 else math.inf
    return max(0.0, bound - incumbent) / abs(incumbent)


def _left(time_limit_s: float | None, started: float) -> float | None:
    """What is left of ``time_limit_s`` (None: no limit) since ``started``."""
    if time_limit_s is None:
        return None
    return max(0.0, time_limit_s - (time.perf_counter() - started))
