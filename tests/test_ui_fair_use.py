"""Several sessions in Chromium against one `planner ui --no-auth`: one session's long run does not
hold up another's quick solve, a heavy run can be cancelled, and the no-sign-in banner is on the page.

The long run is the budget frontier (11 solves) of a synthetic 150 × 6 × 5 scenario, about ten
seconds here; the quick one is the bundled western_china re-solved at another budget. The assertion
is an order of events (the quick plan is on screen while the frontier's progress bar still is), not
a time limit. The server listens on 127.0.0.1 and is stopped by the fixture.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from test_ui_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PAGE_WAIT_MS,
    browser_or_skip,
    free_port,
    wait_until_healthy,
)
from test_ui_signin import _Alive, process

from planner.scenario.files import save_scenario
from planner.scenario.synthetic import synthetic_scenario

BANNER = "Served without sign-in"
FRONTIER_PROGRESS = "the budget frontier:"


@pytest.fixture(scope="module")
def open_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    browser_or_skip()
    folder = tmp_path_factory.mktemp("fair")
    scenario = save_scenario(synthetic_scenario(150, 6, 5, seed=3), folder / "large")
    port = free_port()
    command = [sys.executable, "-m", "planner", "ui", str(scenario), "--port", str(port)]
    command += ["--host", "127.0.0.1", "--no-auth"]
    store = {"PLANNER_DB_URL": f"sqlite:///{folder / 'runs.sqlite'}"}
    with process(command, folder / "app.log", store) as pid:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(url, _Alive(pid), folder / "app.log")
        yield url


@pytest.fixture(scope="module")
def browser(open_app: str) -> Iterator[object]:
    sync_playwright = browser_or_skip()
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def session(browser, url: str):  # type: ignore[no-untyped-def]
    """A new browser context: its own cookies, so its own Streamlit session."""
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(PAGE_WAIT_MS)
    page.goto(url)
    page.get_by_text("Benefit E").first.wait_for()
    return context, page


def start_frontier(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("tab", name="Frontier & Pareto").click()
    page.get_by_role("button", name="Compute the budget frontier").click()
    page.get_by_text(FRONTIER_PROGRESS).first.wait_for()


def test_the_no_auth_banner_is_on_every_page(browser, open_app) -> None:  # type: ignore[no-untyped-def]
    context, page = session(browser, open_app)
    assert BANNER in page.locator('[data-testid="stAlertContentError"]').first.inner_text()
    page.get_by_role("tab", name="History").click()
    assert page.get_by_text(BANNER).count() == 1
    context.close()


@pytest.mark.timing  # a race between two sessions in one server process: not in the default run
def test_one_sessions_long_run_does_not_hold_up_anothers_quick_solve(browser, open_app) -> None:  # type: ignore[no-untyped-def]
    slow_context, slow = session(browser, open_app)
    quick_context, quick = session(browser, open_app)
    start_frontier(slow)
    # the other session moves to a small scenario and changes its budget while the frontier runs
    quick.locator('[data-testid="stSelectbox"]').filter(has_text="Bundled scenario").click()
    quick.get_by_role("option", name="western_china").click()
    quick.get_by_text("Western China").first.wait_for()
    budget = quick.get_by_role("spinbutton", name="Total budget (CNY bn)")
    budget.fill("1500")
    budget.press("Enter")
    quick.get_by_text("1,500.0 CNY bn").first.wait_for()
    assert slow.get_by_text(FRONTIER_PROGRESS).count() >= 1, "the frontier finished first"
    assert slow.get_by_text("first funded here").count() == 0  # its table is not there yet
    # and the long run finishes in its own time: the table arrives, the progress bar goes
    slow.get_by_text("first funded here").first.wait_for(state="attached")
    slow.get_by_text(FRONTIER_PROGRESS).first.wait_for(state="detached")
    slow_context.close()
    quick_context.close()


def test_a_heavy_run_can_be_cancelled(browser, open_app) -> None:  # type: ignore[no-untyped-def]
    context, page = session(browser, open_app)
    start_frontier(page)
    page.get_by_role("button", name="Cancel").click()
    page.get_by_role("button", name="Compute the budget frontier").wait_for()
    page.wait_for_timeout(2000)  # nothing of the cancelled run arrives afterwards
    assert page.get_by_text(FRONTIER_PROGRESS).count() == 0
    assert page.get_by_text("first funded here").count() == 0
    context.close()
