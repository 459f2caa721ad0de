"""End to end in a real browser: `planner ui` serves the app, headless Chromium changes the budget,
and the numbers on the page change.

Needs Debian's ``chromium`` (``apt-get install chromium``; .ci/run installs it) and the ``playwright``
Python package (the ``test`` extra); Playwright's own browser download is not used. Without either the
test is skipped with the reason, never passed; under ``CI=true`` it fails instead. Set
``PLANNER_UI_SCREENSHOT=path.png`` to also save a screenshot of the page as opened (docs/ui.png is made
that way).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import in_ci, require_or_skip

import planner

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
READY_TRIES = 240  # × 0.5 s: how long to wait for the server to come up before calling it broken
PAGE_WAIT_MS = 120_000  # functional bound on waiting for page content, not a speed assertion


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(READY_TRIES):
        if server.poll() is not None:
            pytest.fail(f"planner ui exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"planner ui did not answer on {url}:\n{log.read_text()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One `planner ui` server per module: each test opens its own session (a page) on it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("server") / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "planner", "ui", "--port", str(port), "--address", "127.0.0.1"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: streamlit is a child of `planner ui`
        )
    try:
        wait_until_healthy(url, process, log)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def browser_or_skip():  # type: ignore[no-untyped-def]
    require_or_skip(CHROMIUM, "apt-get install chromium (.ci/run does)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if in_ci():
            pytest.fail("playwright not installed under CI=true: pip install -e '.[test]'")
        pytest.skip("playwright not installed: pip install playwright (the 'test' extra)")
    return sync_playwright


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Chromium (skipped where it or playwright is missing), closed afterwards."""
    sync_playwright = browser_or_skip()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def browser_page(browser: Any = None) -> Iterator[Any]:
    """A page of headless Chromium (of ``browser`` when given, else of its own), closed afterwards."""
    if browser is None:
        with chromium() as own, browser_page(own) as page:
            yield page
        return
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.set_default_timeout(PAGE_WAIT_MS)
    try:
        yield page
    finally:
        page.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per module; each test opens its own page in it."""
    with chromium() as launched:
        yield launched


def open_view(page, *path: str) -> None:  # type: ignore[no-untyped-def]
    """Click through the page's two rows of tabs: the group (Plan, Projects, Analysis, Record),
    then the view in it."""
    for name in path:
        page.get_by_role("tab", name=name, exact=True).click()


SETTLED = """() => !document.querySelector(
    '[data-stale="true"], [data-testid^="stStatusWidgetRunning"]')"""


def settled(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until the page's script run is over: no running indicator, no element left stale from
    the run before (a click on a stale button may be lost to the rerun)."""
    page.wait_for_timeout(300)  # the run a click starts may not have begun yet
    page.wait_for_function(SETTLED)


TRACEBACK = '[data-testid="stException"]'
ERROR_BOX = '[data-testid="stAlertContentError"]'  # st.error; ui/app.py shows caught errors so


def problems_shown(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Texts of every traceback and error box on the page: the app catches planner's exceptions and
    shows them with ``st.error``, so counting tracebacks alone would miss them."""
    return [e.inner_text() for e in page.locator(f"{TRACEBACK}, {ERROR_BOX}").all()]


def metric_value(page, label: str) -> str:  # type: ignore[no-untyped-def]
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label)
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_changing_the_budget_in_the_browser_changes_the_numbers(server: str, browser: Any) -> None:
    with browser_page(browser) as page:
        page.goto(server)
        page.get_by_text("Benefit E").first.wait_for()
        before = metric_value(page, "Allocated")
        budget_now = planner.load_scenario("western_china").total_budget()
        assert before == f"{budget_now:,.1f} CNY bn"
        assert problems_shown(page) == []
        benefit_before = metric_value(page, "Benefit E")
        shot = os.environ.get("PLANNER_UI_SCREENSHOT")
        if shot:
            page.wait_for_timeout(1500)  # let the charts finish drawing
            page.screenshot(path=shot, full_page=False)
        budget = page.get_by_role("spinbutton", name="Total budget (CNY bn)")
        budget.fill("1500")
        budget.press("Enter")
        page.wait_for_function(
            """() => [...document.querySelectorAll('[data-testid="stMetricValue"]')]
                    .some(e => e.innerText.includes('1,500.0'))"""
        )
        assert metric_value(page, "Allocated") == "1,500.0 CNY bn"
        assert metric_value(page, "Benefit E") != benefit_before
        assert page.get_by_text("re-solved in place").count() == 1
        assert problems_shown(page) == []
        # the same count sees an error box: an infeasible budget shows one (so 0 above means 0)
        budget.fill("100")
        budget.press("Enter")
        page.locator(ERROR_BOX).filter(has_text="infeasible").first.wait_for()
        assert any("infeasible" in text for text in problems_shown(page))
        assert page.locator(TRACEBACK).count() == 0


def test_the_app_speaks_chinese_with_lang_zh_in_the_url(server: str, browser: Any) -> None:
    """``?lang=zh``: the KPI cards are in Chinese with money in 亿元 (2,507 CNY bn = 25,070.0 亿元),
    and provinces go by their Chinese names (the least-covered one is named under the cards, 四川
    labels the charts), not by their English ones."""
    with browser_page(browser) as page:
        page.goto(f"{server}/?lang=zh")
        page.get_by_text("效益 E").first.wait_for()
        budget = planner.load_scenario("western_china").total_budget()
        assert metric_value(page, "已分配") == f"{10 * budget:,.1f} 亿元"
        page.get_by_text("最低覆盖率").first.wait_for()  # the cards arrive one by one
        assert page.get_by_text("覆盖率最低：").first.inner_text().strip() != ""
        page.get_by_text("重庆").first.wait_for()  # a western province named in the charts
        page.get_by_text("四川", exact=True).first.wait_for(state="attached")  # the charts' axes
        assert page.get_by_text("Sichuan", exact=True).count() == 0
        assert problems_shown(page) == []
        shot = os.environ.get("PLANNER_UI_SCREENSHOT_ZH")
        if shot:
            page.wait_for_timeout(1500)
            page.screenshot(path=shot, full_page=False)
        assert "lang=zh" in page.url
