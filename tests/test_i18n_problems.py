"""Problems found in a scenario, said in Chinese: the sentence as well as its place (file, row, field).

Every case of the bad-input corpus (``tests/bad_inputs/``) is refused under ``--lang zh`` with exit 2,
and each line is Chinese once the names it quotes are taken out: the file, the field, the values in
“…” or '…', and pydantic's echo of the refused value (（实际为 …）). What remains may hold no Latin word
of three letters or more, so no English sentence of a check or of pydantic slips through.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planner.cli import main
from planner.errors import ExitCode, Problem
from planner.i18n.catalog import catalog, t
from planner.i18n.problems import problem, problem_line
from tests.test_bad_inputs import CASES, materialize

PARSER_WORDS = {"malformed_yaml", "yaml_python_tag"}
"""Cases whose reason is PyYAML's own sentence (``expected ',' or ']'``): framed in Chinese, the
parser's words kept, as they quote the text at fault."""

ZH_LINE = re.compile(r"^错误：(?P<file>[^，：]+)(，第 \d+ 行)?(，字段“[^”]+”)?：\S.*$")
QUOTED = re.compile(r"“[^”]*”|'[^']*'|（实际为 [^）]*）|--[a-z-]+")
FORMATS = {"YAML", "CSV", "UTF", "true", "false"}


def english_left(line: str, folder: Path) -> list[str]:
    """Latin words of 3+ letters left once the place, the quoted names and values, the formats'
    names and the words of the case's own files are gone."""
    rest = QUOTED.sub("", line.replace(str(folder), ""))
    rest = re.sub(r"^错误：[^，：]+", "", rest)
    own = set()
    for path in folder.iterdir():
        own |= set(re.findall(r"[A-Za-z_]{3,}", path.read_bytes().decode("utf-8", "replace")))
    return [w for w in re.findall(r"[A-Za-z_]{3,}", rest) if w not in FORMATS | own]


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_in_chinese(case, tmp_path, capsys):
    folder = materialize(case, tmp_path)
    code = main(["validate", str(folder), "--lang", "zh"])
    err = capsys.readouterr().err
    assert code == ExitCode.INVALID_INPUT, err
    lines = err.splitlines()
    assert lines
    for line in lines:
        assert ZH_LINE.match(line), line
        if case not in PARSER_WORDS:
            assert not english_left(line, folder), line


def test_a_chinese_line_names_file_row_and_field(tmp_path, capsys):
    """several_problems: pydantic's ``greater_than_equal``, ``less_than_equal`` and
    ``float_parsing`` in one run, each with its CSV row and column."""
    folder = materialize("several_problems", tmp_path)
    assert main(["validate", str(folder), "--lang", "zh"]) == ExitCode.INVALID_INPUT
    err = capsys.readouterr().err
    assert "错误：needs.csv，第 2 行，字段“need”：应大于或等于 0（实际为 '-40'）" in err
    assert "regions.csv，第 3 行，字段“min_share_of_need”：应小于或等于 1" in err
    assert "needs.csv，第 3 行，字段“benefit”：应为数字，无法把文本读作数字" in err


@pytest.mark.parametrize(
    ("case", "chinese"),
    [
        ("misspelt_field", "字段“budjet”：未知字段"),
        ("missing_name", "字段“name”：缺少必填字段"),
        ("unknown_mode", "应为 'efficiency', 'equity' 或 'balanced'"),
        ("budget_is_a_boolean", "应为数字，实际为“true”"),
        ("duplicate_yaml_key", "键“budget”出现了两次（第 5 行和第 7 行）"),
        ("unknown_region_in_needs", "未知的地区“west”"),
        ("tranches_increasing", "各档权重必须不增"),
    ],
)
def test_each_kind_of_problem_has_its_chinese_sentence(case, chinese, tmp_path, capsys):
    folder = materialize(case, tmp_path)
    assert main(["validate", str(folder), "--lang", "zh"]) == ExitCode.INVALID_INPUT
    assert chinese in capsys.readouterr().err


def test_english_lines_are_unchanged_by_the_keys():
    """A keyed problem's English is the catalog's English, and its line is ``str(problem)``."""
    found = problem("duplicate_region", file="regions.csv", row=3, field="id", id="north")
    assert found.message == "duplicate region id 'north'"
    assert (
        problem_line(found, "en") == "regions.csv, row 3, field 'id': duplicate region id 'north'"
    )
    assert problem_line(found, "zh") == "regions.csv，第 3 行，字段“id”：地区编号“north”重复"


def test_a_problem_without_a_key_keeps_its_words():
    """Problems from places without a key (a library's own message) are still framed in Chinese."""
    line = problem_line(Problem("something odd", file="x.csv", row=2), "zh")
    assert line == "x.csv，第 2 行：something odd"


def test_every_pydantic_key_names_only_ctx_values():
    """The placeholders of ``problem.pydantic.*`` are pydantic ``ctx`` names (filled from it)."""
    from pydantic_core._pydantic_core import list_all_errors

    templates = {e["type"]: e["message_template_python"] for e in list_all_errors()}
    for key, text in catalog("en").items():
        if key.startswith("problem.pydantic."):
            kind = key.removeprefix("problem.pydantic.")
            assert kind in templates, kind
            for name in re.findall(r"\{(\w+)", text):
                assert "{" + name + "}" in templates[kind], (kind, name)
    assert t("problem.pydantic.greater_than_equal", lang="zh", ge=0) == "应大于或等于 0"
