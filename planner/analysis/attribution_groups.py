"""The players of an attribution: which inputs differ between scenarios A and B, grouped, and the
scenario "A with these groups taken from B".

One :class:`Group` per kind of input (:data:`GROUPS`); adding a kind of input (candidate projects,
criteria weights) is one more entry: a name, the words for its change, and ``take``, which writes B's
values of the group into a :class:`Draft` of A.

Values are matched by key: region id, sector name, period label, (region, sector) pair, profile and
corridor name. An item that only one side has keeps that side's values, whichever groups are taken:
a region that only B has comes with B's needs, floor and capacity, and belongs to the ``structure``
group, which adds and removes regions, sectors and periods (in one piece, and by a model rebuild).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from planner.errors import ScenarioError
from planner.i18n.problems import problem
from planner.scenario.model import Corridor, Need, Profile, Region, Scenario, validate_scenario
from planner.scenario.projects import Project, ProjectGroup, projects_within

Pair = tuple[str, str]


@dataclass
class Draft:
    """A scenario being assembled: A's values, B's where a taken group says so.

    ``a`` and ``b`` are the two scenarios; ``regions``, ``sectors``, ``periods`` the key sets in
    force (A's, or B's once ``structure`` is taken); the rest are the values by key.
    """

    a: Scenario
    b: Scenario
    regions: dict[str, Region]
    sectors: list[str]
    periods: list[Any]
    budget: dict[Any, float]
    needs: dict[Pair, Need]
    fields: dict[str, Any] = field(default_factory=dict)  # scalar fields, objective, tranches
    profiles: dict[str, Profile] = field(default_factory=dict)
    corridors: dict[str, Corridor] = field(default_factory=dict)
    projects: list[Project] = field(default_factory=list)
    project_groups: dict[str, ProjectGroup] = field(default_factory=dict)
    funding: Any = None  # funding.md's sources and rules (None: one budget)

    def shared_regions(self) -> list[str]:
        """Regions of the draft that B has too: those whose values B can give."""
        b_ids = {r.id for r in self.b.regions}
        return [r for r in self.regions if r in b_ids]

    def set_region(self, region_id: str, **values: Any) -> None:
        self.regions[region_id] = self.regions[region_id].model_copy(update=values)

    def scenario(self) -> Scenario:
        """The draft as a validated Scenario (unchanged rows are the same objects as A's or B's)."""
        sectors = set(self.sectors)
        profiles = dict(self.profiles)
        for region in self.regions.values():  # a kept region's profile may exist on one side only
            if region.profile and region.profile not in profiles:
                profiles[region.profile] = _profile_of(self.a, self.b, region.profile)
        data = {
            **self.fields,
            "version": 1,
            "name": self.a.name,
            "unit": self.a.unit,
            "periods": list(self.periods),
            "sectors": list(self.sectors),
            # with funding, the budget is the sources' total (funding.md)
            "budget": [self.budget[t] for t in self.periods] if self.funding is None else None,
            "funding": self.funding,
            "regions": list(self.regions.values()),
            "projects": projects_within(self.projects, set(self.regions), sectors),
            "project_groups": dict(self.project_groups),
            "needs": [
                n for n in self.needs.values() if n.region in self.regions and n.sector in sectors
            ],
            "profiles": {name: _within(p, sectors) for name, p in profiles.items()},
            "corridors": _corridors_within(self.corridors, set(self.regions), sectors),
        }
        return validate_scenario(data)


SCALARS = (
    "carry_over",
    "discount_rate",
    "redundancy_tolerance",
    "tranches",
    "objective",
    "criteria",
)


def draft_of_a(a: Scenario, b: Scenario) -> Draft:
    """A itself, with budgets per period and every table by key."""
    return Draft(
        a=a,
        b=b,
        regions={r.id: r for r in a.regions},
        sectors=list(a.sectors),
        periods=list(a.periods),
        budget=dict(zip(a.periods, a.budget_per_period(), strict=True)),
        needs={(n.region, n.sector): n for n in a.needs},
        fields={key: getattr(a, key) for key in SCALARS} | _actuals_of(a),
        profiles=dict(a.profiles),
        corridors=dict(a.corridors),
        projects=list(a.projects),
        project_groups=dict(a.project_groups),
        funding=a.funding,
    )


# ---- what each group takes from B ----


def _actuals_of(s: Scenario) -> dict[str, Any]:
    """A scenario's record of the past (actuals.md) as a draft field; none without one, so a draft
    of a scenario without actuals stays exactly what it was."""
    return {"actuals": s.actuals} if s.actuals is not None else {}


def take_actuals(draft: Draft) -> None:
    """B's record of the past periods (actuals.md): what was spent and started, locked."""
    draft.fields.pop("actuals", None)
    draft.fields.update(_actuals_of(draft.b))


