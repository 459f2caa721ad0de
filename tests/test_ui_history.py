"""The History tab driven headless: save the plan as a run, approve it, open it again."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

import planner
import planner.store
from planner.scenario.files import with_actuals

APP = Path(__file__).resolve().parents[1] / "ui" / "app.py"
DATA = Path(__file__).resolve().parents[1] / "data" / "western_china"


def test_save_approve_note_and_open_a_run(tmp_path, monkeypatch):
    """One page saves the plan, approves it, and adds a note: the note lands in the audit trail as
    an event of kind ``note`` with its text, after the approval, and the trail verifies."""
    db = tmp_path / "runs.sqlite"
    monkeypatch.setenv("PLANNER_DB_URL", str(db))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.text_input(key="history_note").input("for the board")
    at.button(key="history_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with planner.store.open(db) as store:
        runs = store.runs()
    assert list(runs["note"]) == ["for the board"] and list(runs["source"]) == ["ui"]
    run_id = runs["id"][0]
    at.text_input(key="history_decide_note").input("agreed")
    at.button(key="history_decide").click().run()
    with planner.store.open(db) as store:
        assert [(e["kind"], e["note"]) for e in store.events(run_id)] == [("approve", "agreed")]
    at.text_input(key="history_note_text").input("checked with the finance bureau").run()
    at.button(key="history_add_note").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with planner.store.open(db) as store:
        kinds = [(e["kind"], e["note"]) for e in store.events(run_id)]
        assert kinds == [("approve", "agreed"), ("note", "checked with the finance bureau")]
        assert store.verify().ok
    at.button(key="history_open").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"stored run {run_id}" in info.value for info in at.sidebar.info)
    at.sidebar.button(key="history_close").click().run()
    assert not any("stored run" in info.value for info in at.sidebar.info)


def history_page() -> None:
    """The History tab alone, over the store ``PLANNER_DB_URL`` names, showing its oldest run."""
    import os

    import planner.store
    from ui import history

    with planner.store.open(os.environ["PLANNER_DB_URL"]) as store:
        oldest = store.get(store.runs()["id"].iloc[-1])
    history.history_tab(oldest.scenario, oldest)


def test_a_replan_shows_the_run_it_revises(tmp_path, monkeypatch):
    """A re-plan recorded against a run (`planner replan --against run:ID --record`, the Re-plan
    tab) names that run in the runs table and under the run to open, as the pickers show a run:
    short id, time, author and note."""
    db = tmp_path / "runs.sqlite"
    monkeypatch.setenv("PLANNER_DB_URL", str(db))
    scenario = planner.load_scenario("western_china")
    replanned = with_actuals(
        scenario, 2026, DATA / "actuals_2026_example.csv", DATA / "project_starts_2026_example.csv"
    )
    with planner.store.open(db) as store:
        original = store.record(planner.solve(scenario), note="approved baseline", user="ann")
        changes = {"actuals.through": 2026, "revises": original}
        revision = store.record(
            planner.solve(replanned),
            note="after 2026",
            user="ann",
            changes=changes,
            parent=original,
        )
        created = store.runs().set_index("id")["created_at"][original]
    label = f"{original} · {created[:16].replace('T', ' ')} · ann · approved baseline"
    at = AppTest.from_function(history_page, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value.set_index("id")
    assert table.loc[revision, "revises"] == label
    assert table.loc[original, "revises"] == ""
    assert at.selectbox(key="history_open_id").value == revision  # the newest run is offered
    assert f"Revises run {label}: a re-plan against what was really spent" in [
        c.value for c in at.caption
    ]
    at.selectbox(key="history_open_id").select(original).run()
    assert not any(c.value.startswith("Revises run") for c in at.caption)


PICKERS = {
    "history_open_id": 0,
    "history_b": 0,
    "history_a": 1,
    "history_note_id": 0,
    "history_decide_id": 0,
}
"""Each run picker of the History view and the run it offers after a save, counted from the
newest: the run just saved, except Compare's first side, which offers the run before it."""


def test_after_a_save_every_run_picker_offers_the_run_just_saved(tmp_path, monkeypatch):
    """Streamlit's selectbox keeps its value when its options change: after a second save, Compare
    and Decide still pointed at the first run, so an approver approved the older plan."""
    db = tmp_path / "runs.sqlite"
    monkeypatch.setenv("PLANNER_DB_URL", str(db))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    for note in ("first", "second", "third"):
        at.text_input(key="history_note").input(note)
        at.button(key="history_save").click().run()
        assert not at.exception, [e.value for e in at.exception]
        with planner.store.open(db) as store:
            newest = list(store.runs()["id"])  # newest first
        offered = {key: at.selectbox(key=key).value for key in PICKERS}
        assert offered == {key: newest[min(i, len(newest) - 1)] for key, i in PICKERS.items()}
