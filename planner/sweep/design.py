"""What a sweep varies: ``--vary`` and ``--grid`` specs parsed, and perturbed copies of a scenario.

Each ``vary`` spec names a target (a table column or a scalar), a range and a distribution, grouped
per row, region, sector, corridor or all (docs/sweeps.md). :class:`Design` turns a sample's uniform
numbers into values, and :func:`perturbed` applies them to a scenario and validates the result.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from planner.errors import ScenarioError
from planner.i18n.problems import problem
from planner.scenario.model import CHANGEABLE, Scenario, validate_scenario

DISTRIBUTIONS = ("uniform", "triangular")

# ---- what can vary: target → (table, column); "scalar" targets are top-level numbers ----

TARGETS: dict[str, tuple[str, str]] = {
    "need": ("needs", "need"),
    "benefit": ("needs", "benefit"),
    "min_share_of_need": ("regions", "min_share_of_need"),
    "max_per_period": ("regions", "max_per_period"),
    "shared_need": ("corridors", "shared_need"),
    "cost": ("projects", "cost"),
    "budget": ("scalar", "budget"),
    "discount_rate": ("scalar", "discount_rate"),
    "redundancy_tolerance": ("scalar", "redundancy_tolerance"),
}
CRITERION = "criteria."
"""``criteria.NAME``: a criterion's weight (criteria.md), one number like a scalar target."""
SOURCE = "funding."
"""``funding.SOURCE``: a funding source's amount (funding.md), a number or one per period."""
SHARES = {"min_share_of_need"}  # values clipped to [0, 1] after perturbation
GROUPINGS = ("row", "region", "sector", "corridor", "all")
PROJECT_TABLE = "projects"  # rows are candidate projects: ``cost@ID`` names one project


def target_of(name: str) -> tuple[str, str] | None:
    """(table, column) of a target: a key of :data:`TARGETS`, or ``criteria.NAME`` (a scalar)."""
    if name.startswith((CRITERION, SOURCE)) and len(name.partition(".")[2]) > 0:
        return ("scalar", name)
    return TARGETS.get(name)


