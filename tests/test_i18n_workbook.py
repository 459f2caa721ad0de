"""A bad workbook under ``--lang zh``: every problem line Chinese, still naming sheet, row and column.

The cases are the English ones of tests/test_workbook.py (each bad cell kind); the English words
looked for are every ``problem.*`` message's fragments the Chinese catalog lacks (as
tests/test_ui_i18n_tabs.py derives the app's), so a new workbook problem is checked without
touching this file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planner.cli import main
from tests.test_ui_i18n_tabs import english_fragments, leftovers
from tests.test_workbook import BAD_CELLS, BAD_CRITERIA, hand_made_book, scored_book

PLACE = re.compile(r"^错误：hand\.xlsx(\[\w+\])?(，第 \d+ 行)?，字段“[^”]+”：", re.MULTILINE)
"""错误：hand.xlsx[Needs]，第 3 行，字段“need”： the sheet, the Excel row and the column header."""


@pytest.mark.parametrize("kind", [*BAD_CELLS, *BAD_CRITERIA])
def test_a_bad_workbook_s_problems_are_chinese_naming_sheet_row_and_column(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book, (changes, english) = (
        (scored_book, BAD_CRITERIA[kind])
        if kind in BAD_CRITERIA
        else (hand_made_book, BAD_CELLS[kind])
    )
    path = book(tmp_path / "hand.xlsx", changes=changes)
    assert main(["--lang", "zh", "validate", str(path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    place = re.match(r"hand\\\.xlsx(\\\[(\w+)\\\])?(, row (\d+))?, field '(\w+)'", english)
    assert place is not None
    sheet, row, column = place.group(2), place.group(4), place.group(5)
    wanted = f"hand.xlsx{f'[{sheet}]' if sheet else ''}{f'，第 {row} 行' if row else ''}"
    assert any(line.startswith(f"错误：{wanted}，字段“{column}”：") for line in lines), lines
    assert all(PLACE.match(line) for line in lines), lines
    assert not leftovers(lines, english_fragments(("problem.", "cli.error"))), lines
