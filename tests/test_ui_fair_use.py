"""Several sessions in Chromium against one `planner ui --no-auth`: one session's long run does not
hold up another's quick solve, a heavy run can be cancelled, no worker process outlives its run,
its session or its server, and the no-sign-in banner is on the page.

The long run is the Pareto frontier (9 plans) of a synthetic 150 × 6 × 5 scenario, about a minute
of one core in its worker process; the quick one is the bundled western_china re-solved at another
budget, milliseconds on the session's live model. The assertion is an order of events (the quick
plan is on screen while the long run's progress bar still is), not a time limit: it holds because
the long run is in a process of its own (planner/serve/workers.py) and leaves the server free. The server listens on 127.0.0.1 and is
stopped by the fixture.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_ui_browser import (
    PAGE_WAIT_MS,
    browser_or_skip,
    chromium,
    free_port,
    open_view,
    wait_until_healthy,
)
from test_ui_signin import _Alive, process

from planner.scenario.files import save_scenario
from planner.scenario.synthetic import synthetic_scenario

BANNER = "Served without sign-in"
LONG_RUN = "Pareto frontier"
"""The long run: 9 plans trading benefit against least coverage, about a minute of one core on the
150 × 6 × 5 scenario; the tests cancel it (or close its tab, or stop its server) mid-run."""
LONG_PROGRESS = f"the {LONG_RUN}:"
GONE_WAIT_S = 60  # functional bound on waiting for processes to end, not a speed assertion


class App(str):
    """The app's URL, and the pid of `planner ui` (whose descendants hold the workers)."""

    pid: int


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    with serve(tmp_path_factory.mktemp("fair")) as app:
        yield app


@pytest.fixture(scope="module")
def open_app(served: App) -> str:
    return str(served)


def serve(folder: Path):  # type: ignore[no-untyped-def]
    """`planner ui --no-auth` on the synthetic 150 × 6 × 5 scenario, as a context manager."""
    from contextlib import contextmanager

    @contextmanager
    def started() -> Iterator[App]:
        browser_or_skip()
        scenario = save_scenario(synthetic_scenario(150, 6, 5, seed=3), folder / "large")
        port = free_port()
        command = [sys.executable, "-m", "planner", "ui", str(scenario), "--port", str(port)]
        command += ["--host", "127.0.0.1", "--no-auth"]
        store = {"PLANNER_DB_URL": f"sqlite:///{folder / 'runs.sqlite'}"}
        with process(command, folder / "app.log", store) as pid:
            app = App(f"http://127.0.0.1:{port}")
            app.pid = pid
            wait_until_healthy(app, _Alive(pid), folder / "app.log")
            yield app

    return started()