@dataclass(frozen=True)
class Variation:
    """How one scenario number (or table column) moves from sample to sample.

    Attributes
    ----------
    target:
        A key of :data:`TARGETS` (``need``, ``benefit``, ``budget``, …).
    low, mode, high:
        Multipliers of the scenario's value when ``relative`` (``±30%`` is 0.7, 1, 1.3), else the
        values themselves in the target's unit (``budget=1800..2400``).
    distribution:
        ``uniform`` or ``triangular`` (``mode`` is used by the triangular only).
    only:
        Restrict to rows of this region, sector or corridor (``need[transport]``); ``None`` for all.
    per:
        Which rows share one draw: ``row`` (each its own, the default), ``region``, ``sector``,
        ``corridor`` or ``all`` (one draw moves the whole column together).
    """

    target: str
    low: float
    mode: float
    high: float
    relative: bool = True
    distribution: str = "uniform"
    only: str | None = None
    per: str = "row"
    text: str = ""

    def quantile(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF: uniform numbers in [0, 1) to multipliers (relative) or values."""
        a, c, b = self.low, self.mode, self.high
        if b == a:
            return np.full_like(u, a)
        if self.distribution == "uniform":
            return a + u * (b - a)
        split = (c - a) / (b - a)
        left = a + np.sqrt(u * (b - a) * (c - a))
        right = b - np.sqrt((1 - u) * (b - a) * (b - c))
        return np.where(u < split, left, right)


_VARY = re.compile(
    r"^\s*(?P<target>\w+(\.\w+)?)(\[(?P<only>[^\]]+)\])?(@(?P<per>\w+))?\s*=\s*(?P<spec>.+)$"
)
_PLUS_MINUS = re.compile(r"^(±|\+-|\+/-)\s*(?P<p>\d+(\.\d*)?)\s*%$")
_PERCENT = re.compile(r"^(?P<p>[+-]?\d+(\.\d*)?)\s*%$")


def parse_variation(text: str) -> Variation:
    """Read ``TARGET[ONLY]@PER=[DIST:]RANGE`` (see docs/sweeps.md).

    Examples
    --------
    >>> parse_variation("benefit=±30%").low
    0.7
    >>> v = parse_variation("budget=tri:1800..2000..2400")
    >>> (v.distribution, v.relative, v.mode)
    ('triangular', False, 2000.0)
    """
    match = _VARY.match(text)
    if not match:
        raise _vary_error(text, "form")
    target, spec = match["target"], match["spec"].strip()
    found = target_of(target)
    if found is None:
        known = ", ".join([*TARGETS, CRITERION + "NAME", SOURCE + "SOURCE"])
        raise _vary_error(text, "target", target, target=target, known=known)
    scalar = found[0] == "scalar"
    per = match["per"] or ("all" if scalar else "row")
    only = match["only"].strip() if match["only"] else None
    if found[0] == PROJECT_TABLE and per not in GROUPINGS and only is None:
        only, per = per, "row"  # cost@PROJECT: that project's cost alone
    if per not in GROUPINGS:
        raise _vary_error(text, "grouping", target, per=per, known=", ".join(GROUPINGS))
    if scalar and (match["only"] or per != "all"):
        raise _vary_error(text, "scalar", target, target=target)
    distribution, _, body = spec.rpartition(":")
    distribution = {"": "", "tri": "triangular"}.get(distribution, distribution)
    if distribution and distribution not in DISTRIBUTIONS:
        raise _vary_error(text, "distribution", target, distribution=distribution)
    try:
        low, mode, high, relative, has_mode = _read_range(body.strip())
    except _Unreadable as err:
        raise _vary_error(text, err.key, target, **err.params) from None
    if has_mode and distribution == "uniform":
        raise _vary_error(text, "uniform_three", target)
    variation = Variation(
        target,
        low,
        mode,
        high,
        relative,
        distribution or ("triangular" if has_mode else "uniform"),
        only,
        per,
        text.strip(),
    )
    _check_bounds(variation)
    return variation


def _read_range(body: str) -> tuple[float, float, float, bool, bool]:
    """(low, mode, high, relative, mode given) from ``±P%``, ``A..B`` or ``A..M..B``."""
    pm = _PLUS_MINUS.match(body)
    if pm:
        p = float(pm["p"]) / 100
        return 1 - p, 1.0, 1 + p, True, False
    parts = [p.strip() for p in body.split("..")]
    if len(parts) not in (2, 3) or not all(parts):
        raise _Unreadable("range_forms", body=body)
    percents = [_PERCENT.match(p) for p in parts]
    if all(percents):
        values = [1 + float(m["p"]) / 100 for m in percents if m]
        relative = True
    elif not any(percents):
        try:
            values = [float(p) for p in parts]
        except ValueError:
            raise _Unreadable("range", body=body) from None
        relative = False
    else:
        raise _Unreadable("range_mixed")
    low, high = values[0], values[-1]
    mode = values[1] if len(values) == 3 else (low + high) / 2
    if not (low <= mode <= high) or not all(map(math.isfinite, values)):
        raise _Unreadable("range_order", body=body)
    return low, mode, high, relative, len(values) == 3


def _check_bounds(v: Variation) -> None:
    if v.low < 0:
        raise _vary_error(v.text, "negative", v.target)
    if v.target == "cost" and v.low <= 0:
        raise _vary_error(v.text, "cost", v.target)
    if v.target == "need" and v.low <= 0:
        # a need of 0 removes the pair from the model: the sample would change the model's shape
        raise _vary_error(v.text, "need", v.target)


class _Unreadable(ValueError):
    """A range that cannot be read: its catalog key (``problem.vary.<key>``) and values."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key, self.params = key, params


def _vary_error(text: str, key: str, field: str = "", **params: Any) -> ScenarioError:
    """The ``--vary`` problem ``problem.vary.<key>``, ending with the text it was found in."""
    return ScenarioError(
        [problem(f"vary.{key}", file="--vary", field=field, text=text.strip(), **params)]
    )


def parse_grid(items: Iterable[str] | dict[str, Sequence[Any]] | None) -> dict[str, list[Any]]:
    """``KEY=V1,V2,…`` strings (or a mapping) to ``{key: values}``; keys are ``Scenario.with_changes``'s."""
    import yaml

    if not items:
        return {}
    if isinstance(items, dict):
        pairs = [(k, list(v)) for k, v in items.items()]
    else:
        pairs = []
        for item in items:
            key, sep, values = item.partition("=")
            if not sep or not values.strip():
                raise ScenarioError([problem("grid.form", file="--grid", item=item)])
            pairs.append((key.strip(), [yaml.safe_load(v) for v in values.split(",")]))
    problems = [
        problem("grid.key", file="--grid", field=k, known=", ".join(sorted(CHANGEABLE)))
        for k, _ in pairs
        if k not in CHANGEABLE and not k.startswith(CRITERION)
    ]
    if problems:
        raise ScenarioError(problems)
    return dict(pairs)


# ---- the sample design: which rows each variation moves, and the draws ----


@dataclass(frozen=True)
class Design:
    """The variations resolved against a scenario: the rows each one moves and which draw each row uses.

    ``rows[v]`` are indices into the target's table (or ``[0]`` for a scalar); ``group_of[v][j]`` is
    the draw (column of :meth:`draw`'s matrix, counted within variation v) that row ``rows[v][j]`` uses.
    """

    variations: tuple[Variation, ...]
    rows: tuple[tuple[int, ...], ...]
    group_of: tuple[tuple[int, ...], ...]
    groups: tuple[int, ...]  # number of draws per variation

    @classmethod
    def resolve(cls, scenario: Scenario, variations: Sequence[Variation]) -> Design:
        rows, group_of, groups = [], [], []
        targets = {v.target for v in variations}
        weighed = [v for v in variations if v.target.startswith(CRITERION)]
        if weighed and "benefit" in targets:
            # a benefit draw replaces the criteria by the benefit they give: no weight is left to vary
            raise _vary_error(
                weighed[0].text, "vary criteria weights or benefit, not both", weighed[0].target
            )
        for v in variations:
            name = v.target.removeprefix(CRITERION)
            if v.target.startswith(CRITERION) and name not in (scenario.criteria or {}):
                known = ", ".join(scenario.criteria or {}) or "none"
                raise _vary_error(v.text, f"unknown criterion '{name}'; known: {known}", v.target)
            source = v.target.removeprefix(SOURCE)
            if v.target.startswith(SOURCE) and source not in scenario.source_amounts():
                known = ", ".join(scenario.source_amounts()) or "none"
                raise _vary_error(v.text, f"unknown source '{source}'; known: {known}", v.target)
            keys = _row_keys(scenario, v)
            if not keys:
                raise _vary_error(v.text, f"'{v.only}' matches no row to vary", v.target)
            labels = [_group_label(v.per, key) for _, key in keys]
            index = {label: i for i, label in enumerate(dict.fromkeys(labels))}
            rows.append(tuple(i for i, _ in keys))
            group_of.append(tuple(index[label] for label in labels))
            groups.append(len(index))
        return cls(tuple(variations), tuple(rows), tuple(group_of), tuple(groups))

    def draw(self, samples: Sequence[int], seed: int) -> np.ndarray:
        """Uniform numbers in [0, 1), one row per sample; row i depends on (seed, i) only."""
        width = sum(self.groups)
        out = np.empty((len(samples), width))
        for row, i in enumerate(samples):
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(int(i),)))
            out[row] = rng.random(width)
        return out

    def values(self, u: np.ndarray) -> list[np.ndarray]:
        """One sample's multipliers (or values) per variation, per row it moves."""
        out, start = [], 0
        for v, n, group_of in zip(self.variations, self.groups, self.group_of, strict=True):
            drawn = v.quantile(u[start : start + n])
            out.append(drawn[np.array(group_of, dtype=np.int64)])
            start += n
        return out


