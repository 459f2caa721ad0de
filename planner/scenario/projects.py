"""Candidate projects (spec: projects.md): funded whole or not at all, with alternatives and requirements.

A project is one row of the ``projects`` table; ``project_groups`` cap how many projects of a group of
alternatives may be funded. The checks between tables (unknown region, group or required project, a
cycle of requirements, an empty start window, …) are ``check_*`` functions that the scenario runs with
its own checks, each naming the row and field.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field, field_validator

from planner.errors import Problem
from planner.i18n.problems import problem
from planner.scenario.fields import AnnotatedRow, Name, NoBool, NonNegative, PeriodLabel, Strict

if TYPE_CHECKING:
    from planner.scenario.model import Scenario

PROJECT_COLUMNS = (
    "id",
    "name",
    "region",
    "sector",
    "cost",
    "duration",
    "earliest",
    "latest",
    "value",
    "mandatory",
    "group",
    "requires",
)
"""The spec's columns, in the order files are written; any other column is an annotation."""

Positive = Annotated[float, NoBool, Field(gt=0, allow_inf_nan=False)]
WholeAtLeastOne = Annotated[int, NoBool, Field(ge=1, strict=False)]
WholeAtLeastZero = Annotated[int, NoBool, Field(ge=0, strict=False)]


class Project(AnnotatedRow):
    """One candidate project. Extra columns (``source``, ``name_zh``, ``status``, …) are kept as text."""

    id: Name = Field(description="Unique project id.")
    name: str = Field("", description="Readable name; the id when blank.")
    region: Name = Field(description="Region id of the scenario.")
    sector: Name = Field(description="Sector of the scenario.")
    cost: Positive = Field(
        description="Cost spent from the start period on (unit); for a project under way, what remains."
    )
    duration: WholeAtLeastOne = Field(
        1, description="Whole number of periods over which the cost is spent in equal parts."
    )
    earliest: PeriodLabel | None = Field(
        None, description="First period in which it may start (the first period when blank)."
    )
    latest: PeriodLabel | None = Field(
        None, description="Last period in which it may start (the last period when blank)."
    )
    value: NonNegative = Field(description="Benefit of the whole project, in the units of E.")
    mandatory: bool = Field(False, description="The plan must fund it.")
    group: str | None = Field(None, description="Key of `project_groups` (one group per project).")
    requires: list[Name] = Field(
        default_factory=list,
        description="Project ids (';'-separated in CSV) that must start no later than this one.",
    )

    @field_validator("name", "group", "earliest", "latest", "mandatory", mode="before")
    @classmethod
    def _blank_is_default(cls, value: Any, info: Any) -> Any:
        if value is None or (isinstance(value, str) and value.strip() == ""):
            return {"name": "", "mandatory": False}.get(info.field_name)
        return value

    @field_validator("duration", mode="before")
    @classmethod
    def _whole_number(cls, value: Any) -> Any:
        """'2.0' from a CSV is a whole number; '2.5' is not (pydantic refuses fractional parts)."""
        if isinstance(value, str):
            text = value.strip()
            try:
                number = float(text)
            except ValueError:
                return value
            return int(number) if number.is_integer() else number
        return value

    @field_validator("requires", mode="before")
    @classmethod
    def _split_requires(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            return [part.strip() for part in value.split(";") if part.strip()]
        return value

    @property
    def label(self) -> str:
        return self.name or self.id


class ProjectGroup(Strict):
    """Alternatives for one function and catchment: at most ``max`` of them are funded."""

    max: WholeAtLeastZero = Field(description="Most projects of the group that may be funded.")


def start_window(project: Project, periods: Sequence[Any]) -> list[int]:
    """W(p) as period positions: earliest ≤ t ≤ latest and i(t) + duration − 1 ≤ |T| − 1.

    Labels are matched by their text, so ``2027`` from a CSV cell finds the period 2027.
    """
    first = period_position(project.earliest, periods, default=0)
    last = period_position(project.latest, periods, default=len(periods) - 1)
    if first is None or last is None:
        return []
    return [i for i in range(first, last + 1) if i + project.duration - 1 <= len(periods) - 1]


def period_position(label: Any, periods: Sequence[Any], default: int) -> int | None:
    if label is None:
        return default
    texts = [str(p) for p in periods]
    return texts.index(str(label)) if str(label) in texts else None


def projects_within(
    projects: Sequence[Project], regions: set[str], sectors: set[str]
) -> list[Project]:
    """The projects whose region and sector are kept, less those that require a dropped project
    (a section useless without another goes with it), repeatedly until none is left requiring one."""
    kept = [p for p in projects if p.region in regions and p.sector in sectors]
    while True:
        ids = {p.id for p in kept}
        still = [p for p in kept if all(a in ids for a in p.requires)]
        if len(still) == len(kept):
            return kept
        kept = still


# ---- checks between tables: one function per rule ----


def _at(i: int, field: str, key: str, **params: Any) -> Problem:
    return problem(key, loc=("projects", i, field), field=field, **params)


def check_project_ids(s: Scenario) -> Iterator[Problem]:
    counts = Counter(p.id for p in s.projects)
    seen: set[str] = set()
    for i, p in enumerate(s.projects):
        if counts[p.id] > 1 and p.id in seen:
            yield _at(i, "id", "duplicate_project", id=p.id)
        seen.add(p.id)


def check_project_references(s: Scenario) -> Iterator[Problem]:
    regions, sectors = {r.id for r in s.regions}, set(s.sectors)
    ids = {p.id for p in s.projects}
    for i, p in enumerate(s.projects):
        if p.region not in regions:
            yield _at(i, "region", "unknown_region", id=p.region)
        if p.sector not in sectors:
            yield _at(i, "sector", "unknown_sector", id=p.sector)
        if p.group is not None and p.group not in s.project_groups:
            known = ", ".join(s.project_groups) or "none"
            yield _at(i, "group", "unknown_group", group=p.group, known=known)
        for required in p.requires:
            if required == p.id:
                yield _at(i, "requires", "requires_itself", id=p.id)
            elif required not in ids:
                yield _at(i, "requires", "unknown_required", id=required)


def check_requirement_cycles(s: Scenario) -> Iterator[Problem]:
    ids = {p.id for p in s.projects}
    edges = {p.id: [r for r in p.requires if r in ids and r != p.id] for p in s.projects}
    row = {p.id: i for i, p in enumerate(s.projects)}
    reported: set[frozenset[str]] = set()
    for start in edges:
        cycle = _cycle_from(start, edges)
        if cycle and frozenset(cycle) not in reported:
            reported.add(frozenset(cycle))
            path = " → ".join([*cycle, cycle[0]])
            yield _at(row[cycle[0]], "requires", "requirement_cycle", path=path)


def _cycle_from(start: str, edges: dict[str, list[str]]) -> list[str] | None:
    """The cycle through ``start`` if one exists (depth-first over requirements)."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for nxt in edges[node]:
            if nxt == start:
                return path
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


def check_start_windows(s: Scenario) -> Iterator[Problem]:
    labels = ", ".join(map(str, s.periods))
    for i, p in enumerate(s.projects):
        first = period_position(p.earliest, s.periods, default=0)
        last = period_position(p.latest, s.periods, default=len(s.periods) - 1)
        for field, position, given in (("earliest", first, p.earliest), ("latest", last, p.latest)):
            if position is None:
                yield _at(i, field, "not_a_period", given=given, periods=labels)
        if first is None or last is None:
            continue
        if first > last:
            yield _at(i, "latest", "latest_before_earliest", latest=p.latest, earliest=p.earliest)
        elif not start_window(p, s.periods):
            yield _at(i, "duration", "empty_start_window", duration=p.duration, last=s.periods[-1])


def check_mandatory_in_closed_group(s: Scenario) -> Iterator[Problem]:
    for i, p in enumerate(s.projects):
        group = s.project_groups.get(p.group) if p.group is not None else None
        if p.mandatory and group is not None and group.max == 0:
            yield _at(i, "mandatory", "mandatory_in_closed_group", group=p.group)


PROJECT_CHECKS = (
    check_project_ids,
    check_project_references,
    check_requirement_cycles,
    check_start_windows,
    check_mandatory_in_closed_group,
)
