"""Roles, the access file, and the app's handlers refusing what a role does not allow even when
called directly (no page, no hidden button in the way)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from conftest import make

import planner
import planner.store
from planner.errors import ScenarioError
from planner.serve.access import AccessDenied, Identity, Role, load_access, require
from planner.serve.limits import FairUse, LimitExceeded, SessionSolves
from planner.serve.signin import auth_section, missing_settings, provider_name
from ui import access

ACCESS = """\
roles:
  approver:
    users: [Director@Office.example, sub-of-the-deputy]
  planner:
    groups: [planning]
    domains: ["@office.example"]
  viewer:
    domains: [partner.example]
"""


@pytest.fixture
def rules(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "access.yaml"
    path.write_text(ACCESS)
    return load_access(path)


def person(sub: str, email: str | None = None, verified: bool = True, groups=()) -> Identity:  # type: ignore[no-untyped-def]
    claims = {"sub": sub, "email": email, "email_verified": verified, "groups": list(groups)}
    return Identity.from_claims(claims)


def test_each_way_of_naming_people_gives_its_role_and_the_highest_wins(rules) -> None:  # type: ignore[no-untyped-def]
    assert rules.role_of(person("x1", "director@office.example")) is Role.APPROVER  # e-mail
    assert rules.role_of(person("sub-of-the-deputy")) is Role.APPROVER  # subject, no e-mail
    assert rules.role_of(person("x2", "someone@office.example")) is Role.PLANNER  # domain
    assert rules.role_of(person("x3", "a@partner.example", groups=["planning"])) is Role.PLANNER
    assert rules.role_of(person("x4", "b@partner.example")) is Role.VIEWER
    assert rules.role_of(person("x5", "c@elsewhere.example")) is None


def test_an_unverified_email_does_not_open_a_domain_or_a_user_entry(rules) -> None:  # type: ignore[no-untyped-def]
    """Anyone can claim an address at a self-service IdP; only a verified one counts."""
    assert rules.role_of(person("x6", "director@office.example", verified=False)) is None
    assert rules.role_of(person("x7", "a@office.example", verified=False)) is None


def test_require_names_the_role_needed_and_the_one_held() -> None:
    require(Role.APPROVER, "approve")
    with pytest.raises(AccessDenied, match="approve needs the approver role; you have the viewer"):
        require(Role.VIEWER, "approve")
    with pytest.raises(AccessDenied, match="you have no access"):
        require(None, "view")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("roles:\n  owner:\n    users: [a@b.c]\n", "unknown role owner"),
        ("roles:\n  viewer:\n    people: [a@b.c]\n", "roles.viewer.people"),
        ("roles: [viewer]\n", "roles"),
        ("roles:\n  viewer:\n    users: [a@b.c\n", "not valid YAML"),
        ("- viewer\n", "a YAML mapping"),
    ],
)
def test_a_bad_access_file_is_refused_naming_file_and_field(tmp_path: Path, text, expected) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "access.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as err:
        load_access(path)
    assert str(err.value).startswith("access.yaml") and expected in str(err.value)


VIEWER = access.Who(person("v", "v@partner.example"), Role.VIEWER)
PLANNER = access.Who(person("p-42", "p@office.example"), Role.PLANNER)
APPROVER = access.Who(person("d-7", "director@office.example"), Role.APPROVER)


def test_a_viewer_calling_the_handlers_directly_is_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    plan = planner.solve(make())
    with planner.store.open(tmp_path / "runs.sqlite") as store:
        with pytest.raises(AccessDenied, match="save needs the planner role"):
            access.save_run(store, plan, "sneaky", who=VIEWER)
        assert store.runs().empty
        run_id = access.save_run(store, plan, "by a planner", who=PLANNER)
        for kind in ("approve", "reject"):
            with pytest.raises(AccessDenied, match=f"{kind} needs the approver role"):
                access.decide(store, kind, run_id, "sneaky", who=VIEWER)
            with pytest.raises(AccessDenied):
                access.decide(store, kind, run_id, "not mine to decide", who=PLANNER)
        assert store.events(run_id) == []
        access.decide(store, "approve", run_id, "agreed", who=APPROVER)
        [event] = store.events(run_id)
        assert (event["user"], event["user_subject"]) == ("director@office.example", "d-7")
        assert store.runs()["user_subject"].tolist() == ["p-42"]


def test_a_viewer_cannot_solve_a_changed_scenario_but_sees_the_picked_one() -> None:
    base = make()
    changed = make(budget=base.budget * 0.9)
    session: dict[str, object] = {}
    with pytest.raises(AccessDenied, match="solve changed needs the planner role"):
        access.solve(changed, base, who=VIEWER, session=session)
    assert "planner.last" not in session  # nothing was solved
    assert access.solve(base, base, who=VIEWER, session=session).plan.is_optimal
    assert access.solve(changed, base, who=PLANNER, session={}).plan.is_optimal


def test_a_scenario_beyond_the_size_limits_is_refused_naming_the_limit() -> None:
    scenario = make()
    cells = len(scenario.regions) * len(scenario.sectors) * len(scenario.periods)
    assert FairUse(max_cells=cells).size_problems(scenario) == []
    with pytest.raises(LimitExceeded, match=f"at most {cells - 1:,}"):
        FairUse(max_cells=cells - 1).check_size(scenario)


def test_one_solve_at_a_time_per_session_and_the_next_may_start_after() -> None:
    solves = SessionSolves(handover_seconds=0.2)
    inside, release = threading.Event(), threading.Event()

    def long_solve() -> None:
        with solves.one("the frontier"):
            inside.set()
            release.wait(timeout=60)

    worker = threading.Thread(target=long_solve)
    worker.start()
    inside.wait(timeout=60)
    busy = "the frontier is still running in this session"
    with pytest.raises(LimitExceeded, match=busy), solves.one("a solve"):
        pass
    release.set()
    worker.join()
    with solves.one("a solve"):
        pass


def test_sign_in_counts_as_configured_only_with_every_setting(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nredirect_uri = "http://x/oauth2callback"\n')
    missing = missing_settings(auth_section([secrets]))
    assert "cookie_secret" in missing and any("provider" in m for m in missing)
    secrets.write_text(
        '[auth]\nredirect_uri = "http://x/oauth2callback"\ncookie_secret = "s"\n'
        '[auth.office]\nclient_id = "c"\nclient_secret = "s"\n'
        'server_metadata_url = "http://idp/.well-known/openid-configuration"\n'
    )
    auth = auth_section([secrets])
    assert missing_settings(auth) == [] and provider_name(auth) == "office"
    assert missing_settings(auth_section([tmp_path / "absent.toml"])) == ["no [auth] section"]


def test_refusals_and_limits_are_worded_in_the_active_language() -> None:
    """The app's refusals speak the session's language: the role and the action by their Chinese
    names, a size limit naming the cells (2 × 2 × 1 = 4 > 3); the English wording is the one the
    tests above pin."""
    from planner.i18n.catalog import use_language

    with use_language("zh"), pytest.raises(AccessDenied) as refused:
        require(Role.VIEWER, "approve")
    assert str(refused.value) == "“批准”需要审批者角色；您拥有的是查看者角色"
    small = FairUse(max_cells=3)
    with use_language("zh"), pytest.raises(LimitExceeded) as limited:
        small.check_size(make())
    assert str(limited.value).startswith("情景超出本应用的规模上限：2 个地区 × ")
    assert "= 4 个单元；本应用最多接受 3 个" in str(limited.value), limited.value


def test_the_next_run_waits_for_the_run_it_interrupted_to_let_go() -> None:
    """Streamlit's fast rerun after Cancel starts the page's next run while the cancelled one is
    still stopping its worker; the next run waits for it instead of saying "still running"."""
    solves = SessionSolves()
    inside = threading.Event()

    def stopping_run() -> None:
        with solves.one("the Pareto frontier"):
            inside.set()
            time.sleep(0.5)  # the cancelled run's last redraw, then its worker stopped

    worker = threading.Thread(target=stopping_run)
    worker.start()
    inside.wait(timeout=60)
    with solves.one("a solve"):  # refused at once before: "the Pareto frontier is still running"
        assert solves.running == "a solve"
    worker.join()
