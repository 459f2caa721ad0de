"""An input problem as one line in the active language, still naming file, row and field.

:class:`planner.errors.Problem` knows no language (``planner.errors`` imports nothing of planner); the
CLI and the app word its place through :func:`problem_line`. The problem's own words are translated
where the catalog knows them (``problem.<message>``), else kept as written.
"""

from __future__ import annotations

from planner.errors import Problem
from planner.i18n.catalog import catalog, checked, t


def problem_line(problem: Problem, lang: str | None = None) -> str:
    """``regions.csv, row 3, field 'need': must be >= 0`` in English (exactly ``str(problem)``);
    ``regions.csv，第 3 行，字段“need”：…`` in Chinese."""
    code = checked(lang)
    if code == "en":
        return str(problem)
    where = problem.file
    if problem.row is not None:
        where += t("problem.row", lang=code, row=problem.row)
    if problem.field:
        where += t("problem.field", lang=code, field=problem.field)
    return t("problem.line", lang=code, where=where, message=message_text(problem.message, code))


def message_text(message: str, lang: str) -> str:
    """The problem's words in ``lang`` when the catalog has them verbatim, else as written."""
    return catalog(lang).get(f"problem.{message}", message)
