"""Making and setting up ``highspy.Highs`` objects: quiet ones, LPs from arrays, options for a while,
and a time limit HiGHS reads the way a caller means it."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import highspy
import numpy as np

INF = highspy.kHighsInf


def highs_lp(
    sense: highspy.ObjSense,
    cost: np.ndarray,
    column_bounds: tuple[np.ndarray, np.ndarray],
    row_bounds: tuple[np.ndarray, np.ndarray],
    compressed: tuple[np.ndarray, np.ndarray, np.ndarray],
    orientation: highspy.MatrixFormat,
) -> highspy.HighsLp:
    """A ``HighsLp`` from arrays: ``compressed`` is (start, index, value) of the matrix, stored
    row-wise or column-wise as ``orientation`` says."""
    start, index, value = compressed
    lp = highspy.HighsLp()
    lp.num_col_ = len(cost)
    lp.num_row_ = len(row_bounds[0])
    lp.sense_ = sense
    lp.col_cost_ = cost
    lp.col_lower_, lp.col_upper_ = column_bounds
    lp.row_lower_, lp.row_upper_ = row_bounds
    lp.a_matrix_.format_ = orientation
    lp.a_matrix_.start_ = np.ascontiguousarray(start, dtype=np.int32)
    lp.a_matrix_.index_ = np.ascontiguousarray(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.ascontiguousarray(value, dtype=float)
    return lp


def quiet_highs() -> highspy.Highs:
    """A Highs object that prints nothing: its constructor writes a banner straight to file
    descriptor 1, which would corrupt ``planner solve --json``; so fd 1 points at /dev/null meanwhile."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 1)
            highs = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    highs.setOptionValue("output_flag", False)
    for option in ("primal_feasibility_tolerance", "dual_feasibility_tolerance"):
        highs.setOptionValue(option, 1e-9)  # money to the yuan on budgets of thousands of CNY bn
    return highs


def highs_time_limit(highs: highspy.Highs, time_limit_s: float | None, mip: bool) -> float:
    """HiGHS's ``time_limit`` for a run of at most ``time_limit_s`` seconds (None: no limit; 0 is a
    limit, a caller's 0 must not silently mean forever).

    HiGHS reads an LP's limit against its object's clock, which runs on over every run of the object
    (HiGHS issue #1477; highspy 1.16 has no ``zeroAllClocks``): without the offset a live model's
    re-solves would stop at once when its solves so far add up to the limit. Branch and bound
    reads the limit against a clock of its own."""
    if time_limit_s is None:
        return INF
    return float(time_limit_s) + (0.0 if mip else highs.getRunTime())


@contextmanager
def highs_options(highs: highspy.Highs, **options: Any) -> Iterator[None]:
    """Set HiGHS ``options`` for the block, and put the former values back after it."""
    former = {name: highs.getOptionValue(name)[1] for name in options}
    try:
        for name, value in options.items():
            highs.setOptionValue(name, value)
        yield
    finally:
        for name, value in former.items():
            highs.setOptionValue(name, value)