def _row_keys(scenario: Scenario, v: Variation) -> list[tuple[int, dict[str, str]]]:
    """(row index, {region, sector, corridor}) of the rows a variation moves."""
    table = _target(v.target)[0]
    if table == "scalar":
        return [(0, {})]
    if table == "needs":
        # pairs without a need stay without one: giving them a need would change the model's shape
        keys = [
            (i, {"region": n.region, "sector": n.sector})
            for i, n in enumerate(scenario.needs)
            if n.need > 0
        ]
    elif table == "regions":
        keys = [
            (i, {"region": r.id})
            for i, r in enumerate(scenario.regions)
            if v.target != "max_per_period" or r.max_per_period is not None
        ]
    elif table == PROJECT_TABLE:
        keys = [
            (i, {"project": p.id, "region": p.region, "sector": p.sector})
            for i, p in enumerate(scenario.projects)
        ]
    else:
        pairs = [(g, s) for g, c in scenario.corridors.items() for s in c.shared_need]
        keys = [(i, {"corridor": g, "sector": s}) for i, (g, s) in enumerate(pairs)]
    return [(i, k) for i, k in keys if v.only is None or v.only in k.values()]


def _group_label(per: str, key: dict[str, str]) -> tuple[str, ...]:
    if per == "row":
        return tuple(key.values())
    if per == "all":
        return ()
    return (key.get(per, ""),)


