"""``--help`` in Chinese for every verb's options and descriptions, the runs commands' too (issue 20).

The English texts compared against are the parser's own (built in English), so an option added with
help and no catalog entry fails here rather than showing English in a Chinese help page.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

import pytest

from planner.cli import build_parser, main, translated_help
from planner.i18n.catalog import use_language

HAN = re.compile(r"[\u4e00-\u9fff]")


def helps(parser: argparse.ArgumentParser, path: str = "") -> Iterator[tuple[str, str]]:
    """(where, text) of every help text and description a person reads in ``parser``'s pages."""
    if parser.description:
        yield f"{path}description", parser.description
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                yield path + choice.dest, choice.help or ""
            for name, verb in action.choices.items():
                yield from helps(verb, f"{path}{name}.")
        elif action.help and action.help != argparse.SUPPRESS:
            yield path + action.dest, action.help


def test_every_help_text_is_chinese_under_lang_zh() -> None:
    with use_language("zh"):
        parser = build_parser()
        translated_help(parser)
    english = [where for where, text in helps(parser) if not HAN.search(text)]
    assert not english, english


def test_sweep_help_in_chinese_shows_no_english_option_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each of sweep's option helps in Chinese ("每个网格点的样本数" for --samples, the --vary
    forms with their % signs), and none of the English ones."""
    english = [
        text.replace("%%", "%") for where, text in helps(build_parser()) if "sweep." in where
    ]
    with pytest.raises(SystemExit) as exit:
        main(["--lang", "zh", "sweep", "--help"])
    assert exit.value.code == 0
    shown = capsys.readouterr().out
    flat = re.sub(r"\s+", "", shown)  # the formatter wraps long lines anywhere
    assert "每个网格点的样本数" in shown and "benefit=±30%" in flat and "不显示进度条" in shown
    assert not [text for text in english if re.sub(r"\s+", "", text) in flat]