def _take_field(key: str) -> Callable[[Draft], None]:
    def take(draft: Draft) -> None:
        draft.fields[key] = getattr(draft.b, key)

    return take


def take_budget(draft: Draft) -> None:
    """B's budget of every period B has; a period only A has keeps A's budget."""
    draft.budget.update(zip(draft.b.periods, draft.b.budget_per_period(), strict=True))


def take_funding(draft: Draft) -> None:
    """B's sources and rules, and B's debt room of every region both sides have (funding.md): the
    pools of money change as one group."""
    draft.funding = draft.b.funding
    _take_region_field("debt_room")(draft)


def take_structure(draft: Draft) -> None:
    """B's regions, sectors and periods; an item new in B brings B's values along."""
    a_ids = {r.id for r in draft.a.regions}
    a_sectors = set(draft.a.sectors)
    draft.regions = {r.id: draft.regions.get(r.id, r) for r in draft.b.regions}
    draft.sectors = list(draft.b.sectors)
    b_budget = dict(zip(draft.b.periods, draft.b.budget_per_period(), strict=True))
    draft.budget = {t: draft.budget.get(t, b_budget[t]) for t in draft.b.periods}
    draft.periods = list(draft.b.periods)
    for n in draft.b.needs:  # rows of a new region or a new sector are part of the structure
        if n.region not in a_ids or n.sector not in a_sectors:
            draft.needs[(n.region, n.sector)] = n


def take_needs(draft: Draft) -> None:
    """B's need of every pair of a region and a sector A has too (a row only B has comes in with
    B's benefit; a row B dropped goes)."""
    a_sectors = set(draft.a.sectors)
    shared = {r.id for r in draft.a.regions} & {r.id for r in draft.b.regions}
    b_needs = {(n.region, n.sector): n for n in draft.b.needs}
    for pair in [p for p in draft.needs if p[0] in shared and p[1] in a_sectors]:
        if pair not in b_needs:
            del draft.needs[pair]
    for pair, b_row in b_needs.items():
        if pair[0] not in shared or pair[1] not in a_sectors:
            continue
        row = draft.needs.get(pair)
        if row is None:
            draft.needs[pair] = b_row
        elif row.need != b_row.need:
            draft.needs[pair] = row.model_copy(update={"need": b_row.need})


def take_benefits(draft: Draft) -> None:
    """B's benefit (or criteria scores) of every row both sides have."""
    b_needs = {(n.region, n.sector): n for n in draft.b.needs}
    for pair, row in list(draft.needs.items()):
        b_row = b_needs.get(pair)
        if b_row is not None and (row.benefit, row.scores) != (b_row.benefit, b_row.scores):
            update = {"benefit": b_row.benefit, "scores": b_row.scores}
            draft.needs[pair] = row.model_copy(update=update)


def _take_region_field(key: str) -> Callable[[Draft], None]:
    def take(draft: Draft) -> None:
        for region_id in draft.shared_regions():
            value = getattr(draft.b.region(region_id), key)
            if getattr(draft.regions[region_id], key) != value:
                draft.set_region(region_id, **{key: value})

    return take


