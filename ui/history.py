"""The History tab: keep the current plan as a run, find runs, open one, compare two, decide.

Runs live in planner's run store (``planner.store``: ``PLANNER_DB_URL``, else the per-user SQLite
file), the same store ``planner solve --record`` and ``planner runs`` use. The user is the signed-in
person signed in (``ui/access.py``: e-mail and IdP subject), else the OS user running the server;
saving needs the planner role and deciding the approver role, checked again by the handlers.
"""

from __future__ import annotations

import os
from typing import Any

import streamlit as st

from planner import Plan, Scenario
from planner.errors import StoreError

from . import access, analysis, state

OPENED_KEY = "planner.history.opened"


def run_store() -> Any:
    """The run store ``PLANNER_DB_URL`` names (else the per-user file), opened once per server."""
    return _store_at(os.environ.get("PLANNER_DB_URL") or None)


@st.cache_resource(show_spinner=False)
def _store_at(url: str | None) -> Any:
    import planner.store

    return planner.store.open(url)


def current_user() -> str:
    """The signed-in person's e-mail (or name, or subject) behind sign-in, else the OS user."""
    return access.current().user


def opened_source(source: Any) -> Any:
    """The sidebar's choice, unless a stored run was opened: then its exact scenario, until closed."""
    opened = st.session_state.get(OPENED_KEY)
    if opened is None:
        return source
    run_id, scenario, _plan = opened
    st.sidebar.info(f"Showing stored run {run_id}.")
    if st.sidebar.button("Close the stored run", key="history_close"):
        st.session_state.pop(OPENED_KEY, None)
        st.rerun()
    return type(source)(scenario, f"run {run_id}", [])


def history_tab(scenario: Scenario, plan: Plan) -> None:
    try:
        store = run_store()
    except StoreError as err:
        st.error(f"The run store cannot be used: {err}")
        return
    user = current_user()
    st.caption(f"Run store: {store.location} · acting as **{user}**")
    try:
        if access.may("save"):
            save_section(store, plan, user)
        runs = filtered_runs(store)
        if runs.empty:
            st.info(
                "No runs match. Save the current plan above, or record with `planner solve --record`."
            )
            return
        ids = list(runs["id"])
        open_section(store, ids)
        compare_runs_section(store, ids)
        if access.may("note"):
            note_section(store, ids, user)
        if access.may("approve"):
            decide_section(store, ids, user)
    except StoreError as err:
        st.error(str(err))


def save_section(store: Any, plan: Plan, user: str) -> None:
    left, right = st.columns([4, 1])
    note = left.text_input("Note for this run", key="history_note", placeholder="why this plan")
    right.write("")
    if right.button("Save as run", key="history_save", disabled=plan.scenario is None):
        run_id = access.save_run(store, plan, note)
        st.success(f"Saved as run {run_id}.")


def filtered_runs(store: Any) -> Any:
    from planner.store.api import SHOWN_COLUMNS  # loaded with the open store, not at start-up

    everything = store.runs()
    left, middle, right = st.columns(3)
    names = sorted(everything["scenario"].unique())
    scenario = left.selectbox("Scenario", ["(all)", *names], key="history_scenario")
    user = middle.selectbox(
        "User", ["(all)", *sorted(everything["user"].unique())], key="history_user"
    )
    since = right.date_input("Since", value=None, key="history_since")
    runs = store.runs(
        scenario=None if scenario == "(all)" else scenario,
        user=None if user == "(all)" else user,
        since=since.isoformat() if since else None,
    )
    st.dataframe(
        runs[SHOWN_COLUMNS],
        hide_index=True,
        width="stretch",
    )
    return runs


def open_section(store: Any, ids: list[str]) -> None:
    left, right = st.columns([4, 1])
    chosen = left.selectbox("Run to open", ids, key="history_open_id")
    right.write("")
    if right.button(
        "Open",
        key="history_open",
        help="Its scenario goes into the editor and its plan becomes the current one.",
    ):
        open_run(store, chosen, st.session_state)
        st.rerun()


def open_run(store: Any, run_id: str, session: Any) -> None:
    """Make the stored run current: its scenario feeds the controls, its plan is shown unsolved."""
    scenario, plan = store.scenario(run_id), store.get(run_id)
    session[OPENED_KEY] = (run_id, scenario, plan)
    session.pop(state.MODEL_KEY, None)  # the live model belongs to another scenario
    session[state.LAST_KEY] = state.Solved(scenario, plan, solved_now=False, rebuilt=False)


def compare_runs_section(store: Any, ids: list[str]) -> None:
    left, right = st.columns(2)
    a = left.selectbox("Compare run A", ids, index=min(1, len(ids) - 1), key="history_a")
    b = right.selectbox("with run B", ids, index=0, key="history_b")
    if a != b and st.toggle("Show the comparison (B minus A)", key="history_compare"):
        analysis.compare_section(store.get(a), store.get(b))


def note_section(store: Any, ids: list[str], user: str) -> None:
    """A planner's note on a run: an event with user and time, like a decision (the handler
    checks the role again)."""
    left, middle, right = st.columns([2, 3, 1])
    chosen = left.selectbox("Add a note to run", ids, key="history_note_id")
    text = middle.text_input("Note", key="history_note_text", placeholder="what was agreed")
    right.write("")
    if right.button("Add note", key="history_add_note", disabled=not text.strip()):
        access.decide(store, "note", chosen, text)
        st.success(f"Noted on run {chosen} by {user}.")


def decide_section(store: Any, ids: list[str], user: str) -> None:
    left, middle, right = st.columns([2, 3, 1])
    chosen = left.selectbox("Decide on run", ids, key="history_decide_id")
    note = middle.text_input("Why", key="history_decide_note")
    kind = right.radio("Decision", ["approve", "reject"], key="history_decision", horizontal=True)
    if st.button(f"Record: {kind} run {chosen}", key="history_decide"):
        access.decide(store, kind, chosen, note)
        st.success(f"Recorded: {kind} run {chosen} by {user}.")
    events = store.events(chosen)
    if events:
        st.dataframe(events, hide_index=True, width="stretch")


__all__ = ["history_tab", "open_run", "opened_source"]
