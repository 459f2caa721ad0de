"""``planner compare A B``: B minus A, for scenarios or saved plans (``planner solve --json``).

``--attribute`` also splits B − A among the groups of input changes (Shapley values, see
:mod:`planner.analysis.attribution`) and says it in words; A and B must then be scenarios or stored
runs (``run:ID``, or a plain id that names no file or bundled scenario; ``--db`` picks the store).
"""

from __future__ import annotations

import argparse
import sys

from planner.analysis.attribution import DEFAULT_SAMPLES, EndpointNotOptimal, attribute
from planner.analysis.compare import Comparison, compare
from planner.cli.common import exit_code_for
from planner.cli.tables import add_format_arguments, print_json, print_table, readable
from planner.i18n.catalog import t
from planner.i18n.tables import column_word
from planner.i18n.units import shown

MONEY_KPIS = ("allocated", "unspent")
"""The KPIs counted in the scenario's unit of money."""


def kpi_word(kpi: str) -> str:
    """A KPI's name as the tables' headers say it (``min_coverage`` → ``最低覆盖率``)."""
    return str(column_word(kpi))


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("compare", help="allocation, KPI and binding differences of two plans")
    parser.add_argument(
        "a", help="scenario (file, folder, bundled name), saved plan .json, or run:ID (--attribute)"
    )
    parser.add_argument("b", help="the same, compared against A")
    add_format_arguments(parser)
    parser.add_argument(
        "--attribute",
        action="store_true",
        help="attribute B − A to the groups of input changes (Shapley values; A and B scenarios)",
    )
    parser.add_argument(
        "--exact-up-to",
        type=int,
        default=10,
        metavar="G",
        help="exact over all 2^G subsets up to G changed groups, sampled beyond (default 10)",
    )
    parser.add_argument("--samples", type=int, default=DEFAULT_SAMPLES, help="orders sampled")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sampled orders")
    parser.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help="run store where run:ID sides are found (default $PLANNER_DB_URL, else the user's)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.attribute:
        return run_attribution(args)
    return print_comparison(compare(args.a, args.b), args)


def print_comparison(comparison: Comparison, args: argparse.Namespace) -> int:
    """The comparison as text, CSV or one JSON document (also ``planner runs diff``)."""
    if args.json:
        print_json(comparison.to_dict())
        return 0
    changed = comparison.allocation[comparison.allocation["delta"].abs() > 1e-6]
    scenario = comparison.scenario
    kpis = comparison.kpis
    money = shown(comparison.unit)  # 亿元 in Chinese; CSV and JSON keep the scenario's unit
    if not args.csv:
        in_money = kpis["kpi"].isin(MONEY_KPIS)
        sides = kpis[["a", "b", "delta"]].mul(
            in_money.map({True: money.factor, False: 1.0}), axis=0
        )
        kpis = readable(kpis.assign(**sides, kpi=[kpi_word(k) for k in kpis["kpi"]]))
    print_table(kpis, args, t("cli.compare.kpis", a=comparison.a, b=comparison.b))
    if not args.csv:
        print()
        title = t("cli.compare.allocation", unit=money.unit)
        changed = changed.assign(**changed[["a", "b", "delta"]] * money.factor)
        print_table(readable(changed), args, title, scenario)
        print()
        print_table(readable(comparison.constraints), args, t("cli.compare.constraints"))
        if len(comparison.projects):
            print()
            print_table(readable(comparison.projects), args, t("cli.compare.projects"), scenario)
    return 0


def run_attribution(args: argparse.Namespace) -> int:
    a, b = (_stored_or_given(side, args.db) for side in (args.a, args.b))
    try:
        result = attribute(a, b, exact_up_to=args.exact_up_to, seed=args.seed, samples=args.samples)
    except EndpointNotOptimal as err:
        print(f"error: {err}", file=sys.stderr)
        return exit_code_for(err.plan.status)
    if args.json:
        print_json(result.to_dict())
        return 0
    if not args.csv:
        print(result.summary())
        if not result.groups:
            return 0
        print()
    how = t("cli.compare.how", method=result.method, solves=result.solves)
    if args.csv:  # for programs: the scenario's unit and full precision
        print_table(result.table(), args, t("cli.compare.by_group", unit=result.unit, how=how))
        return 0
    money = shown(result.unit)  # 亿元 in Chinese, as the sentences above say it
    table = result.table()
    allocated = [c for c in table.columns if str(c).startswith("allocated")]
    table = table.assign(**{c: table[c] * money.factor for c in allocated})
    print_table(readable(table), args, t("cli.compare.by_group", unit=money.unit, how=how))
    return 0


def _stored_or_given(source: str, db: str | None) -> object:
    """With ``--db``, a side naming a run of that store becomes its scenario; else as given (the
    registered reader finds runs in the default store)."""
    if db is None:
        return source
    from planner.store.readers import stored_run_scenario

    found = stored_run_scenario(source, url=db)
    return source if found is None else found
