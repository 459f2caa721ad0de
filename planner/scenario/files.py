"""Reading and writing scenario files (YAML v1 + CSV tables), with every problem located.

Limits, refused before they cost memory: a scenario YAML of at most ``MAX_YAML_BYTES``, a CSV table of at
most ``MAX_CSV_BYTES`` and ``MAX_TABLE_ROWS`` rows, and a YAML document that expands (through aliases) to
at most ``MAX_YAML_NODES`` nodes.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from planner.errors import Problem, ScenarioError
from planner.i18n.problems import problem
from planner.scenario.columns import (
    ACTUALS_TABLES,
    FUNDING_TABLES,
    TABLES,
    criteria_keys,
    fill_blank_scores,
    header_problems,
    known_columns,
    near_miss_problems,
    table_columns,
)
from planner.scenario.datasets import bundled_scenario_path, bundled_scenarios
from planner.scenario.model import Scenario, is_type_tag, validate_scenario

MAX_YAML_BYTES = 1 * 1024 * 1024
MAX_CSV_BYTES = 50 * 1024 * 1024
MAX_TABLE_ROWS = 200_000
MAX_YAML_NODES = 1_000_000

SCENARIO_FILENAME = "scenario.yaml"
WORKBOOK_SUFFIX = ".xlsx"


@dataclass(frozen=True)
class TableSource:
    """Where a table's rows came from: a CSV file (row = line number) or the YAML file (row = item)."""

    file: str
    lines: list[int]  # the line (or item number) of each row, in order

    def row(self, index: int) -> int | None:
        return self.lines[index] if 0 <= index < len(self.lines) else None


ScenarioLike = Scenario | str | os.PathLike[str]
"""What the API's entry points accept: a Scenario, a YAML file, a folder or a bundled name."""


def as_scenario(scenario: ScenarioLike) -> Scenario:
    """The scenario itself, or the one loaded from a file, folder or bundled name."""
    if isinstance(scenario, Scenario):
        return scenario
    return load_scenario(Path(scenario) if not isinstance(scenario, str) else scenario)


def load_scenario(source: str | os.PathLike[str]) -> Scenario:
    """Load a scenario from a YAML file, a folder holding ``scenario.yaml``, a workbook (``.xlsx``, see
    docs/workbooks.md) or a bundled name.

    Raises :class:`~planner.errors.ScenarioError` listing every problem, each with file, row and field.

    Examples
    --------
    >>> import planner
    >>> planner.load_scenario("western_china").periods[0]
    2026
    """

    path = Path(source)
    if not path.exists():
        bundled = bundled_scenario_path(str(source))
        if bundled is None:
            raise ScenarioError([_no_such_scenario(str(source))])
        path = bundled
    if path.is_dir():
        path = path / SCENARIO_FILENAME
    if path.suffix.lower() == WORKBOOK_SUFFIX:
        from planner.scenario.workbook import load_workbook_scenario

        return load_workbook_scenario(path)
    document = _read_yaml(path)
    sources: dict[str, TableSource] = {}
    problems: list[Problem] = []
    criteria = criteria_keys(document)
    for table in TABLES:
        value = document.get(table)
        scored = criteria if table == "needs" else []
        if isinstance(value, str):
            rows, table_source, table_problems = _read_csv_table(path, table, value, scored)
            problems += table_problems
            fill_blank_scores(rows, scored)
            document[table] = rows
            if table_source:
                sources[table] = table_source
        elif isinstance(value, list):
            sources[table] = TableSource(path.name, list(range(1, len(value) + 1)))
            problems += _inline_near_misses(table, value, path.name, scored)
    problems += _read_funding_tables(path, document, sources)
    problems += _read_actuals_tables(path, document, sources)
    if problems:
        raise ScenarioError(problems)
    try:
        return validate_scenario(document)
    except ScenarioError as err:
        raise ScenarioError([_locate(p, path.name, sources) for p in err.problems]) from None


