"""Sign-in and roles in a real browser against a real OpenID Connect provider on 127.0.0.1.

The provider is ``oidc-provider-mock`` (the ``test`` extra) in its own process; ``planner ui`` runs
with Streamlit's ``[auth]`` settings pointing at it and an access file giving roles; headless Chromium
signs in as each person through the provider's authorization page. Both servers listen on 127.0.0.1
only and are stopped by the fixtures. Skipped (never passed) without Chromium or Playwright, as in
tests/test_ui_browser.py.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_ui_browser import (
    PAGE_WAIT_MS,
    READY_TRIES,
    browser_or_skip,
    chromium,
    free_port,
    open_view,
    problems_shown,
    run_heavy,
    settled,
    shown,
    wait_until_healthy,
)

import planner.store

ROOT = Path(__file__).resolve().parents[1]

PEOPLE = {
    "ada": {"sub": "ada-0001", "email": "ada@office.example", "email_verified": True},
    "pat": {
        "sub": "pat-0002",
        "email": "pat@office.example",
        "email_verified": True,
        "groups": ["planning"],
    },
    "vic": {"sub": "vic-0003", "email": "vic@office.example", "email_verified": True},
    "eve": {"sub": "eve-0004", "email": "eve@elsewhere.example", "email_verified": True},
}
"""ada is an approver by e-mail, pat a planner by IdP group, vic a viewer by e-mail domain, eve
matches nothing."""

ACCESS = """\
roles:
  approver:
    users: [ada@office.example]
  planner:
    groups: [planning]
  viewer:
    domains: [office.example]
"""

SIGN_IN_TEXT = "Sign in to use the planning app"


@contextmanager
def process(command: list[str], log: Path, env: dict[str, str] | None = None) -> Iterator[int]:
    """A server process in its own process group, stopped (the whole group) on leaving."""
    with open(log, "wb") as out:
        child = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
    try:
        yield child.pid
    finally:
        os.killpg(child.pid, signal.SIGTERM)
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def wait_for_provider(url: str, log: Path) -> None:
    for _ in range(READY_TRIES):
        try:
            with urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"the OIDC provider did not answer on {url}:\n{log.read_text()}")


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The provider and `planner ui --access` behind it; yields the app's URL and the store's."""
    browser_or_skip()
    folder = tmp_path_factory.mktemp("team")
    idp_port, app_port = free_port(), free_port()
    idp = f"http://127.0.0.1:{idp_port}"
    claims = [arg for p in PEOPLE.values() for arg in ("--user-claims", json.dumps(p))]
    (folder / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "planner-app"\n'
        f'client_secret = "{secrets.token_hex(16)}"\n'
        f'server_metadata_url = "{idp}/.well-known/openid-configuration"\n'
        'client_kwargs = { scope = "openid email profile", prompt = "login" }\n'
    )
    (folder / "access.yaml").write_text(ACCESS)
    store = f"sqlite:///{folder / 'runs.sqlite'}"
    provider = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1"]
    app = [sys.executable, "-m", "planner", "ui", "--port", str(app_port), "--host", "127.0.0.1"]
    app += ["--access", str(folder / "access.yaml"), "--secrets", str(folder / "secrets.toml")]
    with process([*provider, "--port", str(idp_port), *claims], folder / "idp.log"):
        wait_for_provider(idp, folder / "idp.log")
        with process(app, folder / "app.log", {"PLANNER_DB_URL": store}) as pid:
            url = f"http://127.0.0.1:{app_port}"
            wait_until_healthy(url, _Alive(pid), folder / "app.log")
            yield {"url": url, "store": store, "idp": idp, "log": str(folder / "app.log")}


