"""The columns of each scenario table, and the header checks every table reader shares (CSV and xlsx).

A column a table does not know is an annotation (``source``, ``note``), kept as text. A column whose
name is a near miss of a known one (``benfit``, ``min_share_of_needs``) is refused with "did you mean",
since it is almost surely a typo that would otherwise be silently ignored.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from planner.errors import Problem
from planner.i18n.problems import problem
from planner.scenario.actuals import SPENDING_COLUMNS, STARTS_COLUMNS
from planner.scenario.funding import RULE_COLUMNS, SOURCE_COLUMNS
from planner.scenario.projects import PROJECT_COLUMNS

TABLES = {
    "regions": ("id", "name", "profile", "min_share_of_need", "max_per_period"),
    "needs": ("region", "sector", "need", "benefit"),
    "projects": PROJECT_COLUMNS,
}
"""The spec's columns of each table, in the order files are written; any other column is an annotation."""

FUNDING_TABLES = {"sources": SOURCE_COLUMNS, "rules": RULE_COLUMNS}
"""The tables under the ``funding`` key (funding.md), read like the top-level ones."""

OPTIONAL_COLUMNS = {"regions": ("debt_room",)}
"""Known columns a writer puts only where a row has them (a scenario without funding keeps its
files as they were)."""

ACTUALS_TABLES = {"actuals.spending": SPENDING_COLUMNS, "actuals.projects": STARTS_COLUMNS}
"""The tables under the ``actuals`` key (actuals.md), named by their path in the scenario."""

REQUIRED_COLUMNS = {
    "regions": ("id",),
    "needs": ("region", "sector", "need", "benefit"),
    "projects": ("id", "region", "sector", "cost", "value"),
    "sources": ("id", "amount"),
    "rules": ("source", "max_share"),
    "actuals.spending": SPENDING_COLUMNS,
    "actuals.projects": ("id",),
}

NEAR_MISS_CUTOFF = 0.85
"""difflib similarity from which an unknown name counts as a typo of a known one. ``benfit`` scores
0.92 against ``benefit`` and ``min_share_of_needs`` 0.97 against ``min_share_of_need``; the
annotations planners use stay well below: ``source``/``sector`` 0.50, ``name_zh``/``name`` 0.73,
``region_zh``/``region`` 0.80."""


def near_miss(name: str, known: Iterable[str]) -> str | None:
    """The known name that ``name`` is almost surely a typo of, if any (case is ignored)."""
    if name in known:
        return None
    lowered = {k.lower(): k for k in known}
    if name.lower() in lowered:
        return lowered[name.lower()]
    hits = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=NEAR_MISS_CUTOFF)
    return lowered[hits[0]] if hits else None


def near_miss_problems(
    header: Sequence[str], known: Sequence[str], file: str, row: int | None = 1
) -> list[Problem]:
    """One problem per header name that is a near miss of a known column."""
    problems = []
    for name in header:
        meant = near_miss(name, known)
        if meant is not None:
            problems.append(
                problem(
                    "near_miss_column",
                    file=file,
                    row=row,
                    column=name,
                    meant=meant,
                    field=name,
                )
            )
    return problems


def table_columns(table: str, criteria: Sequence[str] = ()) -> tuple[str, ...]:
    """The columns a writer puts first: with criteria, the needs table's score columns replace
    ``benefit``."""
    if table == "needs" and criteria:
        return (*(c for c in TABLES["needs"] if c != "benefit"), *criteria)
    return {**TABLES, **FUNDING_TABLES, **ACTUALS_TABLES}[table]


def criteria_keys(document: dict[str, Any]) -> list[str]:
    """The criterion keys a scenario document names (none without a ``criteria`` mapping)."""
    criteria = document.get("criteria")
    return [str(k) for k in criteria] if isinstance(criteria, dict) else []


def header_problems(
    table: str, header: Sequence[str], file: str, row: int = 1, criteria: Sequence[str] = ()
) -> list[Problem]:
    """Missing required columns, columns named twice and near misses of known columns.

    With ``criteria`` (the scenario's criterion keys), the needs table holds one score column per
    key and no ``benefit`` (criteria.md)."""
    required = REQUIRED_COLUMNS[table]
    if table == "needs" and criteria:
        required = tuple(c for c in required if c != "benefit") + tuple(criteria)
    problems = [
        problem(
            "missing_score_column" if c in criteria else "missing_column",
            file=file,
            row=row,
            field=c,
            column=c,
        )
        for c in required
        if c not in header
    ]
    if table == "needs" and criteria and "benefit" in header:
        problems.append(
            problem(
                "benefit_column_with_criteria",
                file=file,
                row=row,
                field="benefit",
            )
        )
    problems += [
        problem("column_repeated", file=file, row=row, field=name, column=name, times=n)
        for name, n in Counter(h for h in header if h).items()
        if n > 1
    ]
    return problems + near_miss_problems(header, known_columns(table, criteria), file, row)


def known_columns(table: str, criteria: Sequence[str] = ()) -> tuple[str, ...]:
    """Every column the table knows (any other is an annotation)."""
    own = {**TABLES, **FUNDING_TABLES, **ACTUALS_TABLES}[table]
    return (*own, *OPTIONAL_COLUMNS.get(table, ()), *(criteria if table == "needs" else ()))


def fill_blank_scores(rows: list[dict[str, Any]], criteria: Sequence[str]) -> None:
    """A blank score is 0 (criteria.md): a reader drops blank cells, so put the 0 back, which also
    keeps a column of only blanks a column."""
    for row in rows:
        for key in criteria:
            row.setdefault(key, 0.0)
