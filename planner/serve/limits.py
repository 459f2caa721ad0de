"""Fair use of one shared app: a solve time limit per session, one solve at a time per session, and
the largest scenario the app will take on.

The numbers are the app's defaults; ``planner ui --solve-seconds / --run-seconds / --max-cells /
--max-projects`` changes them (docs/deploy.md). The CLI and the Python API have no such limits: they run on the
planner's own machine.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from planner.i18n.catalog import t

DEFAULT_SOLVE_SECONDS = 60.0
DEFAULT_RUN_SECONDS = 900.0
"""A whole heavy run (a frontier's 11 solves, the alternatives' stages): room for a frontier whose
every solve takes most of the per-solve limit, after which its worker process is killed."""
DEFAULT_MAX_CELLS = 20_000
"""Regions × sectors × periods: the medium benchmark instance (300 × 6 × 5 = 9,000) fits twice over;
docs/performance.md puts its solve at about a second, so a session cannot tie up a core for long."""
DEFAULT_MAX_PROJECTS = 2_000


class LimitExceeded(RuntimeError):
    """A request beyond a fair-use limit; the message names the limit."""


@dataclass(frozen=True)
class FairUse:
    solve_seconds: float = DEFAULT_SOLVE_SECONDS
    max_cells: int = DEFAULT_MAX_CELLS
    max_projects: int = DEFAULT_MAX_PROJECTS
    run_seconds: float = DEFAULT_RUN_SECONDS

    def size_problems(self, scenario: Any) -> list[str]:
        """Why ``scenario`` is too large for this app (empty when it is not)."""
        found = []
        shape = (len(scenario.regions), len(scenario.sectors), len(scenario.periods))
        cells = shape[0] * shape[1] * shape[2]
        if cells > self.max_cells:
            found.append(
                t(
                    "serve.limit.cells",
                    regions=shape[0],
                    sectors=shape[1],
                    periods=shape[2],
                    cells=f"{cells:,}",
                    max_cells=f"{self.max_cells:,}",
                )
            )
        projects = len(getattr(scenario, "projects", None) or [])
        if projects > self.max_projects:
            found.append(
                t(
                    "serve.limit.projects",
                    projects=f"{projects:,}",
                    max_projects=f"{self.max_projects:,}",
                )
            )
        return found

    def check_size(self, scenario: Any) -> None:
        problems = self.size_problems(scenario)
        if problems:
            joined = t("serve.limit.join").join(problems)
            raise LimitExceeded(t("serve.limit.too_large", problems=joined))


HANDOVER_SECONDS = 5.0
"""How long a session's next run waits for the one it interrupted. Streamlit's fast reruns start the
page's next run (after Cancel, or any click) while the interrupted one is still winding down: a heavy
run notices the stop at its next redraw, at most a second later, then stops its worker. Refused at
once, the next run showed "still running" after a Cancel, and stayed so until the next click."""


class SessionSolves:
    """At most one solve at a time in one browser session: a second request while one runs is
    refused (not queued), so a double click or a second tab cannot pile work on the server. It
    waits ``handover_seconds`` first, for a run that is stopping to let go."""

    def __init__(self, handover_seconds: float = HANDOVER_SECONDS) -> None:
        self._lock = threading.Lock()
        self.running: str | None = None
        self.handover_seconds = handover_seconds

    @contextmanager
    def one(self, what: str) -> Iterator[None]:
        if not self._lock.acquire(timeout=self.handover_seconds):
            raise LimitExceeded(t("serve.limit.busy", what=self.running or t("ui.access.a_solve")))
        self.running = what
        try:
            yield
        finally:
            self.running = None
            self._lock.release()
