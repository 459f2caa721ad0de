"""Errors that cross the API boundary as values with a place, and the CLI's exit codes.

A planner reads these messages, so each one names the file, the row (CSV line, or the item number of an
inline table), the field and the problem, on one line.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of the ``planner`` command (documented in the README)."""

    OK = 0
    INTERNAL = 1  # a bug in planner: the message asks for a report
    INVALID_INPUT = 2  # the scenario, a --set change or an output path is wrong
    INFEASIBLE = 3  # the scenario is valid but no plan meets all its constraints
    SOLVER = 4  # HiGHS failed, hit the time limit, or the problem is unbounded
    AUDIT_BROKEN = 5  # `planner runs verify`: a stored run or event does not match its hash
    BROKEN_PIPE = (
        141  # the reader of stdout went away (`planner solve | head`), as a shell reports SIGPIPE
    )


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    ``loc`` is the path inside the scenario document (``("needs", 3, "need")``); the loader turns it into
    ``file`` and ``row`` so the message points at the line a planner has to edit. ``key`` and
    ``params`` name the message in the catalogs (``problem.<key>`` with its placeholders' values), so
    it can be said in another language (:mod:`planner.i18n.problems`); ``message`` is the English.
    """

    message: str
    loc: tuple[str | int, ...] = ()
    file: str = "scenario"
    row: int | None = None
    field: str = ""
    key: str = ""
    params: tuple[tuple[str, object], ...] = ()

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"

    def at(self, **changes: object) -> Problem:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass
class ScenarioError(Exception):
    """A scenario (or a change to one) is invalid; ``problems`` lists every problem found."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class OutputError(Exception):
    """An output file cannot be written (unwritable folder, unknown format)."""


class StoreError(Exception):
    """The run store cannot be used as asked: not a planner store, a newer schema, a server that
    cannot be reached, an unknown run id. The message is one line and never shows a password."""