def perturbed(base: dict[str, Any], design: Design, values: list[np.ndarray]) -> Scenario:
    """The scenario of one sample: ``base`` (a ``model_dump``) with every variation applied in order."""
    data = {
        **base,
        "needs": [dict(n) for n in base["needs"]],
        "regions": [dict(r) for r in base["regions"]],
        "corridors": {
            g: {**c, "shared_need": dict(c["shared_need"])} for g, c in base["corridors"].items()
        },
    }
    if base.get(PROJECT_TABLE):  # each sample edits its own copy of the records
        data[PROJECT_TABLE] = [dict(p) for p in base[PROJECT_TABLE]]
    if base.get("criteria"):
        data["criteria"] = {k: dict(c) for k, c in base["criteria"].items()}
    if base.get("funding"):
        data["funding"] = {
            **base["funding"],
            "sources": [dict(f) for f in base["funding"]["sources"]],
        }
    corridor_pairs = [(g, s) for g, c in data["corridors"].items() for s in c["shared_need"]]
    for v, rows, drawn in zip(design.variations, design.rows, values, strict=True):
        table, column = _target(v.target)
        if column == "benefit" and data.get("criteria"):
            data = _with_benefits_given(data)
        for row, value in zip(rows, drawn, strict=True):
            if column.startswith(CRITERION):
                criterion = data["criteria"][column.removeprefix(CRITERION)]
                criterion["weight"] = _moved(criterion["weight"], float(value), v.relative)
            elif column.startswith(SOURCE):
                source = next(
                    f for f in data["funding"]["sources"] if f["id"] == column.removeprefix(SOURCE)
                )
                source["amount"] = _moved(source["amount"], float(value), v.relative)
                data["budget"] = None  # the sources' total, as a --set funding.SOURCE makes it
            elif table == "scalar":
                data[column] = _moved(data[column], float(value), v.relative)
            elif table == "corridors":
                g, s = corridor_pairs[row]
                old = data["corridors"][g]["shared_need"][s]
                data["corridors"][g]["shared_need"][s] = _moved(old, float(value), v.relative)
            else:
                record = data[table][row]
                record[column] = _moved(record[column], float(value), v.relative)
                if v.target in SHARES:
                    record[column] = min(1.0, record[column])
    return validate_scenario(data)


def _target(name: str) -> tuple[str, str]:
    found = target_of(name)
    assert found is not None, name  # parse_variation refused it otherwise
    return found


def _with_benefits_given(data: dict[str, Any]) -> dict[str, Any]:
    """A sample's ``benefit`` variation moves the benefit the criteria give (at the sample's weights
    so far): the needs then carry that benefit and the criteria are dropped."""
    benefits = validate_scenario(data).derived_benefits()
    keys = set(data["criteria"])
    needs = [
        {
            **{k: v for k, v in n.items() if k not in keys},
            "benefit": benefits[(n["region"], n["sector"])],
        }
        for n in data["needs"]
    ]
    return {**data, "needs": needs, "criteria": None}


def _moved(old: Any, value: float, relative: bool) -> Any:
    """Apply one draw: a multiplier when relative, else the new value; a per-period budget list keeps
    its proportions when its total is set."""
    if isinstance(old, list):
        if relative:
            return [b * value for b in old]
        total = math.fsum(old)
        return [b * value / total if total else value / len(old) for b in old]
    return old * value if relative else value
