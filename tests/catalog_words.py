"""The English words of the message catalog, for checks that a Chinese page, report or error line has
none left: read from the catalog, so a message added later is checked without touching a test."""

from __future__ import annotations

import re

from planner.i18n.catalog import catalog

SEPARATORS = r"\{[^}]*\}|\*\*|[`*()\[\]:;.,+·●]"
"""Where a message splits into fragments: its placeholders, markdown and punctuation."""


def english_fragments(prefixes: tuple[str, ...]) -> set[str]:
    """The English words of every message under ``prefixes`` that its Chinese message lacks: the
    text between placeholders, trimmed of markdown and punctuation, with a word of 3+ letters."""
    en, zh = catalog("en"), catalog("zh")
    keys = [k for k in en if k.startswith(prefixes)]
    chinese = "\n".join(zh[k] for k in keys)
    found = set()
    for key in keys:
        for piece in re.split(SEPARATORS, en[key]):
            piece = piece.strip(" -–—/…'")
            if re.search(r"[A-Za-z]{3}", piece) and piece not in chinese:
                found.add(piece)
    return found


def leftovers(texts: list[str], fragments: set[str]) -> set[str]:
    """The fragments that stand as words in one of ``texts``.

    Only a fragment found as plain text in the joined texts is searched for as a word, text by
    text: a page's tables hold thousands of cells, and a regular expression per fragment and cell
    cost the Chinese compare tab's check 44 s of CPU."""
    joined = "\n".join(texts)
    return {
        f
        for f in fragments
        if f in joined
        and any(
            re.search(rf"(?<![A-Za-z_]){re.escape(f)}(?![A-Za-z_])", s) for s in texts if f in s
        )
    }