def _read_funding_tables(
    path: Path, document: dict[str, Any], sources: dict[str, TableSource]
) -> list[Problem]:
    """``funding.sources`` and ``funding.rules``, each a CSV path or an inline list (funding.md)."""
    funding = document.get("funding")
    if not isinstance(funding, dict):
        return []
    problems: list[Problem] = []
    for table in FUNDING_TABLES:
        value = funding.get(table)
        if isinstance(value, str):
            rows, table_source, table_problems = _read_csv_table(path, table, value, [])
            problems += [p.at(field=p.field or f"funding.{table}") for p in table_problems]
            funding[table] = rows
            if table_source:
                sources[f"funding.{table}"] = table_source
        elif isinstance(value, list):
            sources[f"funding.{table}"] = TableSource(path.name, list(range(1, len(value) + 1)))
            problems += _inline_near_misses(table, value, path.name, [], prefix="funding.")
    return problems


def _read_actuals_tables(
    path: Path, document: dict[str, Any], sources: dict[str, TableSource]
) -> list[Problem]:
    """The ``actuals`` key's tables (actuals.md), each a CSV path or an inline list, read like the
    top-level ones; their sources are keyed ``actuals.spending`` and ``actuals.projects``."""
    actuals = document.get("actuals")
    if not isinstance(actuals, dict):
        return []
    problems: list[Problem] = []
    for table in ACTUALS_TABLES:
        key = table.partition(".")[2]
        value = actuals.get(key)
        if isinstance(value, str):
            rows, table_source, table_problems = _read_csv_table(path, table, value, [])
            problems += table_problems
            actuals[key] = rows
            if table_source:
                sources[table] = table_source
        elif isinstance(value, list):
            sources[table] = TableSource(path.name, list(range(1, len(value) + 1)))
            problems += _inline_near_misses(table, value, path.name, [])
    return problems


def with_actuals(
    scenario: Scenario,
    through: Any,
    spending: str | os.PathLike[str],
    starts: str | os.PathLike[str] | None = None,
) -> Scenario:
    """The scenario with the record of ``actuals.md`` read from CSV files named on the command line
    (``planner replan --through --spending --starts``); they replace any ``actuals`` key it has.

    Raises :class:`ScenarioError` listing every problem, each naming its file, row and field.
    """
    sources: dict[str, TableSource] = {}
    problems: list[Problem] = []
    record: dict[str, Any] = {"through": through}
    for table, given in (("actuals.spending", spending), ("actuals.projects", starts)):
        if given is None:
            continue
        path = Path(given)
        # the folder of the file itself: a path named on the command line may lie anywhere
        rows, source, found = _read_csv_table(path.parent / "-", table, path.name, [])
        problems += [p.at(file=str(given)) if p.file == "-" else p for p in found]
        record[table.partition(".")[2]] = rows
        if source is not None:
            sources[table] = TableSource(str(given), source.lines)
    if problems:
        raise ScenarioError(problems)
    try:
        return scenario.with_changes(actuals=record)
    except ScenarioError as err:
        raise ScenarioError([_locate(p, "--through", sources) for p in err.problems]) from None


def _inline_near_misses(
    table: str, rows: list[Any], name: str, criteria: list[str], prefix: str = ""
) -> list[Problem]:
    """An inline table's keys get the same near-miss check as a CSV header (row: the first item)."""
    first: dict[str, int] = {}
    for item, row in enumerate(rows, start=1):
        if isinstance(row, dict):
            for key in row:
                first.setdefault(str(key), item)
    return [
        p.at(row=first[p.field], field=f"{prefix}{table}.{p.field}")
        for p in near_miss_problems(list(first), known_columns(table, criteria), name)
    ]


def _locate(found: Problem, yaml_name: str, sources: dict[str, TableSource]) -> Problem:
    loc = found.loc
    if len(loc) >= 3 and loc[0] == "funding" and isinstance(loc[2], int):
        loc = (f"funding.{loc[1]}", *loc[2:])  # a funding table's row: (funding, sources, i, …)
    if len(loc) >= 3 and loc[0] == "actuals" and f"actuals.{loc[1]}" in sources:
        loc = (f"actuals.{loc[1]}", *loc[2:])  # a row of a table under the actuals key
    if len(loc) >= 2 and loc[0] in sources and isinstance(loc[1], int):
        source = sources[str(loc[0])]
        # a score's place is (needs, i, scores, key); the planner's column is the key
        parts = [
            str(p)
            for p in loc[2:]
            if not isinstance(p, int) and p != "scores" and not is_type_tag(str(p))
        ]
        field = ".".join(parts) or found.field
        return found.at(file=source.file, row=source.row(loc[1]), field=field)
    return found.at(file=yaml_name, field=found.field or ".".join(map(str, found.loc)))


