"""The ``planner`` command: a thin shell over the Python API.

Each verb lives in its own module with ``register(subparsers)``; the module sets ``func`` on its parser,
a function ``(args) -> int`` returning an exit code. Errors that are the user's (a bad scenario, a bad
``--set``, an unwritable path) are printed one per line and become exit code 2; nothing a user does
should print a traceback (set ``PLANNER_DEBUG=1`` to see one for a bug).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence

from planner.cli import (
    alternatives,
    compare,
    convert,
    diagnose,
    frontier,
    pareto,
    replan,
    report,
    runs,
    schema,
    solve,
    sweep,
    template,
    ui,
    validate,
)
from planner.errors import ExitCode, OutputError, ScenarioError, StoreError
from planner.i18n.catalog import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    UnknownLanguage,
    catalog,
    language,
    language_from_environment,
    normalize,
    use_language,
)
from planner.i18n.catalog import t as _t
from planner.i18n.problems import problem_line

VERBS = (
    solve,
    replan,
    validate,
    schema,
    report,
    diagnose,
    frontier,
    pareto,
    alternatives,
    compare,
    sweep,
    ui,
    runs,
    convert,
    template,
)


def build_parser() -> argparse.ArgumentParser:
    from planner import __version__

    parser = argparse.ArgumentParser(
        prog="planner",
        description="Split an infrastructure budget across regions, sectors and periods (Pyomo + HiGHS).",
        epilog="Exit codes: 0 optimal, 2 invalid input, 3 infeasible, 4 solver failure or time limit.",
    )
    parser.add_argument("--version", action="version", version=f"planner {__version__}")
    sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    for verb in VERBS:
        verb.register(sub)
    add_language_argument(parser, default=None)
    # `planner solve --lang zh` as well as `planner --lang zh solve`, and `planner runs list --lang zh`
    for verb_parser in sub.choices.values():
        for each in [verb_parser, *_sub_parsers(verb_parser)]:
            add_language_argument(each, default=argparse.SUPPRESS)
    return parser


def _sub_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """The parsers of a verb's own sub-verbs (``runs list``, ``runs show``, …), at any depth."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found += [child, *_sub_parsers(child)]
    return found


def add_language_argument(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("--lang", choices=LANGUAGES, default=default, help=_t("cli.lang_help"))


def help_language(argv: Sequence[str]) -> str:
    """The language ``--help`` speaks, known before the parser exists: ``--lang X`` / ``--lang=X``
    anywhere in ``argv``, else ``PLANNER_LANG``, else the locale; English for anything unknown
    (the parser then refuses it in English, as it refuses any bad argument)."""
    for i, arg in enumerate(argv):
        if arg.startswith("--lang="):
            return normalize(arg.split("=", 1)[1]) or DEFAULT_LANGUAGE
        if arg == "--lang" and i + 1 < len(argv):
            return normalize(argv[i + 1]) or DEFAULT_LANGUAGE
    try:
        return language_from_environment()
    except UnknownLanguage:
        return DEFAULT_LANGUAGE


def translated_help(parser: argparse.ArgumentParser, path: str = "") -> None:
    """The parser's help texts in the active language: ``cli.help.<verb>.<dest>``, else the shared
    ``cli.help.<dest>``, each used only where its English is the text the code gives (so a reworded
    English help shows in English rather than with a stale translation)."""
    if language() == "en":
        return
    parser.formatter_class = _Formatter
    parser._positionals.title = _t("cli.help.positionals")
    parser._optionals.title = _t("cli.help.optionals")
    parser.description = _help_text(f"{path}description", "", parser.description)
    parser.epilog = _help_text(f"{path}epilog", "", parser.epilog)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                choice.help = _help_text(path + choice.dest, "", choice.help)
            for name, verb_parser in action.choices.items():
                translated_help(verb_parser, f"{path}{name}.")
        else:
            action.help = _help_text(path + action.dest, action.dest, action.help)


def _help_text(key: str, shared: str, english: str | None) -> str | None:
    en = catalog(DEFAULT_LANGUAGE)
    for found in (f"cli.help.{key}", f"cli.help.{shared}" if shared else ""):
        if found in en and en[found].replace("%%", "%") == (english or "").replace("%%", "%"):
            return _t(found)
    return english


class _Formatter(argparse.HelpFormatter):
    """argparse's own words ("usage:") in the active language."""

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, prefix or _t("cli.help.usage"))


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    with use_language(help_language(argv)):  # --help and argparse's refusals in that language
        parser = build_parser()
        translated_help(parser)
        args = parser.parse_args(argv)
    try:  # --lang, else PLANNER_LANG, else the locale: the language of every line for a person
        lang = args.lang or language_from_environment()
    except UnknownLanguage as err:
        print(f"error: {err}", file=sys.stderr)
        return ExitCode.INVALID_INPUT
    with use_language(lang):  # for this call only: main() runs in-process in tests and tools
        return run_verb(args)


def run_verb(args: argparse.Namespace) -> int:
    """The verb's exit code; the user's errors as one line each, never a traceback."""
    try:
        return int(args.func(args))
    except ScenarioError as err:
        for problem in err.problems:
            print(_t("cli.error", message=problem_line(problem)), file=sys.stderr)
        return ExitCode.INVALID_INPUT
    except (OutputError, StoreError) as err:
        print(_t("cli.error", message=err), file=sys.stderr)
        return ExitCode.INVALID_INPUT
    except BrokenPipeError:
        # the reader went away (`planner solve | head`); Python's documented recipe: point stdout at
        # devnull so the interpreter's final flush does not raise again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.BROKEN_PIPE
    except KeyboardInterrupt:
        print(_t("cli.interrupted"), file=sys.stderr)
        return 130
    except Exception as err:  # a bug in planner, not the user's mistake
        if os.environ.get("PLANNER_DEBUG"):
            traceback.print_exc()
        print(_t("cli.internal_error", kind=type(err).__name__, message=err), file=sys.stderr)
        return ExitCode.INTERNAL


def run() -> None:
    sys.exit(main())
