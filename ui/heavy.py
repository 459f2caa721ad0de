"""Heavy runs (the budget and Pareto frontiers, the alternatives) in a worker process of their own,
with a progress bar, a Cancel button, the session's one-run-at-a-time rule and the time limits.

The run is ``fn(*args, progress=…, time_limit_s=…, **kwargs)`` in a child process
(:func:`planner.serve.workers.run_apart`); this session's thread only waits on it, so the server
stays free for every other session (a run in this thread would hold Python's lock between HiGHS
calls, and another session's quick solve would wait). Each solve of the run has the per-solve
limit; the whole run has ``--run-seconds``, after which the worker is killed.

Cancelling is Streamlit's own interruption: a click on Cancel reruns the page, and Streamlit stops
this script at its next call into Streamlit, which is the bar's update at least once a second; the
wait ends and the worker is killed on the way out. The same happens on any rerun of the page and
when the session ends (its tab closed), so no worker outlives the session that started it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from planner.i18n.catalog import t
from planner.serve.workers import run_apart

from . import access


class SessionEnded(RuntimeError):
    """The browser session that started a run is gone: its run is stopped."""


def _session_is_gone() -> bool:
    from streamlit import runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not runtime.exists():
        return False
    return not runtime.get_instance().is_active_session(ctx.session_id)


def start_button(label: str, key: str) -> Any:
    """A heavy run's start button; once pressed, the place it held, for :func:`heavy`'s bar and
    Cancel (None while not pressed). One place for both: the run's bar replaces the button, and
    the rerun after the run (or after Cancel) replaces the bar at once, with the result or the
    button again, so neither is left on the page beside the other."""
    place = st.empty()
    return place if place.button(label, key=key) else None


def heavy(
    what: str, key: str, fn: Callable[..., Any], *args: Any, place: Any = None, **kwargs: Any
) -> Any:
    """``fn(*args, progress=…, time_limit_s=…, **kwargs)`` in a worker, with a bar and Cancel in
    ``place`` (:func:`start_button`'s; a new one by default); one heavy run or solve at a time per
    session. ``fn`` and its arguments must pickle (a module's function, a Scenario, numbers), never
    a live model."""
    fair = access.fair_use()
    slot = st.empty() if place is None else place  # the bar and Cancel, cleared together
    with access.session_solves().one(what), slot.container():
        bar = st.progress(0.0, text=t("ui.heavy.starting", what=what))
        st.button(t("ui.heavy.cancel"), key=f"{key}_cancel", help=t("ui.heavy.cancel_help"))
        shown = {"done": 0, "total": 0, "second": -1}

        def redraw(elapsed: float) -> None:
            seconds = f"{elapsed:.0f}"
            text = (
                t("ui.heavy.progress", what=what, done=shown["done"], total=shown["total"])
                if shown["total"]
                else t("ui.heavy.starting", what=what)
            )
            bar.progress(
                shown["done"] / max(shown["total"], 1),
                text=t("ui.heavy.elapsed", text=text, seconds=seconds),
            )

        def progress(done: int, total: int) -> None:
            shown.update(done=done, total=total)

        def tick(elapsed: float) -> None:
            if _session_is_gone():
                raise SessionEnded(f"{what}: the session that started it has ended")
            if int(elapsed) != shown["second"] or shown["done"] != shown.get("drawn"):
                shown.update(second=int(elapsed), drawn=shown["done"])
                redraw(elapsed)  # Streamlit's interruption (Cancel, a rerun) is raised here

        result = run_apart(
            fn,
            args,
            {**kwargs, "time_limit_s": fair.solve_seconds},
            progress=progress,
            tick=tick,
            limit_seconds=fair.run_seconds,
            what=what,
        )
    slot.empty()
    return result