class _Alive:
    """What wait_until_healthy needs of a process: poll() (None while the group is alive)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        try:
            os.killpg(self.pid, 0)
        except ProcessLookupError:
            self.returncode = -1
        return self.returncode


@pytest.fixture(scope="module")
def browser(team: dict[str, str]) -> Iterator[object]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def viewer(browser, team) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """One page signed in as vic (a viewer), shared by the viewer's tests: they only look and
    compute, and a page of the whole app costs Chromium seconds of CPU to draw."""
    context, page = signed_in(browser, team["url"], "vic")
    page.get_by_text("Benefit E").first.wait_for()
    yield page
    context.close()


def signed_in(browser, url: str, person: str):  # type: ignore[no-untyped-def]
    """A fresh browser context (its own cookies) signed in as ``person`` through the provider."""
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(PAGE_WAIT_MS)
    page.goto(url)
    page.get_by_text(SIGN_IN_TEXT).wait_for()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda u: "/oauth2/authorize" in u)  # the provider's own page
    page.get_by_role("button", name=PEOPLE[person]["sub"]).click()
    page.wait_for_url(lambda u: u.startswith(url) and "oauth2callback" not in u)
    return context, page


def test_a_signed_out_visitor_sees_only_the_sign_in_page(browser, team) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(PAGE_WAIT_MS)
    page.goto(team["url"])
    page.get_by_text(SIGN_IN_TEXT).wait_for()
    page.wait_for_timeout(1000)  # the script has finished: nothing more arrives
    assert page.locator('[data-testid="stMetric"]').count() == 0
    assert page.get_by_text("Benefit E").count() == 0
    pickers = page.locator('[data-testid="stSidebar"] select, [data-testid="stSelectbox"]')
    # the language selector is all a signed-out visitor may choose: no scenario picker
    assert pickers.filter(has_not_text="Language / 语言").count() == 0
    context.close()


def test_an_unknown_person_is_told_they_have_no_access(browser, team) -> None:  # type: ignore[no-untyped-def]
    context, page = signed_in(browser, team["url"], "eve")
    page.get_by_text("gives you no role").wait_for()
    assert (
        "eve@elsewhere.example" in page.locator('[data-testid="stAlertContentError"]').inner_text()
    )
    assert page.locator('[data-testid="stMetric"]').count() == 0
    context.close()


def test_a_viewer_sees_the_plan_but_cannot_edit_save_or_approve(viewer) -> None:  # type: ignore[no-untyped-def]
    page = viewer
    assert page.get_by_text("Signed in as vic@office.example · viewer").count() == 1
    assert page.get_by_role("spinbutton", name="Total budget (CNY bn)").count() == 0
    open_view(page, "Record", "History")
    page.get_by_text("acting as").wait_for()
    assert page.get_by_role("button", name="Save as run").count() == 0
    assert page.get_by_role("button", name="Record:").count() == 0


def test_a_viewer_has_the_projects_view_without_its_edits(viewer) -> None:  # type: ignore[no-untyped-def]
    """Issue 31, 3: docs/deploy.md says a viewer sees plans, alternatives and frontiers; the
    Projects view was drawn only for those who could edit. A viewer has it, without its pickers."""
    page = viewer
    settled(page)  # every tab of the page is drawn
    assert page.get_by_role("tab", name="Projects", exact=True).count() == 1
    open_view(page, "Projects")
    page.get_by_text("Candidate projects").first.wait_for()
    assert page.get_by_text("Force in (mandatory)").count() == 0  # sees, cannot change


def test_a_planner_saves_a_run_that_carries_their_identity(browser, team) -> None:  # type: ignore[no-untyped-def]
    context, page = signed_in(browser, team["url"], "pat")
    page.get_by_text("Signed in as pat@office.example · planner").wait_for()
    # the budget box is drawn before the first solve ends; an edit made before the plan is shown
    # cuts that run short, so the change builds a model afresh and is never "re-solved in place"
    page.get_by_text("Benefit E").first.wait_for()
    budget = page.get_by_role("spinbutton", name="Total budget (CNY bn)")
    budget.fill("1500")
    budget.press("Enter")
    page.get_by_text("re-solved in place").wait_for()
    open_view(page, "Record", "History")
    page.get_by_label("Note for this run").fill("pat's 1500 draft")
    page.get_by_role("button", name="Save as run").click()
    page.get_by_text("Saved as run").wait_for()
    assert page.get_by_role("button", name="Record:").count() == 0  # planners do not approve
    context.close()
    with planner.store.open(team["store"]) as store:
        runs = store.runs(user="pat-0002")  # by the IdP subject
        assert runs["note"].tolist() == ["pat's 1500 draft"]
        row = runs.iloc[0]
        assert (row["user"], row["user_email"], row["user_subject"]) == (
            "pat@office.example",
            "pat@office.example",
            "pat-0002",
        )
        assert store.runs(user="pat@office.example")["id"].tolist() == [row["id"]]
        # the provider that vouched for the subject (the ID token's iss) is kept with it
        assert row["user_issuer"] == team["idp"]
        assert store.runs(user=f"{team['idp']}|pat-0002")["id"].tolist() == [row["id"]]
        assert store.verify().ok


def test_an_approvers_approval_lands_in_the_audit_trail(browser, team) -> None:  # type: ignore[no-untyped-def]
    with planner.store.open(team["store"]) as store:
        if store.runs().empty:  # this test alone: a run to approve, recorded from the CLI side
            store.record(planner.solve("western_china"), note="from the CLI", user="cli-user")
        run_id = store.runs()["id"].iloc[0]
    context, page = signed_in(browser, team["url"], "ada")
    page.get_by_text("Signed in as ada@office.example · approver").wait_for()
    open_view(page, "Record", "History")
    page.get_by_label("Why").fill("agreed at the board")
    page.get_by_role("button", name=f"Record: approve run {run_id}").click()
    page.get_by_text(f"Recorded: approve run {run_id} by ada@office.example").wait_for()
    context.close()
    with planner.store.open(team["store"]) as store:
        approvals = [e for e in store.events(run_id) if e["kind"] == "approve"]
        assert [(e["user"], e["user_subject"], e["note"]) for e in approvals] == [
            ("ada@office.example", "ada-0001", "agreed at the board")
        ]
        assert store.runs()["decision"].iloc[0] == "approve"
        assert store.verify().ok


WORKER_NOISE = "missing ScriptRunContext"


def test_a_viewer_computes_the_frontier_behind_sign_in(viewer, team) -> None:  # type: ignore[no-untyped-def]
    """Issue 31, 1 and 4. The frontier's worker used to re-run the page's script and stop in the
    sign-in gate on st.user ("the run's worker process ended without a result"); it gets its
    arguments only, finishes, and its result is shown, with the bar and Cancel gone; the server
    log carries no page code of the worker."""
    page = viewer
    run_heavy(page, ("Analysis", "Frontier & Pareto"), "Compute the budget frontier")
    assert problems_shown(page) == []
    assert page.get_by_role("button", name="Cancel").count() == 0
    assert page.get_by_text("the budget frontier:").count() == 0  # nor its progress bar
    shown(page, "stDataFrame").wait_for()  # the frontier's table, in the open view
    log = Path(team["log"]).read_text(errors="replace")
    assert WORKER_NOISE not in log and "Traceback" not in log


def test_a_planner_finds_the_alternatives_behind_sign_in(browser, team) -> None:  # type: ignore[no-untyped-def]
    context, page = signed_in(browser, team["url"], "pat")
    page.get_by_text("Benefit E").first.wait_for()
    run_heavy(page, ("Analysis", "Alternatives"), "Find the alternatives")
    assert problems_shown(page) == []
    page.get_by_text("Room per province").first.wait_for()
    assert page.get_by_role("button", name="Cancel").count() == 0
    context.close()


def test_a_reopened_run_shows_what_the_live_plan_shows(browser, team) -> None:  # type: ignore[no-untyped-def]
    """Issue 31, 2: History, Save as run, Open it: no error, the same fingerprint as live, the
    What matters bars and the Projects view as the live plan has them."""
    digest = planner.load_scenario("western_china").digest()
    context, page = signed_in(browser, team["url"], "pat")
    page.get_by_text(f"inputs {digest}").first.wait_for()  # the live plan's status line
    open_view(page, "Record", "History")
    page.get_by_label("Note for this run").fill("to reopen")
    page.get_by_role("button", name="Save as run").click()
    page.get_by_text("Saved as run").wait_for()
    run_id = page.get_by_text("Saved as run").inner_text().split()[-1].rstrip(".")
    settled(page)  # the run just saved is the one offered to open, whatever was picked before
    page.locator("[data-testid=stBaseButton-secondary]").filter(
        has_text=re.compile("^Open$")
    ).locator("visible=true").first.click()
    page.get_by_text(f"Showing stored run {run_id}").wait_for()
    page.get_by_text(f"inputs {digest}").first.wait_for()
    assert problems_shown(page) == []
    open_view(page, "Analysis", "What matters")
    shown(page, "stVegaLiteChart").wait_for()  # the bars of E by criterion
    open_view(page, "Projects")
    shown(page, "stDataFrame").wait_for()  # the candidates and their status
    assert problems_shown(page) == []
    context.close()
