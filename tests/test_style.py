"""The code style the project promises (pyproject.toml's ruff settings) holds on every file."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATHS = ["planner", "models", "tests", "bench", "ui"]


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    existing = [p for p in PATHS if (ROOT / p).exists()]
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, *existing],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ruff_lint_is_clean():
    result = ruff("check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean():
    result = ruff("format", "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def self_comparisons(source: str, filename: str = "<source>") -> list[str]:
    """``file:line`` of every comparison whose left side and one of its right sides are the same
    expression (``a == a``, ``f(x) <= f(x)``, ``0 < n < n``): such a check cannot fail, or fails only
    for a reason other than the one it states. Written as a test because ruff has no such rule."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Compare):
            continue
        sides = [ast.dump(side) for side in (node.left, *node.comparators)]
        if any(side == sides[0] for side in sides[1:]) or any(
            a == b for a, b in zip(sides[1:], sides[2:], strict=False)
        ):
            found.append(f"{filename}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_test_compares_an_expression_with_itself():
    found = [
        hit
        for path in sorted((ROOT / "tests").rglob("*.py"))
        for hit in self_comparisons(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert not found, "\n".join(found)


def test_the_self_comparison_lint_sees_one():
    """The lint catches what issue 22 found (a file's bytes compared with themselves), a chained
    repeat, and passes comparisons of different expressions."""
    assert self_comparisons("assert w.read_bytes() == w.read_bytes() and n > 0") == [
        "<source>:1: w.read_bytes() == w.read_bytes()"
    ]
    assert self_comparisons("assert 0 <= a <= a") == ["<source>:1: 0 <= a <= a"]
    assert self_comparisons("assert a.read_bytes() == b.read_bytes() and 0 <= x <= 1") == []