def take_profiles(draft: Draft) -> None:
    """B's profile definitions and B's profile of each region both sides have."""
    draft.profiles = dict(draft.b.profiles)
    _take_region_field("profile")(draft)


def take_corridors(draft: Draft) -> None:
    """B's corridors. One that B lacks because too few of its members are left in B belongs to
    the structure: it stays (and goes once ``structure`` is taken)."""
    b_ids = {r.id for r in draft.b.regions}
    gone_with_regions = {
        name: c
        for name, c in draft.a.corridors.items()
        if name not in draft.b.corridors and _too_few(c, [r for r in c.regions if r in b_ids])
    }
    draft.corridors = {**gone_with_regions, **draft.b.corridors}


def take_projects(draft: Draft) -> None:
    """B's candidate projects, groups and gap: which projects exist, their costs, values, windows,
    commitments and requirements (a project of a region or sector the draft lacks waits for
    ``structure``)."""
    b_regions, b_sectors = {r.id for r in draft.b.regions}, set(draft.b.sectors)
    fits_b = {p.id for p in projects_within(draft.a.projects, b_regions, b_sectors)}
    b_ids = {p.id for p in draft.b.projects}
    # a project of A that B lacks only because its region or sector is gone belongs to structure
    with_structure = [p for p in draft.a.projects if p.id not in fits_b and p.id not in b_ids]
    draft.projects = [*draft.b.projects, *with_structure]
    draft.project_groups = {**draft.a.project_groups, **draft.b.project_groups}
    draft.fields["mip_gap"] = draft.b.mip_gap


def _too_few(corridor: Corridor, members: list[str]) -> bool:
    """Fewer than two members left of two or more: a single region shares its need with nobody."""
    return len(members) < min(2, len(corridor.regions))


@dataclass(frozen=True)
class Group:
    """One player: ``take`` writes B's values of the group into a draft of A; ``words`` names the
    change for the summary (given A and B)."""

    name: str
    take: Callable[[Draft], None]
    words: str


GROUPS: tuple[Group, ...] = (
    Group("structure", take_structure, "the added or removed regions, sectors or periods"),
    Group("budget", take_budget, "the budget"),
    Group("carry_over", _take_field("carry_over"), "the carry-over rule"),
    Group("discount_rate", _take_field("discount_rate"), "the discount rate"),
    Group("redundancy_tolerance", _take_field("redundancy_tolerance"), "the corridor tolerance"),
    Group("tranches", _take_field("tranches"), "the tranche weights"),
    Group("objective", _take_field("objective"), "the objective"),
    Group("needs", take_needs, "the needs"),
    Group("benefits", take_benefits, "the benefits"),
    Group("criteria", _take_field("criteria"), "the criteria weights"),
    Group("floors", _take_region_field("min_share_of_need"), "the floors"),
    Group("capacities", _take_region_field("max_per_period"), "the capacities"),
    Group("profiles", take_profiles, "the profiles"),
    Group("corridors", take_corridors, "the corridor caps"),
    Group("projects", take_projects, "the candidate projects"),
    Group("funding", take_funding, "the funding sources"),
    Group("actuals", take_actuals, "the record of the past periods"),
)
"""Every kind of input a plan can differ in, in the order they are applied (``structure`` first:
it decides which keys the others fill). A new kind of input is one more entry."""

GROUP_NAMES = tuple(g.name for g in GROUPS)


def compose(a: Scenario, b: Scenario, taken: Iterable[str]) -> Scenario:
    """A with the named groups' values taken from B, validated."""
    names = set(taken)
    draft = draft_of_a(a, b)
    for group in GROUPS:
        if group.name in names:
            group.take(draft)
    return draft.scenario()