def processes() -> dict[int, tuple[int, str]]:
    """Every process on the machine: pid → (parent pid, command line)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":  # a zombie has ended; it only waits for its parent to notice
            found[int(entry.name)] = (int(fields[1]), command)
    return found


def workers(root: int) -> set[int]:
    """The run workers under process ``root``: children of its multiprocessing fork server."""
    table = processes()
    below = {root}
    grew = True
    while grew:
        more = {pid for pid, (parent, _) in table.items() if parent in below} - below
        below |= more
        grew = bool(more)
    return {
        pid
        for pid, (parent, _) in table.items()
        if pid in below and "multiprocessing.forkserver" in table.get(parent, (0, ""))[1]
    }


def wait_workers(root: int, there: bool) -> set[int]:
    """Wait for a worker under ``root`` to start (``there``) or for all to end; those at the end."""
    deadline = time.monotonic() + GONE_WAIT_S
    while bool(workers(root)) != there and time.monotonic() < deadline:
        time.sleep(0.2)
    return workers(root)


def wait_no_workers(root: int) -> set[int]:
    return wait_workers(root, there=False)


def one_worker(root: int) -> set[int]:
    """The one worker of the run just started (the bar shows before its process is up)."""
    running = wait_workers(root, there=True)
    assert len(running) == 1, f"expected one run worker, found {sorted(running)}"
    return running


@pytest.fixture(scope="module")
def browser(open_app: str) -> Iterator[object]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def shared_session(browser, served: App) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """One session for the tests that only need a page of the server, not one of their own (a
    page of the 150-region plan costs Chromium seconds of CPU to draw)."""
    context, page = session(browser, str(served))
    yield page
    context.close()


def session(browser, url: str):  # type: ignore[no-untyped-def]
    """A new browser context: its own cookies, so its own Streamlit session."""
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(PAGE_WAIT_MS)
    page.goto(url)
    page.get_by_text("Benefit E").first.wait_for()
    return context, page


def start(page, run: str = LONG_RUN) -> None:  # type: ignore[no-untyped-def]
    """Click "Compute the <run>" and wait for its progress bar."""
    open_view(page, "Analysis", "Frontier & Pareto")
    page.get_by_role("button", name=f"Compute the {run}").click()
    page.get_by_text(f"the {run}:").first.wait_for()


def test_the_no_auth_banner_is_on_every_page(shared_session) -> None:  # type: ignore[no-untyped-def]
    page = shared_session
    assert BANNER in page.locator('[data-testid="stAlertContentError"]').first.inner_text()
    open_view(page, "Record", "History")
    assert page.get_by_text(BANNER).count() == 1


def test_one_sessions_long_run_does_not_hold_up_anothers_quick_solve(browser, served) -> None:  # type: ignore[no-untyped-def]
    slow_context, slow = session(browser, str(served))
    quick_context, quick = session(browser, str(served))
    start(slow)
    one_worker(served.pid)  # the long run is apart from the server
    # the other session moves to a small scenario and changes its budget while the long run runs
    quick.locator('[data-testid="stSelectbox"]').filter(has_text="Bundled scenario").click()
    quick.get_by_role("option", name="Western China infrastructure 2026-2030", exact=True).click()
    quick.get_by_text("Western China").first.wait_for()
    budget = quick.get_by_role("spinbutton", name="Total budget (CNY bn)")
    budget.fill("1500")
    budget.press("Enter")
    quick.get_by_text("1,500.0 CNY bn").first.wait_for()
    # the quick plan is on screen, and the long run is still under way in the other session
    assert slow.get_by_text(LONG_PROGRESS).count() >= 1, "the long run finished first"
    assert len(workers(served.pid)) == 1
    # and the long run goes on: Cancel ends it, its worker with it, and nothing of it arrives
    slow.get_by_role("button", name="Cancel").click()
    slow.get_by_role("button", name=f"Compute the {LONG_RUN}").wait_for()
    assert wait_no_workers(served.pid) == set()  # killed, not left to finish
    slow.wait_for_timeout(2000)
    assert slow.get_by_text(LONG_PROGRESS).count() == 0
    slow_context.close()
    quick_context.close()


def test_a_run_in_a_worker_finishes_and_leaves_no_process(shared_session, served) -> None:  # type: ignore[no-untyped-def]
    """The budget frontier (11 solves, seconds): its table arrives, its bar and its worker go."""
    page = shared_session
    start(page, "budget frontier")
    page.get_by_text("first funded here").first.wait_for(state="attached")
    page.get_by_text("the budget frontier:").first.wait_for(state="detached")
    assert wait_no_workers(served.pid) == set()


def test_closing_the_session_stops_its_run(browser, served) -> None:  # type: ignore[no-untyped-def]
    context, page = session(browser, str(served))
    start(page)
    one_worker(served.pid)
    context.close()  # the tab goes away mid-run
    assert wait_no_workers(served.pid) == set()


def test_stopping_the_server_stops_the_runs(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """SIGTERM to the Streamlit server itself (not its process group): its workers end with it.
    (tests/test_workers.py covers SIGKILL, where the worker notices on its own.)"""
    with serve(tmp_path) as app:
        context, page = session(browser, str(app))
        start(page)
        running = one_worker(app.pid)
        server = streamlit_server(app.pid)
        os.kill(server, signal.SIGTERM)
        deadline = time.monotonic() + GONE_WAIT_S
        while server in processes() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert server not in processes(), "the server did not stop"
        while running & set(processes()) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = running & set(processes())
        context.close()
    assert left == set(), f"workers {left} outlived their server"


def streamlit_server(root: int) -> int:
    """The `streamlit run` process `planner ui` started."""
    return next(
        pid
        for pid, (parent, command) in processes().items()
        if parent == root and "streamlit" in command
    )
