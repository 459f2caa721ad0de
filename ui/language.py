"""The page's language and money unit: ``?lang=zh|en`` in the URL, else the browser's language, else
English; the sidebar selector changes it and writes it back to the URL, so a link keeps it.

Every text of the page comes from planner's catalog (:func:`planner.i18n.catalog.t`) in the language
chosen here; :func:`choose` runs first on each rerun and makes it the active language of the script.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from planner.i18n.catalog import (
    LANGUAGE_NAMES,
    LANGUAGES,
    language,
    language_from_header,
    normalize,
    set_language,
    t,
)
from planner.i18n.units import MONEY_UNITS, set_money_unit

LANG_KEY = "planner.lang"
MONEY_KEY = "planner.money_unit"
QUERY = "lang"


def browser_language(context: Any = None) -> str | None:
    """The browser's preferred language planner speaks: ``st.context.locale`` (the browser's
    ``navigator.language``) where Streamlit has it, else the request's Accept-Language header."""
    context = st.context if context is None else context
    locale = getattr(context, "locale", None)
    if isinstance(locale, str) and normalize(locale):
        return normalize(locale)
    headers: Mapping[str, str] = getattr(context, "headers", None) or {}
    return language_from_header(headers.get("Accept-Language") or headers.get("accept-language"))


def initial_language(query: Mapping[str, Any], context: Any = None) -> str:
    """``?lang=`` when it names a language planner speaks, else the browser's, else English."""
    asked = query.get(QUERY)
    if isinstance(asked, list):  # older query-param APIs give lists
        asked = asked[-1] if asked else None
    return normalize(asked) or browser_language(context) or "en"


def worded(prefix: str) -> Callable[[str], str]:
    """A widget's ``format_func`` saying option ``c`` as the catalog's ``<prefix>.<c>`` in the
    language active now (kept in the function: Streamlit may call it again outside the script)."""
    lang = language()
    return lambda choice: t(f"{prefix}.{choice}", lang=lang)


def choose() -> str:
    """Pick the language (URL, browser, selector) and money unit, and make them the script's."""
    if LANG_KEY not in st.session_state:  # a new session: an edited URL reloads the page
        st.session_state[LANG_KEY] = initial_language(st.query_params)
    set_language(st.session_state[LANG_KEY])
    chosen = st.sidebar.selectbox(
        "Language / 语言",
        LANGUAGES,
        format_func=LANGUAGE_NAMES.__getitem__,
        key=LANG_KEY,
    )
    set_language(chosen)
    if st.query_params.get(QUERY) != chosen:
        st.query_params[QUERY] = chosen  # a shared link opens in the same language
    money = st.sidebar.radio(
        t("ui.money_unit"),
        MONEY_UNITS,
        format_func=worded("ui.money_unit"),
        key=MONEY_KEY,
        horizontal=True,
        help=t("ui.money_unit_help"),
    )
    set_money_unit(money)
    return chosen