# ---- YAML ----


def _no_such_scenario(source: str) -> Problem:
    """The problem of a name that is nothing, with the bundled name it is closest to if any
    (``western_chian`` → did you mean ``western_china``?)."""
    close = difflib.get_close_matches(source, list(bundled_scenarios()), n=1, cutoff=0.75)
    if close:
        return problem("no_such_scenario_close", file=source, name=close[0])
    return problem("no_such_scenario", file=source)


def _read_yaml(path: Path) -> dict[str, Any]:
    name = path.name
    text = _read_text(path, MAX_YAML_BYTES, name)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        raise ScenarioError([_yaml_problem(err, name)]) from None
    if node is None:
        raise ScenarioError([problem("empty_file", file=name)])
    if _expanded_size(node, {}) > MAX_YAML_NODES:
        raise ScenarioError([problem("alias_bomb", file=name, limit=MAX_YAML_NODES)])
    if not isinstance(node, yaml.MappingNode):
        raise ScenarioError([problem("not_a_yaml_mapping", file=name)])
    duplicates = list(_duplicate_keys(node, name, set()))
    if duplicates:
        raise ScenarioError(duplicates)
    loader = yaml.SafeLoader("")
    try:
        document = loader.construct_document(node)
    except yaml.YAMLError as err:
        raise ScenarioError([_yaml_problem(err, name)]) from None
    finally:
        loader.dispose()
    return document


def _yaml_problem(err: yaml.YAMLError, name: str) -> Problem:
    """The parser's complaint at the row where it noticed, and the row of what it was reading: an
    unclosed bracket is noticed rows later, so the opening row is the one a planner must edit."""
    mark = getattr(err, "problem_mark", None)
    row = mark.line + 1 if mark is not None else None
    if isinstance(err, yaml.reader.ReaderError):  # a forbidden character: no mark, only a position
        return problem("yaml_character", file=name, reason=err.reason, position=err.position)
    what = getattr(err, "problem", None) or str(err).splitlines()[0]
    context, context_mark = getattr(err, "context", None), getattr(err, "context_mark", None)
    if context and context_mark is not None and context_mark.line + 1 != row:
        what += f" ({context} that starts in row {context_mark.line + 1})"
    return problem("not_yaml", file=name, row=row, what=what)


