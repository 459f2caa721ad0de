"""The scenario: validated once, at the edge, by pydantic models (spec: "Scenario file (YAML, version 1)").

Everything downstream (model build, solve, reports) trusts a :class:`Scenario`. Field checks (types,
signs, ranges) come from the field declarations; consistency checks that span several tables (unknown
references, duplicates, share bounds that cannot hold together) are small ``check_*`` functions run by
one model validator, which reports every problem at once.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_serializer, model_validator

from planner.errors import Problem, ScenarioError
from planner.i18n.catalog import checked
from planner.i18n.problems import problem, pydantic_problem
from planner.scenario.actuals import ACTUALS_CHECKS, Actuals, recorded_starts
from planner.scenario.changes import CHANGEABLE, RECORD_CHANGES, gathered
from planner.scenario.criteria import (
    CRITERIA_CHECKS,
    Criterion,
    benefit_parts,
    scores_apart,
)
from planner.scenario.fields import (
    AnnotatedRow,
    Mode,
    Name,
    NoBool,
    NonNegative,
    PeriodLabel,
    Share,
    Strict,
)
from planner.scenario.funding import (
    FUNDING_CHECKS,
    Funding,
    funding_shares,
    source_amounts,
)
from planner.scenario.projects import PROJECT_CHECKS, Project, ProjectGroup, start_window


class Region(AnnotatedRow):
    """One row of the regions table. Extra columns (``name_zh``, ``macro_region``, …) are kept as text."""

    id: Name = Field(description="Identifier used by needs and corridors, e.g. 'xinjiang'.")
    name: str = Field("", description="Display name; the id when blank.")
    profile: str | None = Field(
        None, description="Key of `profiles`; blank means weight 1 and no share bounds."
    )
    min_share_of_need: Share = Field(
        0.0, description="Equity floor: the region gets at least this share of its total need."
    )
    max_per_period: NonNegative | None = Field(
        None, description="Absorptive capacity: most money the region can use in one period (unit)."
    )
    debt_room: NonNegative | None = Field(
        None,
        description="New debt the region may take on over the horizon, over all debt sources "
        "(unit; funding.md); blank means no limit.",
    )

    @model_serializer(mode="wrap")
    def _no_blank_debt_room(self, handler: Any) -> dict[str, Any]:
        """A region without a debt room is written (and hashed) as before funding existed."""
        return {k: v for k, v in handler(self).items() if k != "debt_room" or v is not None}

    @field_validator("min_share_of_need", mode="before")
    @classmethod
    def _blank_floor_is_zero(cls, value: Any) -> Any:
        return 0.0 if value is None or value == "" else value

    @field_validator("profile", "max_per_period", "debt_room", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @property
    def label(self) -> str:
        return self.name or self.id


class Need(AnnotatedRow):
    """One row of the needs table: the money a (region, sector) needs over the horizon and its benefit,
    given (``benefit``) or scored per criterion (``scores``, criteria.md).

    Extra columns (``source``, ``note``, …) are kept as text annotations. A row is written back flat:
    its scores as one column per criterion, beside ``need``."""

    region: Name = Field(description="Region id.")
    sector: Name = Field(description="Sector name, one of `sectors`.")
    need: NonNegative = Field(
        description="Money the region needs in this sector over the horizon (unit)."
    )
    benefit: NonNegative | None = Field(
        None,
        description="Benefit per unit of money of the first tranche; not given when the scenario "
        "has `criteria` (the benefit is then derived from the scores).",
    )
    scores: dict[str, NonNegative] = Field(
        default_factory=dict,
        description="Score of the pair per criterion (one needs column per criterion key; blank is 0).",
    )

    @model_serializer(mode="wrap")
    def _flat(self, handler: Any) -> dict[str, Any]:
        """The row as the file holds it: no empty ``benefit``, the scores as columns."""
        row = handler(self)
        scores = row.pop("scores", {})
        if row.get("benefit") is None:
            row.pop("benefit", None)
        head = {k: row.pop(k) for k in ("region", "sector", "need", "benefit") if k in row}
        return {**head, **scores, **row}


class Profile(Strict):
    """A specialization profile: benefit multipliers and sector-share bounds of a region type."""

    weight: dict[str, NonNegative] = Field(
        default_factory=dict, description="Benefit multiplier per sector (default 1)."
    )
    share_min: dict[str, Share] = Field(
        default_factory=dict,
        description="Least share of the region's own total allocation per sector (default 0).",
    )
    share_max: dict[str, Share] = Field(
        default_factory=dict,
        description="Largest share of the region's own total allocation per sector (default 1).",
    )


class Corridor(Strict):
    """Regions that share a need (a trunk line, a hub): together they are funded for it once."""

    regions: list[Name] = Field(min_length=1, description="Member region ids.")
    shared_need: dict[str, NonNegative] = Field(
        default_factory=dict,
        description="Cap per sector on the members' combined allocation (unit).",
    )


class Objective(Strict):
    """What the plan maximizes (spec: "Objectives")."""

    mode: Mode = Field("efficiency", description="efficiency | equity | balanced.")
    equity_weight: Share = Field(
        0.5, description="Weight λ of equity in `balanced` mode, in [0, 1]."
    )


class Scenario(Strict):
    """A complete, validated scenario (spec: "Scenario file (YAML, version 1)").

    Examples
    --------
    >>> import planner
    >>> scn = planner.load_scenario("western_china")
    >>> cheaper = scn.with_changes(budget=1500)
    >>> cheaper.budget_per_period()[0] == 300.0
    True
    """

    version: Literal[1] = Field(description="Scenario format version; only 1 exists.")
    name: Name = Field(description="Scenario name, printed on every plan and report.")
    name_zh: str | None = Field(
        None,
        description="The scenario's name in Chinese, shown when the page or report is in Chinese.",
    )
    unit: str = Field("CNY bn", description="Unit of money for budgets, needs and capacities.")
    periods: list[PeriodLabel] = Field(min_length=1, description="Ordered period labels.")
    budget: NonNegative | list[NonNegative] | None = Field(
        None,
        description="Total budget (split evenly over periods) or one figure per period (unit); "
        "required without `funding`, and equal to the sources' total with it.",
    )
    carry_over: bool = Field(True, description="Unspent budget of a period may be spent later.")
    discount_rate: NonNegative = Field(
        0.0, description="Benefit of period index i is weighted 1 / (1 + rate) ** i."
    )
    sectors: list[Name] = Field(min_length=1, description="Sector names.")
    tranches: list[Annotated[float, NoBool, Field(gt=0, allow_inf_nan=False)]] = Field(
        default_factory=lambda: [1.0],
        min_length=1,
        description="Relative marginal benefit of successive equal slices of a need (non-increasing).",
    )
    redundancy_tolerance: NonNegative = Field(
        0.0, description="Corridor caps may be exceeded by this fraction (0 = none)."
    )
    objective: Objective = Field(default_factory=Objective, description="What the plan maximizes.")
    regions: list[Region] = Field(min_length=1, description="Regions table (inline or CSV path).")
    needs: list[Need] = Field(description="Needs table (inline or CSV path).")
    profiles: dict[str, Profile] = Field(default_factory=dict)
    corridors: dict[str, Corridor] = Field(default_factory=dict)
    projects: list[Project] = Field(
        default_factory=list,
        description="Candidate projects (inline or CSV path), funded whole or not (projects.md).",
    )
    project_groups: dict[str, ProjectGroup] = Field(
        default_factory=dict, description="Groups of alternatives: at most `max` funded of each."
    )
    mip_gap: Annotated[float, NoBool, Field(ge=0, le=1, allow_inf_nan=False)] = Field(
        1e-4, description="Relative optimality gap at which branch and bound may stop."
    )
    criteria: dict[str, Criterion] | None = Field(
        None,
        description="Named criteria (key: weight and label); the needs table then scores every pair "
        "on each (one column per key) instead of giving its benefit (criteria.md).",
    )
    funding: Funding | None = Field(
        None,
        description="Funding sources and their co-financing rules (funding.md); the budget is then "
        "the sources' total.",
    )
    actuals: Actuals | None = Field(
        None,
        description="What was really spent and started in the past periods, which are locked "
        "(actuals.md): `through`, `spending` and `projects` (inline or CSV paths).",
    )

    @model_validator(mode="before")
    @classmethod
    def _scores_apart(cls, data: Any) -> Any:
        return scores_apart(data)

    @model_serializer(mode="wrap")
    def _without_empty_criteria(self, handler: Any) -> dict[str, Any]:
        """A scenario without criteria, funding, actuals or a Chinese name (or, funded, without a
        budget) dumps and hashes as it did before those keys existed."""
        document = dict(handler(self))
        for key in ("criteria", "funding", "budget", "name_zh", "actuals"):
            if document.get(key) is None:
                document.pop(key, None)
        return document

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        problems = [p for check in CHECKS for p in check(self)]
        if problems:
            raise ScenarioError(problems)
        return self

    # ---- derived views (read-only; the model reads these, never the raw fields) ----

    def budget_per_period(self) -> list[float]:
        """B[t]: the budget of each period (a scalar budget is split evenly); with funding and no
        budget, the sources' total per period."""
        if self.budget is None:
            return self.funding_per_period()
        if isinstance(self.budget, list):
            return list(self.budget)
        return [self.budget / len(self.periods)] * len(self.periods)

    def source_amounts(self) -> dict[str, list[float]]:
        """A[f,t] per source id (funding.md); empty without funding."""
        return source_amounts(self)

    def funding_per_period(self) -> list[float]:
        """Σ_f A[f,t] per period."""
        return [math.fsum(c) for c in zip(*self.source_amounts().values(), strict=True)]

    def funding_shares(self) -> dict[tuple[str, str, str], float]:
        """share[f,r,s] for every source f, region r it may fund and sector s (funding.md)."""
        return funding_shares(self)

    def total_budget(self) -> float:
        return math.fsum(self.budget_per_period())

    def need_table(self) -> dict[tuple[str, str], Need]:
        return {(n.region, n.sector): n for n in self.needs}

    def benefit_parts(self) -> dict[tuple[str, str], dict[str, float]]:
        """Per (region, sector) of ``needs``, each criterion's part of its benefit (criteria.md);
        empty without criteria."""
        if self.criteria is None:
            return {}
        cached = self.__dict__.get("_benefit_parts")
        if cached is None:
            cached = benefit_parts(self.needs, self.criteria)
            self.__dict__["_benefit_parts"] = cached  # frozen model: cache beside the fields
        return cached

    def derived_benefits(self) -> dict[tuple[str, str], float]:
        """benefit[r,s] per pair of ``needs``: given, or Σ_c weight[c] · score_c[r,s] / max_c."""
        if self.criteria is None:
            return {(n.region, n.sector): n.benefit or 0.0 for n in self.needs}
        return {pair: math.fsum(parts.values()) for pair, parts in self.benefit_parts().items()}

    def benefit_of(self, pair: tuple[str, str]) -> float:
        """benefit[r,s] of one pair (see :meth:`derived_benefits`)."""
        if self.criteria is None:
            return self.need_table()[pair].benefit or 0.0
        return math.fsum(self.benefit_parts()[pair].values())

    def display_name(self, lang: str | None = None) -> str:
        """The scenario's name in ``lang`` (default: the active language): ``name_zh`` in Chinese
        when it has one, else ``name``."""
        if checked(lang) == "zh" and self.name_zh:
            return self.name_zh
        return self.name

    def criterion_label(self, key: str) -> str:
        assert self.criteria is not None
        return self.criteria[key].label or key

    def region(self, region_id: str) -> Region:
        return next(r for r in self.regions if r.id == region_id)

    def profile_of(self, region: Region) -> Profile:
        return self.profiles[region.profile] if region.profile else Profile()

    def start_window(self, project: Project) -> list[int]:
        """W(p): the positions of the periods in which the project may start (projects.md), widened
        to include a recorded start (actuals.md A2)."""
        window = start_window(project, self.periods)
        started = recorded_starts(self).get(project.id) if self.actuals is not None else None
        if started is not None and self.periods.index(started) not in window:
            window = sorted([*window, self.periods.index(started)])
        return window

    def digest(self) -> str:
        """A short hash of the inputs, to label a run (same inputs, same hash)."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]

    def with_changes(self, **changes: Any) -> Scenario:
        """A new, validated scenario with the named changes (see :data:`CHANGEABLE`).

        Raises :class:`ScenarioError` for an unknown key or an invalid value. Unchanged fields are
        carried over as they are (pydantic does not revalidate a model instance), so only the
        changes and the checks across fields run again, and the unchanged tables stay the same
        objects, which makes comparing the two scenarios cheap.
        """
        data = dict(self)
        problems = []
        changes = gathered(gathered(changes, "criteria"), "funding")
        for key, value in changes.items():
            apply = CHANGEABLE.get(key) or RECORD_CHANGES.get(key)
            if apply is None:
                known = ", ".join(sorted(CHANGEABLE))
                problems.append(problem("unknown_change", field=key, change=key, known=known))
                continue
            try:
                apply(data, value)
            except ScenarioError as err:
                problems += err.problems
        try:
            changed = validate_scenario(data)
        except ScenarioError as err:
            problems += err.problems
        if problems:
            raise ScenarioError(problems)
        return changed


def validate_scenario(data: dict[str, Any]) -> Scenario:
    """Validate a plain mapping into a Scenario, collecting every problem as :class:`Problem` values.

    Tables (``regions``, ``needs``) may be lists of mappings or pandas DataFrames.

    Raises :class:`ScenarioError`; problems carry ``loc`` so a loader can name file and row.
    """
    from pydantic import ValidationError

    if not isinstance(data, dict):
        raise ScenarioError([problem("not_a_mapping")])
    data = {key: _records_if_frame(value) for key, value in data.items()}
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(_without_union_noise(err.errors())) from None


def _records_if_frame(value: Any) -> Any:
    """A table given as a pandas DataFrame becomes records; empty (NaN) cells mean 'not given'."""
    if hasattr(value, "to_dict") and hasattr(value, "columns"):
        records = value.astype(object).where(value.notna(), None).to_dict(orient="records")
        return [{k: v for k, v in row.items() if v is not None} for row in records]
    return value


def _without_union_noise(errors: list[Any]) -> list[Problem]:
    """A value that fits no member of a union (``budget: number | list``) fails once per member;
    keep the failures that are not mere type mismatches when there are any."""
    problems = [(e["type"].endswith("_type"), _problem_from_pydantic(e)) for e in errors]
    substantive = {(p.field, p.loc[:1]) for mismatch, p in problems if not mismatch}
    kept = [p for mismatch, p in problems if not (mismatch and (p.field, p.loc[:1]) in substantive)]
    return list(dict.fromkeys(kept))


def _problem_from_pydantic(error: Any) -> Problem:
    loc = tuple(error["loc"])
    message = error["msg"]
    if error["type"] not in ("missing", "extra_forbidden") and "input" in error:
        shown = repr(error["input"])
        message += f" (got {shown[:60]})"
    if error["type"] == "extra_forbidden":
        message = "unknown field"
    if error["type"] == "value_error":  # our own validators' messages already name the value
        message = str(error.get("ctx", {}).get("error", message))
    return pydantic_problem(error, message, loc, _field_name(loc))


def _field_name(loc: tuple[str | int, ...]) -> str:
    names = [str(p) for p in loc if not isinstance(p, int)]
    # union members show up as type names in pydantic locs ("list[...]", "float"); drop them
    names = [n for n in names if not is_type_tag(n)]
    if names[:2] == ["needs", "scores"]:  # a score's column is its criterion key
        names = ["needs", *names[2:]]
    return ".".join(names)


def is_type_tag(name: str) -> bool:
    return "[" in name or name.startswith("constrained-") or name in ("float", "int", "str", "bool")


# ---- consistency checks: one function per rule, each yields Problems ----


def _duplicates(values: list[Any]) -> list[Any]:
    return [v for v, n in Counter(values).items() if n > 1]


def check_unique_labels(s: Scenario) -> Iterator[Problem]:
    for key in ("periods", "sectors"):
        for dup in _duplicates(getattr(s, key)):
            yield problem("listed_twice", loc=(key,), field=key, value=dup)
    seen: set[str] = set()
    for i, region in enumerate(s.regions):
        if region.id in seen:
            yield problem("duplicate_region", loc=("regions", i, "id"), field="id", id=region.id)
        seen.add(region.id)


def check_budget_length(s: Scenario) -> Iterator[Problem]:
    if isinstance(s.budget, list) and len(s.budget) != len(s.periods):
        yield problem(
            "budget_length",
            loc=("budget",),
            field="budget",
            figures=len(s.budget),
            periods=len(s.periods),
        )


def check_tranches(s: Scenario) -> Iterator[Problem]:
    for k in range(1, len(s.tranches)):
        if s.tranches[k] > s.tranches[k - 1]:
            yield problem(
                "tranches_increase",
                loc=("tranches",),
                field="tranches",
                later=k + 1,
                later_weight=s.tranches[k],
                earlier=k,
                earlier_weight=s.tranches[k - 1],
            )
            return


def check_region_profiles(s: Scenario) -> Iterator[Problem]:
    for i, region in enumerate(s.regions):
        if region.profile and region.profile not in s.profiles:
            yield problem(
                "unknown_profile",
                loc=("regions", i, "profile"),
                field="profile",
                profile=region.profile,
                known=", ".join(s.profiles) or "none",
            )


def check_needs(s: Scenario) -> Iterator[Problem]:
    regions = {r.id for r in s.regions}
    sectors = set(s.sectors)
    seen: set[tuple[str, str]] = set()
    for i, need in enumerate(s.needs):
        if need.region not in regions:
            yield problem(
                "unknown_region", loc=("needs", i, "region"), field="region", id=need.region
            )
        if need.sector not in sectors:
            yield problem(
                "unknown_sector", loc=("needs", i, "sector"), field="sector", id=need.sector
            )
        pair = (need.region, need.sector)
        if pair in seen:
            yield problem(
                "pair_twice",
                loc=("needs", i, "sector"),
                field="sector",
                region=need.region,
                sector=need.sector,
            )
        seen.add(pair)


def check_profiles(s: Scenario) -> Iterator[Problem]:
    sectors = set(s.sectors)
    for name, profile in s.profiles.items():
        for table in ("weight", "share_min", "share_max"):
            for sector in getattr(profile, table):
                if sector not in sectors:
                    yield problem(
                        "unknown_sector",
                        loc=("profiles", name, table, sector),
                        field=f"profiles.{name}.{table}",
                        id=sector,
                    )
        total_min = math.fsum(profile.share_min.values())
        if total_min > 1 + 1e-12:
            yield problem(
                "share_min_sum",
                loc=("profiles", name, "share_min"),
                field=f"profiles.{name}.share_min",
                total=total_min,
            )
        for sector, low in profile.share_min.items():
            high = profile.share_max.get(sector, 1.0)
            if low > high:
                yield problem(
                    "share_min_above_max",
                    loc=("profiles", name, "share_min", sector),
                    field=f"profiles.{name}.share_min",
                    sector=sector,
                    low=low,
                    high=high,
                )


def check_corridors(s: Scenario) -> Iterator[Problem]:
    regions = {r.id for r in s.regions}
    sectors = set(s.sectors)
    for name, corridor in s.corridors.items():
        for member in corridor.regions:
            if member not in regions:
                yield problem(
                    "unknown_region",
                    loc=("corridors", name, "regions"),
                    field=f"corridors.{name}.regions",
                    id=member,
                )
        for dup in _duplicates(corridor.regions):
            yield problem(
                "region_listed_twice",
                loc=("corridors", name, "regions"),
                field=f"corridors.{name}.regions",
                id=dup,
            )
        for sector in corridor.shared_need:
            if sector not in sectors:
                yield problem(
                    "unknown_sector",
                    loc=("corridors", name, "shared_need", sector),
                    field=f"corridors.{name}.shared_need",
                    id=sector,
                )


CHECKS = (
    check_unique_labels,
    check_budget_length,
    check_tranches,
    check_region_profiles,
    check_needs,
    check_profiles,
    check_corridors,
    *PROJECT_CHECKS,
    *CRITERIA_CHECKS,
    *FUNDING_CHECKS,
    *ACTUALS_CHECKS,
)
