"""One message catalog per language, read from gettext ``.po`` files with Babel.

A message is looked up by a stable key (``summary.status``), never by its English text, so the English
wording can change without touching the Chinese catalog. ``{name}`` placeholders are filled with
:meth:`str.format`; both catalogs must carry the same keys and the same placeholders
(``tests/test_i18n.py``).

The active language is a context variable: the CLI sets it once from ``--lang``, ``PLANNER_LANG`` or the
locale (:func:`language_from_environment`), the app per session, and a caller of the Python API with
:func:`use_language`. Library code that is not told a language speaks English, so output that other
programs read does not change with the machine's locale.

>>> t("summary.more", count=3, lang="zh")
'  …… 另有 3 条（见 --json）'
"""

from __future__ import annotations

import functools
import os
import string
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

LANGUAGES = ("en", "zh")
"""The languages planner speaks, as codes: English and Simplified Chinese."""

LANGUAGE_NAMES = {"en": "English", "zh": "简体中文"}
"""Each language in its own words, for a selector."""

DEFAULT_LANGUAGE = "en"
DOMAIN = "planner"
LOCALES = Path(__file__).resolve().parent / "locales"

_active: ContextVar[str] = ContextVar("planner_language", default=DEFAULT_LANGUAGE)


class UnknownLanguage(ValueError):
    """A language code planner has no catalog for."""


def normalize(code: str | None) -> str | None:
    """A language code or locale as one of :data:`LANGUAGES`, or None when planner does not speak it.

    ``zh_CN.UTF-8``, ``zh-Hans``, ``zh-TW`` → ``zh`` (the catalog is Simplified Chinese, still the
    closest); ``en_US`` → ``en``; ``C``, ``POSIX``, ``fr_FR`` → None.
    """
    if not code:
        return None
    base = code.strip().replace("-", "_").split(".")[0].split("@")[0].split("_")[0].lower()
    return base if base in LANGUAGES else None


def checked(code: str | None) -> str:
    """The language for ``code`` (None: the active one); :class:`UnknownLanguage` if not spoken."""
    if code is None:
        return language()
    found = normalize(code)
    if found is None:
        raise UnknownLanguage(f"unknown language '{code}': use one of {', '.join(LANGUAGES)}")
    return found


def language() -> str:
    """The active language code."""
    return _active.get()


def set_language(code: str | None) -> str:
    """Make ``code`` the active language of this context (the CLI's process, a UI session)."""
    found = checked(code)
    _active.set(found)
    return found


@contextmanager
def use_language(code: str | None) -> Iterator[str]:
    """Speak ``code`` inside the block (None: keep the active language)."""
    token = _active.set(checked(code))
    try:
        yield _active.get()
    finally:
        _active.reset(token)


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """``PLANNER_LANG``, else the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``, as gettext reads
    them), else English. An unknown ``PLANNER_LANG`` is refused rather than silently ignored."""
    environ = os.environ if environ is None else environ
    if environ.get("PLANNER_LANG"):
        return checked(environ["PLANNER_LANG"])
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable)
        if value:  # the first one set decides, as in gettext; LANGUAGE may list several
            return normalize(value.split(":")[0]) or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def language_from_header(accept_language: str | None) -> str | None:
    """The first language of an HTTP ``Accept-Language`` header that planner speaks, by weight."""
    if not accept_language:
        return None
    weighted = []
    for position, item in enumerate(accept_language.split(",")):
        code, _, params = item.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        weighted.append((-weight, position, code))
    for _, _, code in sorted(weighted):
        if (found := normalize(code)) is not None:
            return found
    return None


@lru_cache(maxsize=len(LANGUAGES))
def catalog(code: str) -> dict[str, str]:
    """Key → message of one language, read from its ``.po`` file once per process."""
    path = LOCALES / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as stream:
        po = read_po(stream, locale=code, domain=DOMAIN)
    return {str(m.id): str(m.string) for m in po if m.id and m.string}


def t(key: str, *, lang: str | None = None, **params: object) -> str:
    """The message ``key`` in ``lang`` (default: the active language), placeholders filled.

    A key missing from the language's catalog falls back to English, and a key missing there too is
    returned as it is; ``tests/test_i18n.py`` keeps both from happening in planner's own code.
    """
    code = checked(lang)
    text = catalog(code).get(key) or catalog(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**params) if params else text


def sentences(items: Iterable[str]) -> str:
    """Sentences one after another as the language writes them: a space between them in English,
    none in Chinese (``text.then``)."""
    return functools.reduce(lambda before, after: t("text.then", before=before, after=after), items)


def placeholders(text: str) -> set[str]:
    """The ``{name}`` placeholders of a message (format specs ignored)."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def text_width(text: str) -> int:
    """Columns a text takes in a fixed-width grid (a spreadsheet column, a chart legend): a Chinese
    character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
