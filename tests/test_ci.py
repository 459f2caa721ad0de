"""CI cannot pass by skipping: .ci/run stops when a system package is missing under ``CI=true``, and
a test needing a missing tool fails there instead of skipping.

.ci/run is run for real, from a copy in a temporary folder whose PATH holds only bash, dirname, a fake
``apt-get`` that records its arguments and fails, and a fake ``python3`` that records that the test
command was reached; so nothing is installed and no suite runs. PostgreSQL and the fonts are present on
the machine running these tests (the checks there look at fixed paths); chromium is made missing by
leaving it off PATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import NOTO_CJK_FONT, POSTGRES_INITDB, require_or_skip

ROOT = Path(__file__).resolve().parent.parent
README_TEST_COMMAND = (
    "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"
    " --durations=15"
)


def test_ci_ends_with_the_readme_test_command_verbatim():
    assert README_TEST_COMMAND in (ROOT / "README.md").read_text(encoding="utf-8")
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert lines[-1] == README_TEST_COMMAND


def _fake(path: Path, log: Path, code: int) -> None:
    path.write_text(f'#!/bin/sh\necho "{path.name} $*" >> "{log}"\nexit {code}\n')
    path.chmod(0o755)


def run_ci_without_chromium(tmp_path: Path, ci: bool) -> tuple[subprocess.CompletedProcess, str]:
    """.ci/run from a copy, with chromium off PATH and apt-get unable to install it."""
    (tmp_path / ".ci").mkdir()
    shutil.copy(ROOT / ".ci" / "run", tmp_path / ".ci" / "run")
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("bash", "dirname"):
        (tools / tool).symlink_to(shutil.which(tool) or tool)
    log = tmp_path / "calls.log"
    _fake(tools / "apt-get", log, 100)
    _fake(tools / "python3", log, 0)
    env = {"PATH": str(tools), "HOME": str(tmp_path), **({"CI": "true"} if ci else {})}
    done = subprocess.run(
        [str(tools / "bash"), ".ci/run"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    return done, log.read_text() if log.exists() else ""


@pytest.mark.skipif(
    not (os.path.exists(POSTGRES_INITDB) and os.path.exists(NOTO_CJK_FONT)),
    reason="the stubbed run needs PostgreSQL and the fonts present: chromium is the one thing missing",
)
@pytest.mark.parametrize("ci", [True, False])
def test_ci_run_fails_under_ci_when_a_package_cannot_be_installed(tmp_path, ci):
    done, calls = run_ci_without_chromium(tmp_path, ci)
    assert calls.startswith("apt-get update")  # it tried to install what is missing
    assert "missing: chromium" in done.stderr
    if ci:
        assert done.returncode == 1
        assert "python3" not in calls  # stopped before the tests could skip their way to green
    else:
        assert "will be skipped" in done.stderr
        assert "python3 -m venv .venv" in calls  # warned, then went on to the test command


def test_a_missing_tool_skips_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-such-tool not found: because"):
        require_or_skip("no-such-tool", "because")


def test_a_missing_tool_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no-such-tool not found: because"):
        require_or_skip("/nonexistent/no-such-tool", "because")


def test_a_present_tool_is_found_by_name_or_path(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert require_or_skip("bash", "needed") == shutil.which("bash")
    assert require_or_skip(str(ROOT / "README.md"), "needed") == str(ROOT / "README.md")


def test_the_readme_command_table_is_one_table_with_every_verb():
    """Issue 33: two blank lines cut the README's command table, so the rows after them had no
    header and did not render. One table: from its header to its end no blank line, every row a
    row, and every verb of ``planner --help`` in it."""
    from planner.cli import VERBS, build_parser

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Command line", 1)[1]
    lines = section.split("| command | what it does |", 1)[1].splitlines()[1:]
    rows = []
    for line in lines[1:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    after = section.split("\n".join(lines[: len(rows) + 1]), 1)[1]
    assert not any(
        line.startswith("| `planner") for line in after.split("### Exit codes")[0].splitlines()
    )
    verbs = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert len(verbs) == len(VERBS)
    missing = [v for v in verbs if not any(row.startswith(f"| `planner {v}") for row in rows)]
    assert not missing, missing
