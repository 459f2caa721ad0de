"""What the page keeps between reruns: loaded scenarios (shared), and each session's live model and plan.

Streamlit reruns the whole script on every widget change. Rebuilding the Pyomo model each time would cost
about a second; instead each browser session keeps one :class:`planner.PlanModel` in
``st.session_state`` and points it at the edited scenario: a change that keeps the model's shape (budget,
rates, floors, capacities, needs, mode) re-solves in place with a warm start, anything else rebuilds. The
last plan is kept with the scenario digest it was solved for, so a rerun that changes nothing (a click on
"pin as baseline", opening a tab) does not solve at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

import planner
from planner import Plan, PlanModel, Scenario

MODEL_KEY = "planner.model"
LAST_KEY = "planner.last"
BASELINE_KEY = "planner.baseline"
OPENED_KEY = "planner.opened"


@st.cache_resource(show_spinner=False)
def bundled_scenario(name: str) -> Scenario:
    """A bundled scenario, loaded once per server (a Scenario is immutable, so sharing is safe)."""
    return planner.load_scenario(name)


@dataclass
class Solved:
    """The plan of one scenario, and whether this rerun solved it or reused it."""

    scenario: Scenario
    plan: Plan
    solved_now: bool
    rebuilt: bool
    chosen: bool = False
    """The plan is a near-optimal alternative the user chose, not the live model's last solve."""


def solve(scenario: Scenario, session: Any = None, time_limit_s: float | None = None) -> Solved:
    """The plan of ``scenario``, re-solving the session's live model only when the scenario changed
    (within ``time_limit_s`` seconds of HiGHS, when given)."""
    session = st.session_state if session is None else session
    last: Solved | None = session.get(LAST_KEY)
    if last is not None and last.scenario == scenario:
        return Solved(scenario, last.plan, solved_now=False, rebuilt=False)
    model: PlanModel | None = session.get(MODEL_KEY)
    rebuilt = model is None
    if model is None:
        model = PlanModel(scenario)
        session[MODEL_KEY] = model
    else:
        before = model.key
        model.update(scenario)
        rebuilt = model.key != before
    plan = model.solve(time_limit_s=time_limit_s)
    solved = Solved(scenario, plan, solved_now=True, rebuilt=rebuilt)
    session[LAST_KEY] = solved
    return solved


def live_model(plan: Plan, session: Any = None) -> PlanModel | None:
    """The session's live model if ``plan`` is the last one it solved (it still holds that basis)."""
    session = st.session_state if session is None else session
    last: Solved | None = session.get(LAST_KEY)
    if last is None or last.plan is not plan or last.chosen:
        return None
    return session.get(MODEL_KEY)


def use_plan(scenario: Scenario, plan: Plan, optimal: Plan, session: Any = None) -> None:
    """Make a near-optimal alternative the current plan of ``scenario``, the optimum its baseline.
    It stays current until the scenario changes (then the live model solves again)."""
    session = st.session_state if session is None else session
    session[BASELINE_KEY] = optimal
    session[LAST_KEY] = Solved(scenario, plan, solved_now=False, rebuilt=False, chosen=True)


@dataclass(frozen=True)
class Opened:
    """A stored run made the page's current plan (History's *Open*)."""

    run_id: str
    scenario: Scenario
    plan: Plan


def open_stored(store: Any, run_id: str, session: Any = None) -> Opened:
    """Make the stored run ``run_id`` current: its exact scenario feeds the controls, and its plan,
    read back whole from the store, is shown as recorded, unsolved, until a setting changes (then
    the session's model solves the changed scenario)."""
    session = st.session_state if session is None else session
    opened = Opened(store.resolve(run_id), store.scenario(run_id), store.get(run_id))
    session[OPENED_KEY] = opened
    session.pop(MODEL_KEY, None)  # the live model belongs to another scenario
    session[LAST_KEY] = Solved(opened.scenario, opened.plan, solved_now=False, rebuilt=False)
    return opened


def opened(session: Any = None) -> Opened | None:
    """The stored run the page shows, if one was opened and not closed."""
    session = st.session_state if session is None else session
    found: Opened | None = session.get(OPENED_KEY)
    return found


def close_stored(session: Any = None) -> None:
    session = st.session_state if session is None else session
    session.pop(OPENED_KEY, None)


def pin_baseline(plan: Plan, session: Any = None) -> None:
    session = st.session_state if session is None else session
    session[BASELINE_KEY] = plan


def baseline(session: Any = None) -> Plan | None:
    session = st.session_state if session is None else session
    return session.get(BASELINE_KEY)


def clear_baseline(session: Any = None) -> None:
    session = st.session_state if session is None else session
    session.pop(BASELINE_KEY, None)
