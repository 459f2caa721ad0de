"""Run store speed on SQLite and PostgreSQL, side by side.

Measures, on each back end: recording a western_china plan (median of ``--records``), listing all
runs of a store holding ``--runs`` runs, and verifying its chain (the default: links, and
``--deep``: every plan table re-read). Beside each figure: the goal, and a reference measured in the same run (writing the
same plan as a JSON report; a bare driver ``SELECT`` of the runs table).

Goals (issue 16): record ≤ 50 ms median on SQLite, list 10,000 runs ≤ 0.3 s, verify a 10,000-run
chain ≤ 2 s. Usage, from the project root: ``python -m bench.store [--runs 10000] [--pg URL]``;
without ``--pg`` a throwaway PostgreSQL 15 cluster is started as in the tests (tests/pg.py).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from sqlalchemy import text

import planner
import planner.store

GOALS_S = {"record (median)": 0.050, "list all runs": 0.3, "verify (links)": 2.0}


def seconds(work: Callable[[], Any]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def measure(
    url: str, plan: planner.Plan, runs: int, records: int, folder: Path
) -> dict[str, float]:
    found: dict[str, float] = {}
    with planner.store.open(url) as store:
        times = [seconds(lambda: store.record(plan)) for _ in range(records)]
        found["record (median)"] = statistics.median(times)
        found["  ref: JSON report of the plan"] = statistics.median(
            seconds(lambda: planner.export(plan, folder / "plan.json")) for _ in range(records)
        )
        for _ in range(runs - records):
            store.record(plan)
        found["list all runs"] = seconds(store.runs)
        with store.engine.connect() as conn:
            found["  ref: bare SELECT of runs"] = seconds(
                lambda: conn.execute(text("SELECT * FROM runs")).fetchall()
            )
        found["verify (links)"] = seconds(lambda: store.verify())
        found["verify --deep (tables too)"] = seconds(lambda: store.verify(deep=True))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--runs", type=int, default=10_000, help="runs in the store listed and verified"
    )
    parser.add_argument("--records", type=int, default=30, help="recordings timed for the median")
    parser.add_argument(
        "--pg", metavar="URL", help="an empty PostgreSQL database (default: throwaway)"
    )
    args = parser.parse_args()
    plan = planner.solve("western_china")
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        backends = {"SQLite": str(folder / "runs.sqlite")}
        backends["PostgreSQL"] = args.pg or _throwaway_postgres(stack)
        results = {
            name: measure(url, plan, args.runs, args.records, folder)
            for name, url in backends.items()
        }
    print(
        f"run store, western_china plan ({len(plan.allocation)} allocation rows, "
        f"{len(plan.constraints)} constraints), {args.runs} runs"
    )
    print(f"{'':32}{'SQLite':>12}{'PostgreSQL':>14}{'goal':>10}")
    for measure_name in results["SQLite"]:
        goal = GOALS_S.get(measure_name)
        row = "".join(
            f"{results[b][measure_name] * 1000:>11.1f}ms" for b in ("SQLite", "PostgreSQL")
        )
        ratio = f"  SQLite at {results['SQLite'][measure_name] / goal:.2f}x goal" if goal else ""
        print(f"{measure_name:32}{row}{'' if goal is None else f'{goal * 1000:>8.0f}ms'}{ratio}")


def _throwaway_postgres(stack: ExitStack) -> str:
    from tests import pg

    return pg.new_database(stack.enter_context(pg.cluster()))


if __name__ == "__main__":
    main()
