"""An input problem as one line in the active language, still naming file, row and field.

:class:`planner.errors.Problem` knows no language (``planner.errors`` imports nothing of planner); the
CLI and the app word its place through :func:`problem_line`. The problem's own words come from the
catalog when the problem carries a key: the scenario checks build theirs with :func:`problem` (the
English ``message`` is the catalog's English, so the two cannot drift apart), validators raise
:class:`KeyedValueError`, and pydantic's own errors are keyed by their error ``type``
(``problem.pydantic.<type>``, the values from pydantic's ``ctx``). A message without a key is
translated where the catalog has it verbatim (``problem.<message>``), else kept as written.
"""

from __future__ import annotations

from typing import Any

from planner.errors import Problem
from planner.i18n.catalog import catalog, checked, placeholders, t

PYDANTIC = "pydantic."
"""Prefix of the keys of pydantic's error types (``problem.pydantic.greater_than_equal``)."""


def problem(
    key: str,
    /,
    *,
    loc: tuple[str | int, ...] = (),
    file: str = "scenario",
    row: int | None = None,
    field: str = "",
    **params: object,
) -> Problem:
    """A :class:`Problem` worded by ``problem.<key>``: English as its message, any language later."""
    message = t(f"problem.{key}", lang="en", **params)
    return Problem(
        message, loc=loc, file=file, row=row, field=field, key=key, params=tuple(params.items())
    )


class KeyedValueError(ValueError):
    """A validator's refusal with its catalog key; pydantic keeps the exception in its error's
    ``ctx``, so the problem built from it can be said in every language."""

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(t(f"problem.{key}", lang="en", **params))
        self.key, self.params = key, params


def pydantic_problem(error: dict[str, Any], message: str, loc: tuple, field: str) -> Problem:
    """A pydantic error as a Problem keyed by its type (its ``ctx`` values as the placeholders);
    ``message`` is the English line, as pydantic words it."""
    ctx = error.get("ctx") or {}
    if isinstance(ctx.get("error"), KeyedValueError):
        cause: KeyedValueError = ctx["error"]
        return Problem(
            message, loc=loc, field=field, key=cause.key, params=tuple(cause.params.items())
        )
    key = PYDANTIC + str(error["type"])
    if f"problem.{key}" not in catalog("en"):
        return Problem(message, loc=loc, field=field)
    wanted = placeholders(catalog("en")[f"problem.{key}"])
    params = {name: ctx[name] for name in wanted if name in ctx}
    if error["type"] not in ("missing", "extra_forbidden") and "input" in error:
        params["got"] = repr(error["input"])[:60]
    return Problem(message, loc=loc, field=field, key=key, params=tuple(params.items()))


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
    return t("problem.line", lang=code, where=where, message=problem_text(problem, code))


def problem_text(problem: Problem, lang: str | None = None) -> str:
    """The problem's own words in ``lang``: from its key when it has one, else the catalog's
    verbatim entry, else as written."""
    code = checked(lang)
    if not problem.key:
        return message_text(problem.message, code)
    params = dict(problem.params)
    if not problem.key.startswith(PYDANTIC):
        return t(f"problem.{problem.key}", lang=code, **params)
    got = params.pop("got", None)  # the value pydantic refused, said after the sentence
    if "expected" in params:
        # pydantic words the choices in English ("'a', 'b' or 'c'"); only the conjunction is a word
        params["expected"] = str(params["expected"]).replace(" or ", t("problem.or", lang=code))
    text = t(f"problem.{problem.key}", lang=code, **params)
    return text + (t("problem.got", lang=code, got=got) if got is not None else "")


def message_text(message: str, lang: str) -> str:
    """The problem's words in ``lang`` when the catalog has them verbatim, else as written."""
    return catalog(lang).get(f"problem.{message}", message)
