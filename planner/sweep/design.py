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

from planner.errors import Problem, ScenarioError
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
SHARES = {"min_share_of_need"}  # values clipped to [0, 1] after perturbation
GROUPINGS = ("row", "region", "sector", "corridor", "all")
PROJECT_TABLE = "projects"  # rows are candidate projects: ``cost@ID`` names one project


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
    r"^\s*(?P<target>\w+)(\[(?P<only>[^\]]+)\])?(@(?P<per>\w+))?\s*=\s*(?P<spec>.+)$"
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
        raise _vary_error(text, "expected TARGET=RANGE, e.g. benefit=±30% or budget=1800..2400")
    target, spec = match["target"], match["spec"].strip()
    if target not in TARGETS:
        raise _vary_error(text, f"cannot vary '{target}'; known: {', '.join(TARGETS)}", target)
    scalar = TARGETS[target][0] == "scalar"
    per = match["per"] or ("all" if scalar else "row")
    only = match["only"].strip() if match["only"] else None
    if TARGETS[target][0] == PROJECT_TABLE and per not in GROUPINGS and only is None:
        only, per = per, "row"  # cost@PROJECT: that project's cost alone
    if per not in GROUPINGS:
        raise _vary_error(text, f"unknown grouping '@{per}'; known: {', '.join(GROUPINGS)}", target)
    if scalar and (match["only"] or per != "all"):
        raise _vary_error(text, f"'{target}' is one number: no [ONLY] or @PER", target)
    distribution, _, body = spec.rpartition(":")
    distribution = {"": "", "tri": "triangular"}.get(distribution, distribution)
    if distribution and distribution not in DISTRIBUTIONS:
        raise _vary_error(
            text, f"unknown distribution '{distribution}'; known: uniform, tri", target
        )
    try:
        low, mode, high, relative, has_mode = _read_range(body.strip())
    except ValueError as err:
        raise _vary_error(text, str(err), target) from None
    if has_mode and distribution == "uniform":
        raise _vary_error(text, "a uniform range has two ends, not three values", target)
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
        raise ValueError(f"cannot read the range '{body}' (forms: ±30%, -10%..+20%, 1800..2400)")
    percents = [_PERCENT.match(p) for p in parts]
    if all(percents):
        values = [1 + float(m["p"]) / 100 for m in percents if m]
        relative = True
    elif not any(percents):
        try:
            values = [float(p) for p in parts]
        except ValueError:
            raise ValueError(f"cannot read the range '{body}'") from None
        relative = False
    else:
        raise ValueError("mix of percentages and plain numbers in one range")
    low, high = values[0], values[-1]
    mode = values[1] if len(values) == 3 else (low + high) / 2
    if not (low <= mode <= high) or not all(map(math.isfinite, values)):
        raise ValueError(f"range '{body}' must read low..high (or low..mode..high), finite")
    return low, mode, high, relative, len(values) == 3


def _check_bounds(v: Variation) -> None:
    if v.low < 0:
        raise _vary_error(v.text, "values must stay ≥ 0 (a relative range below −100%?)", v.target)
    if v.target == "cost" and v.low <= 0:
        raise _vary_error(v.text, "a project's cost must stay > 0 (projects.md)", v.target)
    if v.target == "need" and v.low <= 0:
        # a need of 0 removes the pair from the model: the sample would change the model's shape
        raise _vary_error(
            v.text, "need must stay > 0 (the range may not reach 0 or −100%)", v.target
        )


def _vary_error(text: str, message: str, field: str = "") -> ScenarioError:
    return ScenarioError([Problem(f"{message} (in '{text.strip()}')", file="--vary", field=field)])


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
                raise ScenarioError([Problem(f"expected KEY=V1,V2, got '{item}'", file="--grid")])
            pairs.append((key.strip(), [yaml.safe_load(v) for v in values.split(",")]))
    problems = [
        Problem(f"unknown key; known: {', '.join(sorted(CHANGEABLE))}", file="--grid", field=k)
        for k, _ in pairs
        if k not in CHANGEABLE
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
        for v in variations:
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
    table = TARGETS[v.target][0]
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
    corridor_pairs = [(g, s) for g, c in data["corridors"].items() for s in c["shared_need"]]
    for v, rows, drawn in zip(design.variations, design.rows, values, strict=True):
        table, column = TARGETS[v.target]
        for row, value in zip(rows, drawn, strict=True):
            if table == "scalar":
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


def _moved(old: Any, value: float, relative: bool) -> Any:
    """Apply one draw: a multiplier when relative, else the new value; a per-period budget list keeps
    its proportions when its total is set."""
    if isinstance(old, list):
        if relative:
            return [b * value for b in old]
        total = math.fsum(old)
        return [b * value / total if total else value / len(old) for b in old]
    return old * value if relative else value
