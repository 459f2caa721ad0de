"""Display names in the active language: regions, sectors, profiles, corridors, groups, projects,
criteria.

English shows a thing's name as the scenario gives it (a region's ``name``, else its id). Chinese takes
a region's and a project's ``name_zh`` column (kept by the scenario as an annotation), and for sectors,
profiles, corridors, project groups and criteria, which the scenario names only by key, the bundled table
``data/names_zh.csv`` (``kind, id, name_zh``). Anything without a Chinese name keeps its English one.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from typing import Any

from planner.i18n.catalog import checked
from planner.scenario.datasets import data_dir

NAMES_FILE = "names_zh.csv"
KINDS = ("sector", "profile", "corridor", "group", "criterion")

# administrative suffixes planners drop in speech and on charts: 四川省 → 四川, 广西壮族自治区 → 广西
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


@lru_cache(maxsize=1)
def name_table() -> dict[tuple[str, str], str]:
    """(kind, id) → Chinese name, from the bundled ``names_zh.csv``."""
    path = data_dir() / NAMES_FILE
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as stream:
        return {(row["kind"], row["id"]): row["name_zh"] for row in csv.DictReader(stream)}


def short_zh(name: str) -> str:
    """A province's everyday Chinese name: ``四川省`` → ``四川``; ``内蒙古自治区`` → ``内蒙古``."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def key_name(kind: str, key: str, lang: str | None = None) -> str:
    """A sector's, profile's, corridor's or group's name: its key in English, a corridor's in
    words (``land_sea`` → ``land sea``: a sentence names it, and an id reads as code)."""
    if checked(lang) == "zh":
        return name_table().get((kind, key), key)
    return key.replace("_", " ") if kind == "corridor" else key


def sector_name(sector: str, lang: str | None = None) -> str:
    return key_name("sector", sector, lang)


def criterion_name(scenario: Any, key: str, lang: str | None = None) -> str:
    """A criterion's name (criteria.md): its ``label`` (else its key) in English; in Chinese the
    bundled table's name of the key, else the label."""
    label = scenario.criterion_label(key)
    if checked(lang) == "zh":
        return name_table().get(("criterion", key), label)
    return label


def criterion_names(scenario: Any, lang: str | None = None) -> dict[str, str]:
    """Criterion key → display name, for every criterion of the scenario (none without criteria)."""
    return {key: criterion_name(scenario, key, lang) for key in scenario.criteria or {}}


def region_name(region: Any, lang: str | None = None) -> str:
    """A :class:`~planner.scenario.model.Region`'s name: ``label`` in English, its short ``name_zh``
    in Chinese (else the bundled provinces table's, else the label)."""
    if checked(lang) == "zh":
        chinese = region.annotations.get("name_zh") or province_names_zh().get(region.id)
        if chinese:
            return short_zh(chinese)
    return str(region.label)


def region_names(scenario: Any, lang: str | None = None) -> dict[str, str]:
    """Region id → display name, for every region of the scenario."""
    return {r.id: region_name(r, lang) for r in scenario.regions}


def project_name(project: Any, lang: str | None = None) -> str:
    """A candidate :class:`~planner.scenario.projects.Project`'s name (``name_zh`` in Chinese)."""
    if checked(lang) == "zh" and project.annotations.get("name_zh"):
        return str(project.annotations["name_zh"])
    return str(project.name or project.id)


def project_names(scenario: Any, lang: str | None = None) -> dict[str, str]:
    return {p.id: project_name(p, lang) for p in scenario.projects}


def source_names(scenario: Any, lang: str | None = None) -> dict[str, str]:
    """Each funding source's name (funding.md), ``name_zh`` in Chinese as a project's; none without
    funding."""
    funding = getattr(scenario, "funding", None)
    return {f.id: project_name(f, lang) for f in funding.sources} if funding else {}


@lru_cache(maxsize=1)
def province_names_zh() -> dict[str, str]:
    """Province id → ``name_zh`` of the bundled ``provinces.csv``, for regions that give none."""
    path = data_dir() / "provinces.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as stream:
        return {row["id"]: row["name_zh"] for row in csv.DictReader(stream) if row.get("name_zh")}


def province_name(province_id: str, english: str, lang: str | None = None) -> str:
    """A province outside the scenario (a grey tile of the map) by its bundled Chinese name."""
    if checked(lang) == "zh" and province_id in province_names_zh():
        return short_zh(province_names_zh()[province_id])
    return english
