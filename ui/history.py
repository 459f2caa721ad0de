"""The History tab: keep the current plan as a run, find runs, open one, compare two, decide.

Runs live in planner's run store (``planner.store``: ``PLANNER_DB_URL``, else the per-user SQLite
file), the same store ``planner solve --record`` and ``planner runs`` use. The user is the signed-in
person signed in (``ui/access.py``: e-mail and IdP subject), else the OS user running the server;
saving needs the planner role and deciding the approver role, checked again by the handlers.
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd
import streamlit as st

from planner import Plan, Scenario
from planner.errors import StoreError
from planner.i18n.catalog import DEFAULT_LANGUAGE, language, t

from . import access, analysis, display, state

DECISION_KINDS = ("approve", "reject")
OPEN_ID_KEY = "history_open_id"


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
    found = state.opened()
    if found is None:
        return source
    st.sidebar.info(t("ui.history.showing", run=found.run_id))
    if st.sidebar.button(t("ui.history.close"), key="history_close"):
        state.close_stored()
        st.rerun()
    return type(source)(found.scenario, t("ui.history.run_label", run=found.run_id), [])


def history_tab(scenario: Scenario, plan: Plan) -> None:
    try:
        store = run_store()
    except StoreError as err:
        st.error(t("ui.history.store_error", error=err))
        return
    user = current_user()
    st.caption(t("ui.history.store", location=store.location, user=user))
    try:
        if access.may("save"):
            save_section(store, plan, user)
        runs = filtered_runs(store)
        if runs.empty:
            st.info(t("ui.history.no_runs"))
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
    note = left.text_input(
        t("ui.history.note_for_run"), key="history_note", placeholder=t("ui.history.note_hint")
    )
    right.write("")
    if right.button(t("ui.history.save"), key="history_save", disabled=plan.scenario is None):
        run_id = access.save_run(store, plan, note)
        st.session_state[OPEN_ID_KEY] = run_id  # the run just saved is the one offered to open
        st.success(t("ui.history.saved", run=run_id))


def filtered_runs(store: Any) -> Any:
    from planner.store.api import SHOWN_COLUMNS  # loaded with the open store, not at start-up

    everything = store.runs()
    left, middle, right = st.columns(3)
    names = sorted(everything["scenario"].unique())
    every = t("ui.history.all")  # an option in words, not a format_func: AppTest reads options
    scenario = left.selectbox(t("ui.history.scenario"), [every, *names], key="history_scenario")
    user = middle.selectbox(
        t("ui.history.user"), [every, *sorted(everything["user"].unique())], key="history_user"
    )
    since = right.date_input(t("ui.history.since"), value=None, key="history_since")
    runs = store.runs(
        scenario=None if scenario == every else scenario,
        user=None if user == every else user,
        since=since.isoformat() if since else None,
    )
    shown = worded_runs(runs[SHOWN_COLUMNS])
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={c: display.header(c) for c in shown.columns}
        | {
            "min_coverage": st.column_config.NumberColumn(
                t("ui.col.min_coverage"), format="percent"
            )
        },
    )
    return runs


def worded_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs as a person reads them: in Chinese, modes, statuses and decisions in words."""
    if language() == DEFAULT_LANGUAGE:
        return runs
    return runs.assign(
        mode=[
            t(f"mode.{m}") if m in ("efficiency", "equity", "balanced") else m for m in runs["mode"]
        ],
        status=[display.status(v) for v in runs["status"]],
        decision=[_kind(v) for v in runs["decision"]],
    )


def _kind(kind: object) -> object:
    """An event's kind (approve, reject, supersede, note) in the page's language."""
    return t(f"ui.history.kind.{kind}") if kind in EVENT_KINDS else kind


EVENT_KINDS = ("approve", "reject", "supersede", "note")


def open_section(store: Any, ids: list[str]) -> None:
    left, right = st.columns([4, 1])
    chosen = left.selectbox(t("ui.history.run_to_open"), ids, key=OPEN_ID_KEY)
    right.write("")
    if right.button(t("ui.history.open"), key="history_open", help=t("ui.history.open_help")):
        state.open_stored(store, chosen)
        st.rerun()


def compare_runs_section(store: Any, ids: list[str]) -> None:
    left, right = st.columns(2)
    a = left.selectbox(t("ui.history.compare_a"), ids, index=min(1, len(ids) - 1), key="history_a")
    b = right.selectbox(t("ui.history.compare_b"), ids, index=0, key="history_b")
    if a != b and st.toggle(t("ui.history.compare_show"), key="history_compare"):
        analysis.compare_section(store.get(a), store.get(b))


def note_section(store: Any, ids: list[str], user: str) -> None:
    """A planner's note on a run: an event with user and time, like a decision (the handler
    checks the role again)."""
    left, middle, right = st.columns([2, 3, 1])
    chosen = left.selectbox(t("ui.history.note_run"), ids, key="history_note_id")
    text = middle.text_input(
        t("ui.history.note"), key="history_note_text", placeholder=t("ui.history.note_agreed")
    )
    right.write("")
    if right.button(t("ui.history.add_note"), key="history_add_note", disabled=not text.strip()):
        access.decide(store, "note", chosen, text)
        st.success(t("ui.history.noted", run=chosen, user=user))


def decide_section(store: Any, ids: list[str], user: str) -> None:
    left, middle, right = st.columns([2, 3, 1])
    chosen = left.selectbox(t("ui.history.decide_run"), ids, key="history_decide_id")
    note = middle.text_input(t("ui.history.why"), key="history_decide_note")
    worded = {_kind(k): k for k in DECISION_KINDS}  # options in words (AppTest reads them)
    said = right.radio(
        t("ui.history.decision"), list(worded), key="history_decision", horizontal=True
    )
    kind = worded.get(str(said), DECISION_KINDS[0])
    if st.button(t("ui.history.record", kind=said, run=chosen), key="history_decide"):
        access.decide(store, kind, chosen, note)
        st.success(t("ui.history.recorded", kind=said, run=chosen, user=user))
    events = store.events(chosen)
    if events:
        table = pd.DataFrame(events)
        if language() != DEFAULT_LANGUAGE:
            table["kind"] = [_kind(k) for k in table["kind"]]
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={c: display.header(c) for c in table.columns},
        )


__all__ = ["history_tab", "opened_source"]
