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

from planner import Plan, Scenario, bundled_scenarios, reports
from planner.errors import StoreError
from planner.i18n.catalog import DEFAULT_LANGUAGE, language, t

from . import access, analysis, display, state

SAVED_KEY = "planner.history.saved"
"""Scenario digest → the run id the page last saved a plan of it as (for the reports' record)."""
DECISION_KINDS = ("approve", "reject")
OPEN_ID_KEY = "history_open_id"
JUST_SAVED_KEY = "planner.history.just_saved"
"""Set by a save for the rest of that script run: every run picker then offers the newest runs."""


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


def run_of(plan: Plan, session: Any = None) -> str | None:
    """The stored run the shown plan is: the run opened, else the run this page saved it as."""
    session = st.session_state if session is None else session
    found = state.opened(session)
    if found is not None and found.plan.scenario_digest == plan.scenario_digest:
        return str(found.run_id)
    return session.get(SAVED_KEY, {}).get(plan.scenario_digest)


def approval(plan: Plan) -> Any:
    """The plan's run and its decision for the reports (:func:`planner.reports.approval_of`), or
    None when the plan was not saved as a run or the store cannot be read."""
    run_id = run_of(plan)
    if run_id is None:
        return None
    try:
        return reports.approval_of(run_store(), run_id)
    except StoreError:
        return None


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
        labels = run_labels(runs)
        open_section(store, ids, labels, dict(zip(ids, runs["revises"], strict=True)))
        compare_runs_section(store, ids, labels)
        if access.may("note"):
            note_section(store, ids, user, labels)
        if access.may("approve"):
            decide_section(store, ids, user, labels)
    except StoreError as err:
        st.error(str(err))
    finally:
        st.session_state.pop(JUST_SAVED_KEY, None)


def save_section(store: Any, plan: Plan, user: str) -> None:
    left, right = st.columns([4, 1])
    note = left.text_input(
        t("ui.history.note_for_run"), key="history_note", placeholder=t("ui.history.note_hint")
    )
    right.write("")
    if right.button(t("ui.history.save"), key="history_save", disabled=plan.scenario is None):
        run_id = access.save_run(store, plan, note)
        st.session_state.setdefault(SAVED_KEY, {})[plan.scenario_digest] = run_id
        st.session_state[JUST_SAVED_KEY] = run_id  # the pickers below offer it
        st.success(t("ui.history.saved", run=run_id))


def filtered_runs(store: Any) -> Any:
    from planner.store.api import SHOWN_COLUMNS  # loaded with the open store, not at start-up

    everything = store.runs()
    left, middle, right = st.columns(3)
    names = sorted(everything["scenario"].unique())
    every = t("ui.history.all")  # an option in words, not a format_func: AppTest reads options
    worded = {n: _scenario_name(n) for n in names} | {every: every}  # resolved now, for AppTest
    scenario = left.selectbox(
        t("ui.history.scenario"),
        [every, *names],
        format_func=lambda n: worded.get(n, n),
        key="history_scenario",
    )
    user = middle.selectbox(
        t("ui.history.user"), [every, *sorted(everything["user"].unique())], key="history_user"
    )
    since = right.date_input(t("ui.history.since"), value=None, key="history_since")
    runs = store.runs(
        scenario=None if scenario == every else scenario,
        user=None if user == every else user,
        since=since.isoformat() if since else None,
    )
    runs = runs.assign(revises=revised_labels(runs, run_labels(everything)))
    shown = worded_runs(runs_shown(runs[[*SHOWN_COLUMNS, "revises"]]))
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_order=RUN_COLUMN_ORDER,
        column_config={c: display.header(c) for c in shown.columns}
        | {
            "E": st.column_config.NumberColumn(display.header("E"), format="%.1f"),
            "min_coverage": st.column_config.NumberColumn(
                t("ui.col.min_coverage"), format="percent"
            ),
            "note": st.column_config.TextColumn(display.header("note"), width="medium"),
            "revises": st.column_config.TextColumn(display.header("revises"), width="medium"),
        },
    )
    return runs


RUN_COLUMN_ORDER = (
    "id",
    "created_at",
    "user",
    "decision",
    "note",
    "revises",
    "E",
    "min_coverage",
    "status",
    "mode",
    "scenario",
)
"""The runs table's columns, who decided what first: at 1440 px the decision and note are in view,
and the run a re-plan revises beside them."""


def minute(stamp: object) -> object:
    """A stored UTC time to the minute, as a person reads it: ``2026-12-07 00:23``."""
    if not isinstance(stamp, str) or len(stamp) < 16:
        return stamp
    return stamp[:16].replace("T", " ")


