"""Heavy runs in a worker process (planner/serve/workers.py): the same answer as in the server, the
worker's error raised in the server, and no worker outliving its run: not past the run limit, not
after an interruption of the wait (Cancel, a rerun), not after the server is killed outright."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import planner
from planner.serve.limits import LimitExceeded
from planner.serve.workers import run_apart

HERE = Path(__file__).parent
GONE_WAIT_S = 60  # functional bound on waiting for a process to go, not a speed assertion

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc for processes")


def sleeper(seconds: float, progress) -> float:  # type: ignore[no-untyped-def]
    """A run that says which process it is (as its first step), then takes ``seconds``."""
    progress(os.getpid(), 1)
    time.sleep(seconds)
    return seconds


def failing(message: str, progress) -> None:  # type: ignore[no-untyped-def]
    raise ValueError(message)


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its parent to read its exit does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_gone(pid: int) -> bool:
    deadline = time.monotonic() + GONE_WAIT_S
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not alive(pid)


def quiet(*_: object) -> None:
    return None


def test_a_frontier_run_apart_is_the_frontier_run_here() -> None:
    """Same table, one progress step per budget level, and no process left when it returns."""
    scenario = planner.load_scenario("western_china")
    levels = [1000.0, 1500.0, 2000.0]
    steps: list[tuple[int, int]] = []
    apart = run_apart(
        planner.frontier,
        (scenario, levels),
        {"time_limit_s": 60.0},
        progress=lambda done, total: steps.append((done, total)),
        tick=quiet,
        limit_seconds=600,
    )
    here = planner.frontier(scenario, levels, time_limit_s=60.0)
    pd.testing.assert_frame_equal(apart[["budget", "status", "E"]], here[["budget", "status", "E"]])
    assert steps == [(1, 3), (2, 3), (3, 3)]
    assert planner_children() == []


def planner_children() -> list[str]:
    import multiprocessing

    return [p.name for p in multiprocessing.active_children() if p.name == "planner-run"]


def test_the_workers_error_is_raised_here_with_its_words() -> None:
    with pytest.raises(ValueError, match="no such budget"):
        run_apart(failing, ("no such budget",), {}, progress=quiet, tick=quiet, limit_seconds=600)
    assert planner_children() == []


def test_past_the_run_limit_the_worker_is_killed_and_the_limit_named() -> None:
    seen: list[int] = []
    with pytest.raises(LimitExceeded, match="--run-seconds"):
        run_apart(
            sleeper,
            (600.0,),
            {},
            progress=lambda pid, _: seen.append(pid),
            tick=quiet,
            limit_seconds=1.0,
            what="the test run",
        )
    # killed and reaped, not left to sleep ten minutes (on a loaded machine the limit may come
    # before the child has said who it is: then its Process object is what shows it is gone)
    assert planner_children() == []
    assert not any(alive(pid) for pid in seen)


def test_an_interrupted_wait_kills_the_worker() -> None:
    """Streamlit stops a script (Cancel, a rerun, the session's end) by raising in its thread."""
    seen: list[int] = []

    def interrupt(_: float) -> None:
        if seen:
            raise KeyboardInterrupt("the page reran")

    with pytest.raises(KeyboardInterrupt):
        run_apart(
            sleeper,
            (600.0,),
            {},
            progress=lambda pid, _: seen.append(pid),
            tick=interrupt,
            limit_seconds=600,
        )
    assert not alive(seen[0])


SERVER = """
import sys
sys.path.insert(0, {tests!r})
from planner.serve.workers import run_apart
from test_workers import sleeper
def said(pid, _):
    print(pid, flush=True)
run_apart(sleeper, (600.0,), {{}}, progress=said, tick=lambda _: None, limit_seconds=600)
"""


def test_a_worker_stops_when_its_server_is_killed_outright() -> None:
    """SIGKILL leaves the server no chance to stop its workers: the worker notices it lost its
    parent (the fork server exits with the server) and stops itself."""
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER.format(tests=str(HERE))],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        worker = int(server.stdout.readline())
        assert alive(worker)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
    assert wait_gone(worker), f"worker {worker} outlived its killed server"
