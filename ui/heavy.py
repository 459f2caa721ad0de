"""Heavy runs (the budget and Pareto frontiers) with a progress bar, a Cancel button, the session's
one-solve-at-a-time rule and the per-solve time limit.

Cancelling is Streamlit's own interruption: a click on Cancel reruns the page, and Streamlit stops
the running script at its next call into Streamlit, which is the progress update after each solve.
So a run stops within one solve of the click, and the rerun shows the page without its result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from planner.i18n.catalog import t

from . import access

T = TypeVar("T")
Progress = Callable[[int, int], None]


def heavy(what: str, key: str, run: Callable[[Progress, float], T]) -> T:
    """``run(progress, time_limit_s)`` with a bar and Cancel; one heavy run or solve per session."""
    fair = access.fair_use()
    with access.session_solves().one(what):
        bar = st.progress(0.0, text=t("ui.heavy.starting", what=what))
        st.button(t("ui.heavy.cancel"), key=f"{key}_cancel", help=t("ui.heavy.cancel_help"))

        def progress(done: int, total: int) -> None:
            bar.progress(
                done / max(total, 1), text=t("ui.heavy.progress", what=what, done=done, total=total)
            )

        result = run(progress, fair.solve_seconds)
    bar.empty()
    return result
