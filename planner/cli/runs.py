"""``planner runs …``: the run store from the command line: list, show, decide, compare, report, verify.

Every subcommand takes ``--db URL`` (default ``$PLANNER_DB_URL``, else the per-user SQLite file) and
those that decide take ``--user``. An unknown run id, a file that is not a store, a newer schema or
an unreachable server is one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from planner.cli.recording import add_store_arguments, open_store
from planner.cli.tables import add_format_arguments, print_json, print_table
from planner.errors import ExitCode
from planner.i18n.catalog import catalog, language, t
from planner.i18n.tables import localized


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "runs",
        help="recorded runs: list, show, note, approve, reject, diff, report, scenario, verify",
        description="The run store: every plan recorded with --record, its scenario and decisions.",
    )
    commands = parser.add_subparsers(dest="runs_command", required=True, metavar="COMMAND")
    for name, helptext, arguments, func in COMMANDS:
        command = commands.add_parser(name, help=helptext, description=helptext)
        arguments(command)
        add_store_arguments(command)
        command.set_defaults(func=func)


def _list_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenario", metavar="NAME", help="only runs of this scenario")
    parser.add_argument("--since", metavar="DATE", help="only runs from this UTC date or time on")
    parser.add_argument("--status", help="only runs with this status (optimal, infeasible, …)")
    parser.add_argument("--json", action="store_true", help="print exactly one JSON document")


def _list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        frame = store.runs(
            scenario=args.scenario, since=args.since, user=args.user, status=args.status
        )
    if args.json:
        print_json({"runs": frame.astype(object).where(frame.notna(), None).to_dict("records")})
    elif frame.empty:
        filtered = args.scenario or args.since or args.user
        print(t("runs.none_match" if filtered else "runs.none", location=store.location))
    else:
        from planner.store.api import SHOWN_COLUMNS  # the store is open: SQLAlchemy is loaded

        signed_in = frame["identity"].astype(bool).any()  # runs from the app behind sign-in
        shown = frame[SHOWN_COLUMNS + (["identity"] if signed_in else [])].copy()
        shown["created_at"] = shown["created_at"].str.slice(0, 19).str.replace("T", " ")
        if language() != "en":  # a person's words for the mode and the decision
            shown["mode"] = shown["mode"].map(lambda m: _word("mode", m))
            shown["decision"] = shown["decision"].map(lambda k: _word("runs.kind", k))
        shown = localized(shown.round({"E": 1, "min_coverage": 3}))
        print_table(shown, argparse.Namespace(csv=False))
    return 0


def _word(prefix: str, key: Any) -> Any:
    """``key`` in the active language when the catalog has ``prefix.key``, else as it is."""
    return t(f"{prefix}.{key}") if f"{prefix}.{key}" in catalog("en") else key


def _run_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="run id (or its first characters, at least 4)")


def _show_arguments(parser: argparse.ArgumentParser) -> None:
    _run_argument(parser)
    parser.add_argument("--json", action="store_true", help="print exactly one JSON document")


def _show(args: argparse.Namespace) -> int:
    from planner.cli.summary import plan_summary

    with open_store(args) as store:
        document = store.show(args.id)
        plan = store.get(document["id"])
    if args.json:
        print_json(document)
        return 0
    print(
        t(
            "runs.show.head",
            id=document["id"],
            created_at=document["created_at"],
            user=document["user"],
            host=document["host"],
            source=document["source"],
            version=document["versions"]["planner"],
        )
        + (t("runs.show.signed_in", identity=document["identity"]) if document["identity"] else "")
    )
    if document["changes"]:
        changes = ", ".join(f"{k}={v}" for k, v in document["changes"].items())
        print(t("runs.show.changes", changes=changes))
    if document["revises"]:
        print(t("runs.show.revises", id=document["revises"]))
    if document["note"]:
        print(t("runs.show.note", note=document["note"]))
    for event in document["events"]:
        print(_event_line(event))
    print()
    print(plan_summary(plan))
    return 0


def _event_line(event: dict[str, Any]) -> str:
    when = event["created_at"][:19].replace("T", " ")
    kind = event["kind"] if language() == "en" else _word("runs.kind", event["kind"])
    line = t("runs.event", when=when, kind=kind, user=event["user"])
    if event["other_run_id"]:
        line += t("runs.event.replaced", other=event["other_run_id"])
    return line + (t("runs.event.note", note=event["note"]) if event["note"] else "")


def _note_arguments(parser: argparse.ArgumentParser) -> None:
    _run_argument(parser)
    parser.add_argument("text", help="the note")


def _note(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        store.note(args.id, args.text, user=args.user)
    print(t("runs.noted", id=args.id), file=sys.stderr)
    return 0


def _decision_arguments(parser: argparse.ArgumentParser) -> None:
    _run_argument(parser)
    parser.add_argument("--note", default="", metavar="TEXT", help="why")


def _decide(kind: str) -> Any:
    def decide(args: argparse.Namespace) -> int:
        with open_store(args) as store:
            getattr(store, kind)(args.id, note=args.note, user=args.user)
        print(t(f"runs.decided.{kind}", id=args.id), file=sys.stderr)
        return 0

    return decide


def _supersede_arguments(parser: argparse.ArgumentParser) -> None:
    _decision_arguments(parser)
    parser.add_argument("--by", required=True, metavar="ID", help="the run that replaces it")


def _supersede(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        store.supersede(args.id, args.by, note=args.note, user=args.user)
    print(t("runs.superseded", id=args.id, by=args.by), file=sys.stderr)
    return 0


def _diff_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("a", help="run id")
    parser.add_argument("b", help="run id, compared against A")
    add_format_arguments(parser)


def _diff(args: argparse.Namespace) -> int:
    from planner.analysis.compare import compare
    from planner.cli import compare as compare_verb

    with open_store(args) as store:
        a, b = store.get(args.a), store.get(args.b)
        a.scenario_name = f"{a.scenario_name} (run {store.resolve(args.a)})"
        b.scenario_name = f"{b.scenario_name} (run {store.resolve(args.b)})"
    return compare_verb.print_comparison(compare(a, b), args)


def _report_arguments(parser: argparse.ArgumentParser) -> None:
    _run_argument(parser)
    parser.add_argument(
        "--out",
        "-o",
        dest="outs",
        action="append",
        required=True,
        metavar="FILE",
        help="report file to write (repeatable); format from the suffix",
    )


def _report(args: argparse.Namespace) -> int:
    from planner.reports import check_output, export

    for path in args.outs:
        check_output(path)
    with open_store(args) as store:
        plan = store.get(args.id)
    for path in args.outs:
        print(t("cli.wrote", path=export(plan, path)), file=sys.stderr)
    return 0


def _scenario_arguments(parser: argparse.ArgumentParser) -> None:
    _run_argument(parser)
    parser.add_argument(
        "--out",
        "-o",
        required=True,
        metavar="DIR",
        help="folder to write scenario.yaml, regions.csv and needs.csv into",
    )


def _scenario(args: argparse.Namespace) -> int:
    from planner.errors import OutputError
    from planner.scenario.files import save_scenario

    with open_store(args) as store:
        scenario = store.scenario(args.id)
    try:
        written = save_scenario(scenario, args.out)
    except OSError as err:
        raise OutputError(t("cli.output.scenario", target=args.out, reason=err.strerror)) from None
    print(t("cli.wrote", path=written), file=sys.stderr)
    return 0


def _verify_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--deep",
        action="store_true",
        help="also re-read every plan table and check it against its run's content hash "
        "(finds an altered allocation figure; reads every stored row, so it takes longer)",
    )
    parser.add_argument("--links-only", action="store_true", help=argparse.SUPPRESS)  # the default


def _verify(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        result = store.verify(deep=args.deep and not args.links_only)
    print(result, file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else ExitCode.AUDIT_BROKEN


COMMANDS = (
    ("list", "list recorded runs, newest first", _list_arguments, _list),
    ("show", "one run: who, when, from what, its plan and its decisions", _show_arguments, _show),
    ("note", "add a note to a run", _note_arguments, _note),
    ("approve", "approve a run", _decision_arguments, _decide("approve")),
    ("reject", "reject a run", _decision_arguments, _decide("reject")),
    ("supersede", "mark a run as replaced by another", _supersede_arguments, _supersede),
    ("diff", "what changed between two runs (as planner compare)", _diff_arguments, _diff),
    (
        "report",
        "write reports of a run from its stored results, without solving",
        _report_arguments,
        _report,
    ),
    (
        "scenario",
        "write the exact scenario of a run back as YAML + CSV",
        _scenario_arguments,
        _scenario,
    ),
    (
        "verify",
        "recompute the audit trail's hash chain; exit 5 naming the first bad row",
        _verify_arguments,
        _verify,
    ),
)
