"""The layout docs/architecture.md promises: rooms by concern, imports one way, modules a screenful or so.

Reads the code as text (``ast``), so it checks module-level imports, the ones that run on import and can
tie modules in a circle; imports inside functions and under ``TYPE_CHECKING`` are deliberate late binds.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("planner", "models")
MAX_LINES = 600
MAX_TOP_LEVEL_MODULES = 8  # besides __init__ and __main__


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _top_level_imports(path: Path, known: set[str]) -> set[str]:
    """Modules of planner/models that ``path`` imports when it is itself imported."""
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and not _is_type_checking(node):
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from planner.solve import bridge` needs the submodule, not the package's __init__
                submodules = {f"{node.module}.{a.name}" for a in node.names} & known
                found.update(submodules)
                if len(submodules) < len(node.names):
                    found.add(node.module)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return {m for m in found if m in known}


def _graph() -> dict[str, set[str]]:
    sources = _sources()
    known = set(sources)
    # A package's __init__ importing its own submodules is no circle: Python registers the package
    # before it runs the __init__, so a submodule that reaches back finds it; self-edges are dropped.
    return {name: _top_level_imports(path, known) - {name} for name, path in sources.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_module_level_import_circle():
    cycle = _cycle(_graph())
    assert cycle is None, " → ".join(cycle or [])


def test_the_cycle_finder_sees_a_circle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_over_600_lines():
    long = {
        name: n
        for name, path in _sources().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, long


def test_planner_is_grouped_in_subpackages():
    top = [p.name for p in (ROOT / "planner").glob("*.py")]
    modules = sorted(set(top) - {"__init__.py", "__main__.py"})
    assert len(modules) <= MAX_TOP_LEVEL_MODULES, modules
    subpackages = [p.parent.name for p in (ROOT / "planner").glob("*/__init__.py")]
    assert len(subpackages) >= 4, subpackages


@pytest.mark.parametrize(
    ("importer", "forbidden"),
    [
        ("models", ("planner.solve", "planner.analysis", "planner.sweep", "planner.reports")),
        ("planner.scenario", ("planner.solve", "planner.analysis", "planner.sweep", "models")),
        ("planner.solve", ("planner.sweep", "planner.reports", "planner.cli")),
        ("planner.reports", ("models", "planner.cli")),
        (
            "planner.i18n",  # words and names only: everything that speaks may import it
            ("models", "planner.solve", "planner.analysis", "planner.reports", "planner.cli"),
        ),
    ],
)
def test_imports_go_one_way(importer, forbidden):
    """docs/architecture.md's layers: models/ knows only the scenario's types, and so on down."""
    bad = [
        f"{name} imports {target}"
        for name, targets in _graph().items()
        if name == importer or name.startswith(importer + ".")
        for target in targets
        if any(target == f or target.startswith(f + ".") for f in forbidden)
    ]
    assert not bad, bad


def test_mypy_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", *PACKAGES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
