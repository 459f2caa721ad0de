"""``planner compare A B``: B minus A, for scenarios or saved plans (``planner solve --json``)."""

from __future__ import annotations

import argparse

from planner.analysis.compare import compare
from planner.cli.tables import add_format_arguments, print_json, print_table


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("compare", help="allocation, KPI and binding differences of two plans")
    parser.add_argument("a", help="scenario (file, folder, bundled name) or saved plan .json")
    parser.add_argument("b", help="the same, compared against A")
    add_format_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    comparison = compare(args.a, args.b)
    if args.json:
        print_json(comparison.to_dict())
        return 0
    changed = comparison.allocation[comparison.allocation["delta"].abs() > 1e-6]
    print_table(comparison.kpis, args, f"{comparison.b} minus {comparison.a}: KPIs")
    if not args.csv:
        print()
        print_table(changed, args, f"Allocation changes ({comparison.unit}, all periods)")
        print()
        print_table(comparison.constraints, args, "Constraints whose binding status changed")
        if len(comparison.projects):
            print()
            print_table(comparison.projects, args, "Projects funded or started differently")
    return 0
