"""Who may do what in the planning app: the access file, the signed-in identity, roles and actions.

The access file (``planner ui --access access.yaml``; docs/deploy.md) maps people to one of three
roles, each allowing everything the one before it allows:

- ``viewer``: see plans, alternatives and history; download reports;
- ``planner``: also edit the scenario, solve changed scenarios, save runs, add notes;
- ``approver``: also approve or reject runs.

A person is matched by e-mail or IdP subject (``users``), by the domain of a verified e-mail
(``domains``), or by a group the IdP puts in the ID token (``groups``); someone matching several
entries gets the highest role. Someone matching none gets no access at all.

:func:`require` is the check every handler that changes something calls itself, so a button the
page hides is not the only thing standing between a viewer and an approval.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from planner.errors import Problem, ScenarioError
from planner.i18n.catalog import t
from planner.i18n.problems import KeyedValueError, problem, pydantic_problem

MAX_ACCESS_BYTES = 1_000_000  # an access file is a few lines; anything this big is a mistake


class Role(IntEnum):
    """What a person may do; a higher role includes everything a lower one may."""

    VIEWER = 1
    PLANNER = 2
    APPROVER = 3

    @property
    def label(self) -> str:
        return self.name.lower()


ACTIONS: dict[str, Role] = {
    "view": Role.VIEWER,  # plans, alternatives, frontiers, history
    "download": Role.VIEWER,
    "edit": Role.PLANNER,  # change the scenario in the editor, upload one
    "solve_changed": Role.PLANNER,  # solve a scenario other than the one picked unchanged
    "save": Role.PLANNER,  # record the current plan as a run
    "note": Role.PLANNER,
    "approve": Role.APPROVER,
    "reject": Role.APPROVER,
}
"""Every action the app's handlers check, and the least role allowed to do it."""


class AccessDenied(PermissionError):
    """A signed-in person tried something their role does not allow (or has no role)."""


class Grant(BaseModel):
    """The people one role is given to."""

    model_config = ConfigDict(extra="forbid")

    users: list[str] = Field(default_factory=list, description="e-mail addresses or IdP subjects")
    domains: list[str] = Field(
        default_factory=list, description="e-mail domains (`office.example`), verified e-mail only"
    )
    groups: list[str] = Field(default_factory=list, description="group names the IdP sends")

    @field_validator("users", "domains")
    @classmethod
    def _lowercase(cls, values: list[str]) -> list[str]:
        return [v.strip().lower().removeprefix("@") for v in values]

    @field_validator("users", "domains", "groups")
    @classmethod
    def _not_blank(cls, values: list[str]) -> list[str]:
        if any(not v.strip() for v in values):
            raise KeyedValueError("access.empty_entry")
        return values


class AccessFile(BaseModel):
    """The access file: a grant per role, and the ID-token claim that holds the groups."""

    model_config = ConfigDict(extra="forbid")

    roles: dict[str, Grant] = Field(description="viewer, planner and/or approver → who")
    groups_claim: str = Field(
        default="groups", description="the ID-token claim listing the person's groups"
    )

    @field_validator("roles")
    @classmethod
    def _known_roles(cls, roles: dict[str, Grant]) -> dict[str, Grant]:
        unknown = sorted(set(roles) - {r.label for r in Role})
        if unknown:
            raise KeyedValueError("access.unknown_role", roles=", ".join(unknown))
        return roles

    def role_of(self, identity: Identity) -> Role | None:
        """The highest role the access file gives this person, or None (no access)."""
        found = [
            Role[name.upper()] for name, grant in self.roles.items() if _matches(grant, identity)
        ]
        return max(found, default=None)


@dataclass(frozen=True)
class Identity:
    """A signed-in person as the ID token describes them."""

    subject: str
    email: str | None = None
    issuer: str | None = None
    """The ID token's ``iss``: a subject is unique only within its identity provider."""
    email_verified: bool = True
    name: str | None = None
    groups: tuple[str, ...] = field(default_factory=tuple)

    @property
    def shown(self) -> str:
        """How the person appears in the record's ``user`` column and on the page."""
        return self.email or self.name or self.subject

    @property
    def key(self) -> str | None:
        """``issuer|subject``: the person, unique across identity providers (None without issuer)."""
        return f"{self.issuer}|{self.subject}" if self.issuer and self.subject else None

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any], groups_claim: str = "groups") -> Identity:
        groups = claims.get(groups_claim) or ()
        if isinstance(groups, str):
            groups = (groups,)
        email = claims.get("email")
        return cls(
            subject=str(claims.get("sub") or ""),
            email=str(email).strip().lower() if email else None,
            issuer=str(claims["iss"]) if claims.get("iss") else None,
            email_verified=claims.get("email_verified") is not False,
            name=str(claims["name"]) if claims.get("name") else None,
            groups=tuple(str(g) for g in groups),
        )


def _matches(grant: Grant, identity: Identity) -> bool:
    if identity.subject and identity.subject.lower() in grant.users:
        return True
    if identity.key and identity.key.lower() in grant.users:
        return True
    if identity.email and identity.email_verified:
        if identity.email in grant.users:
            return True
        if identity.email.rsplit("@", 1)[-1] in grant.domains:
            return True
    return any(g in grant.groups for g in identity.groups)


def allows(role: Role | None, action: str) -> bool:
    """Whether ``role`` may do ``action`` (an unknown action is a bug: KeyError)."""
    return role is not None and role >= ACTIONS[action]


def require(role: Role | None, action: str) -> None:
    """Refuse ``action`` unless ``role`` allows it: the check each handler makes itself."""
    if not allows(role, action):
        held = (
            t("serve.denied.no_access")
            if role is None
            else t("serve.denied.held", role=role_word(role))
        )
        action_words = t(f"serve.action.{action}")
        raise AccessDenied(
            t("serve.denied", action=action_words, needed=role_word(ACTIONS[action]), held=held)
        )


def role_word(role: Role) -> str:
    """The role's name in the active language (``viewer`` / 查看者)."""
    return t(f"serve.role.{role.label}")


def load_access(path: str | Path) -> AccessFile:
    """Read and validate an access file; :class:`ScenarioError` with one problem per line."""
    import yaml

    path = Path(path)
    name = path.name
    try:
        if path.stat().st_size > MAX_ACCESS_BYTES:
            raise ScenarioError(
                [problem("access.too_large", file=name, limit=f"{MAX_ACCESS_BYTES:,}")]
            )
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ScenarioError(
            [problem("access.cannot_read", file=name, reason=err.strerror)]
        ) from None
    except yaml.YAMLError as err:
        line = getattr(getattr(err, "problem_mark", None), "line", None)
        row = None if line is None else line + 1
        raise ScenarioError([problem("access.not_yaml", file=name, row=row)]) from None
    if not isinstance(data, dict):
        raise ScenarioError([problem("access.not_a_mapping", file=name)])
    try:
        return AccessFile.model_validate(data)
    except ValidationError as err:
        raise ScenarioError([_access_problem(e, name) for e in err.errors()]) from None


def _access_problem(error: Any, name: str) -> Problem:
    """A validation error of the access file, keyed so it can be said in the reader's language
    (pydantic's English line kept as the message)."""
    loc = tuple(error["loc"])
    field = ".".join(str(p) for p in loc)
    return pydantic_problem(error, error["msg"], loc, field).at(file=name)