def runs_shown(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs with times to the minute and each scenario by its name in the page's language
    (a bundled scenario's ``name_zh``)."""
    names = {n: _scenario_name(n) for n in runs["scenario"].unique()}
    return runs.assign(
        created_at=[minute(c) for c in runs["created_at"]],
        scenario=[names[n] for n in runs["scenario"]],
    )


def _scenario_name(name: str) -> str:
    """A run's scenario name in the page's language: a bundled scenario's, else as recorded."""
    for key in bundled_scenarios():
        scenario = state.bundled_scenario(key)
        if scenario.name == name:
            return scenario.display_name()
    return name


def run_labels(runs: pd.DataFrame) -> dict[str, str]:
    """Run id → what a picker shows: the short id, its time, its author and its note."""
    labels = {}
    for row in runs.to_dict("records"):
        parts = [row["id"], minute(row["created_at"]), row["user"], row.get("note") or ""]
        labels[row["id"]] = " · ".join(str(p) for p in parts if p)
    return labels


def revised_labels(runs: pd.DataFrame, labels: dict[str, str]) -> list[str]:
    """Per run, the run it revises (a re-plan's ``revises`` link, actuals.md) as the pickers show
    a run: short id, time, author and note; empty for a run that revises none. ``labels`` are of
    every run in the store (the run revised may be filtered out of ``runs``)."""
    return [labels.get(r, r) if isinstance(r, str) and r else "" for r in runs["revises"]]


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
EVENT_COLUMNS = ("created_at", "kind", "user", "note")


def run_picker(
    where: Any, label: str, ids: list[str], labels: dict[str, str], key: str, back: int = 0
) -> str:
    """A picker of runs (newest first) offering the run ``back`` places behind the newest when
    first drawn, when its run is filtered out, and right after a save. Streamlit's selectbox
    keeps its value when its options change, so without this a picker would still point at an
    older run after a save, and Open, Compare or Decide would act on that one."""
    fresh = JUST_SAVED_KEY in st.session_state or st.session_state.get(key) not in ids
    if fresh:  # first drawn, just saved, or its run filtered out
        st.session_state[key] = ids[min(back, len(ids) - 1)]
    return str(where.selectbox(label, ids, format_func=labels.get, key=key))


def open_section(
    store: Any, ids: list[str], labels: dict[str, str], revised: dict[str, str]
) -> None:
    """The run to open; a re-plan says which run it revises (``revised``: id → that run's label)."""
    left, right = st.columns([4, 1])
    chosen = run_picker(left, t("ui.history.run_to_open"), ids, labels, OPEN_ID_KEY)
    if chosen is not None and revised.get(chosen):
        left.caption(t("ui.history.revises", run=revised[chosen]))
    right.write("")
    if right.button(t("ui.history.open"), key="history_open", help=t("ui.history.open_help")):
        state.open_stored(store, chosen)
        st.rerun()


def compare_runs_section(store: Any, ids: list[str], labels: dict[str, str]) -> None:
    left, right = st.columns(2)
    a = run_picker(left, t("ui.history.compare_a"), ids, labels, "history_a", back=1)
    b = run_picker(right, t("ui.history.compare_b"), ids, labels, "history_b")
    if a != b and st.toggle(t("ui.history.compare_show"), key="history_compare"):
        analysis.compare_section(store.get(a), store.get(b))


def note_section(store: Any, ids: list[str], user: str, labels: dict[str, str]) -> None:
    """A planner's note on a run: an event with user and time, like a decision (the handler
    checks the role again)."""
    left, middle, right = st.columns([2, 3, 1])
    chosen = run_picker(left, t("ui.history.note_run"), ids, labels, "history_note_id")
    text = middle.text_input(
        t("ui.history.note"), key="history_note_text", placeholder=t("ui.history.note_agreed")
    )
    right.write("")
    if right.button(t("ui.history.add_note"), key="history_add_note", disabled=not text.strip()):
        access.decide(store, "note", chosen, text)
        st.success(t("ui.history.noted", run=chosen, user=user))


def decide_section(store: Any, ids: list[str], user: str, labels: dict[str, str]) -> None:
    left, middle, right = st.columns([2, 3, 1])
    chosen = run_picker(left, t("ui.history.decide_run"), ids, labels, "history_decide_id")
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
        table = pd.DataFrame(events)[list(EVENT_COLUMNS)]  # who, when, what; not the IdP's ids
        table["created_at"] = [minute(c) for c in table["created_at"]]
        if language() != DEFAULT_LANGUAGE:
            table["kind"] = [_kind(k) for k in table["kind"]]
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={c: display.header(c) for c in table.columns},
        )


__all__ = ["history_tab", "opened_source"]