def _duplicate_keys(node: yaml.Node, name: str, seen: set[int]) -> Iterator[Problem]:
    """YAML lets a later key silently replace an earlier one; a planner who wrote both meant one."""
    if id(node) in seen:
        return
    seen.add(id(node))
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        rows: dict[Any, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                row = key.start_mark.line + 1
                if key.value in rows:
                    yield problem(
                        "key_twice",
                        name=key.value,
                        first=rows[key.value],
                        second=row,
                        file=name,
                        row=row,
                        field=str(key.value),
                    )
                rows.setdefault(key.value, row)
            children.append(value)
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    for child in children:
        yield from _duplicate_keys(child, name, seen)


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Node count of the document with every alias expanded, computed without expanding it."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # guards against recursive structures
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(child, memo) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    memo[key] = min(size, MAX_YAML_NODES + 1)
    return memo[key]


def _read_text(path: Path, limit: int, name: str) -> str:
    try:
        size = path.stat().st_size
        if size > limit:
            raise ScenarioError([problem("file_too_big", file=name, size=size, limit=limit)])
        data = path.read_bytes()
    except OSError as err:
        raise ScenarioError([problem("cannot_read", file=name, reason=err.strerror)]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ScenarioError(
            [
                problem(
                    "not_utf8",
                    byte=err.start,
                    value=f"0x{data[err.start]:02x}",
                    file=name,
                    row=line,
                )
            ]
        ) from None


# ---- CSV tables ----


def _read_csv_table(
    yaml_path: Path, table: str, relative: str, criteria: list[str]
) -> tuple[list[dict[str, Any]], TableSource | None, list[Problem]]:
    folder = yaml_path.parent.resolve()
    target = (folder / relative).resolve()
    if Path(relative).is_absolute() or not target.is_relative_to(folder):
        return (
            [],
            None,
            [_path_problem(yaml_path, table, "leaves_folder", path=relative)],
        )
    if not target.is_file():
        return [], None, [_path_problem(yaml_path, table, "no_such_file", path=relative)]
    try:
        text = _read_text(target, MAX_CSV_BYTES, relative)
    except ScenarioError as err:
        return [], None, err.problems
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    header_issues = header_problems(table, header, relative, criteria=criteria)
    if header_issues:
        return [], None, header_issues
    reader.fieldnames = header
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    try:
        for row in reader:
            if len(rows) >= MAX_TABLE_ROWS:
                problems.append(problem("too_many_rows", file=relative, limit=MAX_TABLE_ROWS))
                break
            if None in row:
                problems.append(problem("more_cells", file=relative, row=reader.line_num))
            rows.append(_clean_row(row))
            lines.append(reader.line_num)
    except csv.Error as err:
        problems.append(
            problem("malformed_csv", file=relative, row=reader.line_num, reason=str(err))
        )
    return rows, TableSource(relative, lines), problems


def _clean_row(row: dict[str | None, Any]) -> dict[str, Any]:
    """Blank cells mean 'not given' (spec: blank floor is 0, blank capacity is no cap)."""
    clean: dict[str, Any] = {}
    for key, value in row.items():
        if key is None or key == "":
            continue
        text = value.strip() if isinstance(value, str) else value
        if text not in ("", None):
            clean[key] = text
    return clean


def _path_problem(yaml_path: Path, table: str, key: str, **params: Any) -> Problem:
    return problem(key, loc=(table,), file=yaml_path.name, field=table, **params)


# ---- writing ----


def save_scenario(scenario: Scenario, folder: str | os.PathLike[str]) -> Path:
    """Write ``scenario.yaml`` with ``regions.csv``, ``needs.csv`` (and ``projects.csv``) beside it.

    Returns the YAML path.

    Loading the folder again gives an equal scenario. Files are written atomically.
    """
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    document = scenario_document(scenario)
    for table in TABLES:
        columns = table_columns(table, criteria_keys(document))
        rows = document.pop(table, [])
        if table == "projects" and not rows:
            continue  # a scenario without projects stays a model.md scenario
        if table == "projects":
            rows = [{**row, "requires": ";".join(row["requires"])} for row in rows]
        document[table] = f"{table}.csv"
        write_atomic(target / f"{table}.csv", _csv_text(rows, columns))
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    write_atomic(target / SCENARIO_FILENAME, text)
    return target / SCENARIO_FILENAME


def scenario_yaml_text(scenario: Scenario) -> str:
    """The scenario as one self-contained YAML document (tables inline)."""
    return yaml.safe_dump(scenario_document(scenario), sort_keys=False, allow_unicode=True)


def scenario_document(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data; without projects, the project keys are left out, so a model.md
    scenario is written as one."""
    document = scenario.model_dump(mode="json")
    if not scenario.projects:
        for key in ("projects", "project_groups", "mip_gap"):
            document.pop(key, None)
    return document


def _csv_text(rows: list[dict[str, Any]], first: tuple[str, ...]) -> str:
    columns = list(first) + sorted({k for row in rows for k in row} - set(first))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else _cell(row[k]) for k in columns})
    return buffer.getvalue()


def _cell(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def ordinary_file_mode() -> int:
    """The mode a plain ``open()`` gives a new file, 0o666 less the umask; mkstemp's files are
    private (0600), so every atomic write gives its file this mode before the rename."""
    umask = os.umask(0)  # the only way to read the umask is to set it
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write through a temporary file in the same folder and one rename: never a half-written file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content.encode("utf-8") if isinstance(content, str) else content)
        os.chmod(tmp, ordinary_file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
