"""A recorded run's standing, for the reports: its id and note, and its last decision (approve,
reject, supersede) with who took it, when and why, read from the run store's audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from planner.i18n.catalog import t

DECISIONS = ("approve", "reject", "supersede")


@dataclass(frozen=True)
class Approval:
    """A recorded run's standing: its id, its note, and its last decision (approve, reject,
    supersede) with who took it, when (UTC) and why; ``decision`` is empty while none was taken."""

    run_id: str
    note: str = ""
    decision: str = ""
    by: str = ""
    at: str = ""
    why: str = ""

    @property
    def status(self) -> str:
        """The decision in words of the active language: approved, rejected, … or not decided."""
        return t(f"report.approval.{self.decision or 'none'}")


def approval_of(store: Any, run_id: str) -> Approval:
    """The :class:`Approval` of run ``run_id`` of a run store (``planner.store.open``)."""
    shown = store.show(run_id)
    decisions = [e for e in shown["events"] if e["kind"] in DECISIONS]
    last = decisions[-1] if decisions else {}
    return Approval(
        run_id=str(shown["id"]),
        note=str(shown.get("note") or ""),
        decision=str(last.get("kind") or ""),
        by=str(last.get("user") or ""),
        at=str(last.get("created_at") or "")[:16].replace("T", " "),
        why=str(last.get("note") or ""),
    )


def approval_rows(approval: Approval | None) -> list[tuple[str, Any, str]]:
    """The summary's rows on the stored run: id, note, status, who decided, when (none unrecorded)."""
    if approval is None:
        return []
    rows = [
        ("run_id", approval.run_id, "text"),
        ("run_note", approval.note or None, "text"),
        ("approval", approval.status, "text"),
    ]
    if approval.decision:
        rows += [
            ("decided_by", approval.by, "text"),
            ("decided_at", approval.at, "text"),
            ("decision_note", approval.why or None, "text"),
        ]
    return rows
