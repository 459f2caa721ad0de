"""Who is using the app and what they may do: the sign-in page, the role, and the guarded handlers.

``planner ui`` tells the app (after ``--``) how people are let in:

- ``--auth local``: this machine only, no sign-in; the OS user does everything (as before);
- ``--auth none`` (``planner ui --no-auth``): no sign-in on a shared address; a red banner says so on
  every page;
- ``--auth signin --access FILE``: Streamlit's OpenID Connect sign-in (``st.login``/``st.user``); the
  access file gives each signed-in person a role (``planner.serve.access``).

The page hides what the role does not allow, and every handler that changes something
(:func:`save_run`, :func:`decide`, :func:`solve`) checks the role again itself, from ``st.user``
(which only the server sets, from the signed cookie), never from anything the browser sends.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from planner import Plan, Scenario
from planner.i18n.catalog import t
from planner.serve.access import (
    AccessDenied,
    AccessFile,
    Identity,
    Role,
    allows,
    load_access,
    require,
    role_word,
)
from planner.serve.limits import FairUse, LimitExceeded, SessionSolves

from . import state

SOLVES_KEY = "planner.access.solves"


@dataclass(frozen=True)
class Serving:
    """How the server was started (``planner ui``'s options, passed after ``--``)."""

    auth: str = "local"
    access: Path | None = None
    provider: str | None = None
    fair_use: FairUse = FairUse()


def parse_serving(argv: list[str]) -> Serving:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--auth", choices=["local", "none", "signin"], default="local")
    parser.add_argument("--access", type=Path)
    parser.add_argument("--provider")
    parser.add_argument("--solve-seconds", type=float, default=FairUse.solve_seconds)
    parser.add_argument("--max-cells", type=int, default=FairUse.max_cells)
    parser.add_argument("--max-projects", type=int, default=FairUse.max_projects)
    parser.add_argument("--run-seconds", type=float, default=FairUse.run_seconds)
    known, _ = parser.parse_known_args(argv)
    if known.auth == "signin" and known.access is None:
        return Serving("signin", None, known.provider)  # never falls open: nobody gets a role
    return Serving(
        known.auth,
        known.access,
        known.provider,
        FairUse(known.solve_seconds, known.max_cells, known.max_projects, known.run_seconds),
    )


def serving() -> Serving:
    return parse_serving(sys.argv[1:])


@st.cache_resource(show_spinner=False)
def _access_file(path: str, _mtime: float) -> AccessFile:
    return load_access(path)


def access_file(path: Path) -> AccessFile:
    """The access file, read again whenever it changes on disk (roles change without a restart)."""
    return _access_file(str(path), path.stat().st_mtime)


@dataclass(frozen=True)
class Who:
    """The person behind this session: their identity (None without sign-in) and role."""

    identity: Identity | None
    role: Role | None

    @property
    def user(self) -> str:
        """The ``user`` recorded with runs and decisions: the e-mail, else the OS user."""
        if self.identity is not None:
            return self.identity.shown
        from planner.store.record import os_user

        return os_user()

    def recorded_as(self) -> dict[str, Any]:
        """Keyword arguments for the run store: user, and the IdP subject, e-mail and issuer."""
        if self.identity is None:
            return {"user": self.user}
        found = self.identity
        return {
            "user": self.user,
            "subject": found.subject,
            "email": found.email,
            "issuer": found.issuer,
        }


def signed_in_claims() -> dict[str, Any] | None:
    """The ID token's claims of the signed-in person, or None when nobody is signed in."""
    if not st.user.is_logged_in:
        return None
    return {k: v for k, v in st.user.to_dict().items() if k != "is_logged_in"}


def current(config: Serving | None = None) -> Who:
    """This session's person and role, worked out on the server each time it is asked."""
    config = serving() if config is None else config
    if config.auth != "signin":
        return Who(None, Role.APPROVER)  # this machine's user, or --no-auth: everyone may do all
    claims = signed_in_claims()
    if claims is None or config.access is None:
        return Who(None, None)
    rules = access_file(config.access)
    identity = Identity.from_claims(claims, rules.groups_claim)
    return Who(identity, rules.role_of(identity))


def may(action: str) -> bool:
    """Whether this session's person may ``action``: what the page shows (handlers check again)."""
    return allows(current().role, action)


# ---- the gate at the top of every page ----


def gate() -> bool:
    """Draw the sign-in page, the no-access message or the banners; True when the page may go on."""
    config = serving()
    if config.auth == "none":
        st.error(t("ui.access.no_auth"))
        return True
    if config.auth == "local":
        return True
    if not st.user.is_logged_in:
        sign_in_page(config)
        return False
    who = current(config)
    if who.role is None:
        no_access_page(who)
        return False
    signed_in_sidebar(who)
    return True


def sign_in_page(config: Serving) -> None:
    st.markdown(t("ui.access.sign_in_intro"))
    if st.button(t("ui.access.sign_in"), key="access_sign_in", type="primary"):
        if config.provider:
            st.login(config.provider)
        else:
            st.login()


def no_access_page(who: Who) -> None:
    shown = who.identity.shown if who.identity else t("ui.access.this_account")
    st.error(t("ui.access.no_role_page", shown=shown))
    if st.button(t("ui.access.sign_out"), key="access_sign_out"):
        st.logout()


def signed_in_sidebar(who: Who) -> None:
    role = role_word(who.role) if who.role else t("ui.access.no_role")
    st.sidebar.markdown(t("ui.access.signed_in", user=who.user, role=role))
    if st.sidebar.button(t("ui.access.sign_out"), key="access_sign_out"):
        st.logout()


# ---- the guarded handlers ----


def save_run(store: Any, plan: Plan, note: str, who: Who | None = None) -> str:
    """Record the plan as a run under the signed-in identity; refused below the planner role."""
    who = current() if who is None else who
    require(who.role, "save")
    return str(store.record(plan, note=note, source="ui", **who.recorded_as()))


def decide(store: Any, kind: str, run_id: str, note: str, who: Who | None = None) -> None:
    """Record ``approve``, ``reject`` or ``note`` on a run; each checks its own role."""
    who = current() if who is None else who
    require(who.role, kind)
    getattr(store, kind)(run_id, note, **who.recorded_as())


def session_solves(session: Any = None) -> SessionSolves:
    session = st.session_state if session is None else session
    if SOLVES_KEY not in session:
        session[SOLVES_KEY] = SessionSolves()
    solves: SessionSolves = session[SOLVES_KEY]
    return solves


def solve(
    scenario: Scenario, base: Scenario, who: Who | None = None, session: Any = None
) -> state.Solved:
    """The plan of ``scenario`` within the session's fair use: a changed scenario needs the planner
    role, a scenario beyond the size limits is refused naming the limit, one solve at a time."""
    who = current() if who is None else who
    fair = serving().fair_use
    if scenario != base:
        require(who.role, "solve_changed")
    fair.check_size(scenario)
    with session_solves(session).one(t("ui.access.a_solve")):
        return state.solve(scenario, session, time_limit_s=fair.solve_seconds)


def fair_use() -> FairUse:
    return serving().fair_use


__all__ = ["AccessDenied", "LimitExceeded", "decide", "gate", "may", "save_run", "solve"]
