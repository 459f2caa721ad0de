"""Input problems under ``--lang zh``: a bad workbook's (every line Chinese, still naming sheet, row
and column), the sweep's ``--vary``/``--grid`` and the analyses' arguments.

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
from tests.catalog_words import english_fragments, leftovers
from tests.test_workbook import BAD_CELLS, BAD_CRITERIA, bad_book

PLACE = re.compile(r"^错误：hand\.xlsx(\[\w+\])?(，第 \d+ 行)?，字段“[^”]+”：", re.MULTILINE)
"""错误：hand.xlsx[Needs]，第 3 行，字段“need”： the sheet, the Excel row and the column header."""


@pytest.mark.parametrize("kind", [*BAD_CELLS, *BAD_CRITERIA])
def test_a_bad_workbook_s_problems_are_chinese_naming_sheet_row_and_column(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, english = bad_book(kind, tmp_path)
    assert main(["--lang", "zh", "validate", str(path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    place = re.match(r"hand\\\.xlsx(\\\[(\w+)\\\])?(, row (\d+))?, field '(\w+)'", english)
    assert place is not None
    sheet, row, column = place.group(2), place.group(4), place.group(5)
    wanted = f"hand.xlsx{f'[{sheet}]' if sheet else ''}{f'，第 {row} 行' if row else ''}"
    assert any(line.startswith(f"错误：{wanted}，字段“{column}”：") for line in lines), lines
    assert all(PLACE.match(line) for line in lines), lines
    assert not leftovers(lines, english_fragments(("problem.", "cli.error"))), lines


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["sweep", "western_china", "--vary", "benefit=1..x", "--samples", "2"],
            "错误：--vary，字段“benefit”：无法读取范围“1..x”（见“benefit=1..x”）",
        ),
        (
            ["sweep", "western_china", "--vary", "need=±30%", "--grid", "colour=red"],
            "错误：--grid，字段“colour”：未知的键；可用：",
        ),
        (
            ["alternatives", "western_china", "--slack", "2"],
            "错误：--slack：应为满足 0 ≤ slack < 1 的数，实际为 2.0",
        ),
    ],
)
def test_the_sweep_s_and_analyses_argument_problems_are_chinese(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Refused before any solve (exit 2), each problem one Chinese line naming the option."""
    assert main(["--lang", "zh", *argv]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert any(line.startswith(expected) for line in lines), lines
    words = [line.split("可用：")[0] for line in lines]  # not the keys listed after 可用 (known)
    assert not leftovers(words, english_fragments(("problem.", "cli.error"))), lines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("roles: [viewer]\n", "错误：access.yaml，字段“roles”："),
        (
            "roles:\n  owner: {users: [a@b.cn]}\n",
            "未知角色 owner：请使用 viewer、planner 或 approver",
        ),
        ("roles:\n  viewer: {users: ['  ']}\n", "有一项为空"),
        ("- just a list\n", "错误：access.yaml：权限文件须为含 `roles:` 的 YAML 映射"),
        ("roles: {viewer: [\n", "错误：access.yaml，第 2 行：不是有效的 YAML"),
    ],
)
def test_an_access_file_s_problems_are_chinese(
    text: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`planner ui --access` reads the access file before any server starts (exit 2)."""
    access = tmp_path / "access.yaml"
    access.write_text(text, encoding="utf-8")
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        '[auth]\nredirect_uri = "http://127.0.0.1:1/oauth2callback"\ncookie_secret = "s"\n'
        'client_id = "c"\nclient_secret = "s"\nserver_metadata_url = "http://127.0.0.1:2/x"\n',
        encoding="utf-8",
    )
    argv = ["--lang", "zh", "ui", "--access", str(access), "--secrets", str(secrets)]
    assert main(argv) == 2
    lines = capsys.readouterr().err.splitlines()
    assert any(expected in line for line in lines), lines
    assert not leftovers(lines, english_fragments(("problem.", "cli.error"))), lines


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["convert", "western_china", "{tmp}/out.txt"], "无法写入 {tmp}/out.txt：请使用"),
        (["template", "{tmp}/plan.csv"], "无法写入 {tmp}/plan.csv：模板须为 .xlsx 工作簿"),
        (
            ["report", "western_china", "--out", "{tmp}/plan.pdf"],
            "无法判断报告 {tmp}/plan.pdf 的格式",
        ),
        (["report", "western_china", "--out", "{tmp}/no/plan.html"], "文件夹 {tmp}/no 不存在"),
        (
            ["ui", "--host", "0.0.0.0", "--secrets", "{tmp}/none.toml"],
            "拒绝在未配置登录的情况下于 0.0.0.0",
        ),
    ],
)
def test_an_output_refusal_is_chinese(
    argv: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    filled = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(["--lang", "zh", *filled]) == 2
    err = capsys.readouterr().err
    assert expected.replace("{tmp}", str(tmp_path)) in err, err