def playing_groups(a: Scenario, b: Scenario) -> list[str]:
    """The groups whose values differ between A and B, in :data:`GROUPS` order.

    A group plays when taking it changes the scenario, either on A's structure or on B's (a profile
    weight of a sector only B has matters only once the sector is there)."""
    check_comparable(a, b)
    plain = compose(a, b, ())
    structure = compose(a, b, ["structure"])
    moves_structure = model_inputs(structure) != model_inputs(plain)
    playing = ["structure"] if moves_structure else []
    for group in GROUPS[1:]:
        alone = compose(a, b, [group.name])
        differs = model_inputs(alone) != model_inputs(plain)
        if not differs and moves_structure:
            both = compose(a, b, ["structure", group.name])
            differs = model_inputs(both) != model_inputs(structure)
        if differs:
            playing.append(group.name)
    return playing


def model_inputs(s: Scenario) -> tuple[Any, ...]:
    """What the model reads of a scenario: its numbers by key, not its names or extra columns."""
    regions = sorted(
        (r.id, r.profile, r.min_share_of_need, r.max_per_period, r.debt_room or -1.0)
        for r in s.regions
    )
    benefits = s.derived_benefits()
    needs = sorted(
        (n.region, n.sector, n.need, benefits[(n.region, n.sector)]) for n in s.needs if n.need > 0
    )
    profiles = {name: p.model_dump() for name, p in s.profiles.items()}
    used = sorted((r.profile or "", repr(profiles.get(r.profile or ""))) for r in s.regions)
    corridors = sorted(
        (sorted(c.regions), sorted(c.shared_need.items())) for c in s.corridors.values()
    )
    projects = sorted(tuple(sorted(p.model_dump().items(), key=str)) for p in s.projects)
    groups = sorted((g, v.max) for g, v in s.project_groups.items())
    actuals = s.actuals.model_dump(mode="json") if s.actuals is not None else None
    return (
        actuals,
        regions,
        projects,
        groups,
        s.mip_gap,
        sorted(s.sectors),
        list(zip(s.periods, s.budget_per_period(), strict=True)),
        needs,
        used,
        corridors,
        [getattr(s, key) for key in SCALARS],
        s.funding.model_dump() if s.funding is not None else None,
    )


def check_comparable(a: Scenario, b: Scenario) -> None:
    """Raise :class:`ScenarioError` when A and B are not two versions of one plan: different units
    of money, or no region or no sector in common (``structure`` adds and removes some of them, it
    does not replace them all)."""
    problems = []
    if a.unit != b.unit:
        problems.append(problem("attr.unit", file="B", field="unit", unit_a=a.unit, unit_b=b.unit))
    for what, keys_a, keys_b in (
        ("region", {r.id for r in a.regions}, {r.id for r in b.regions}),
        ("sector", set(a.sectors), set(b.sectors)),
    ):
        if not keys_a & keys_b:
            problems.append(problem(f"attr.no_{what}", file="B", field=f"{what}s"))
    if problems:
        raise ScenarioError(problems)


def _profile_of(a: Scenario, b: Scenario, name: str) -> Profile:
    return a.profiles.get(name) or b.profiles[name]


def _within(profile: Profile, sectors: set[str]) -> Profile:
    """The profile's entries for the sectors the draft has (a removed sector's weight goes)."""
    parts = {k: getattr(profile, k) for k in ("weight", "share_min", "share_max")}
    if all(set(v) <= sectors for v in parts.values()):
        return profile
    return Profile(**{k: {s: x for s, x in v.items() if s in sectors} for k, v in parts.items()})


def _corridors_within(
    corridors: dict[str, Corridor], regions: set[str], sectors: set[str]
) -> dict[str, Corridor]:
    """Corridors restricted to the draft's regions and sectors. One left with fewer than two
    members (of two or more) goes: a single region shares its need with nobody."""
    kept = {}
    for name, c in corridors.items():
        members = [r for r in c.regions if r in regions]
        caps = {s: v for s, v in c.shared_need.items() if s in sectors}
        if _too_few(c, members):
            continue
        if members == c.regions and caps == c.shared_need:
            kept[name] = c
        else:
            kept[name] = Corridor(regions=members, shared_need=caps)
    return kept
