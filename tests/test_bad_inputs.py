"""The bad-input corpus: every case in ``tests/bad_inputs/<case>/`` is refused cleanly.

Each case folder holds a ``scenario.yaml`` (with ``regions.csv`` and ``needs.csv`` beside it) that is
wrong in one way (or, in ``several_problems``, in several), and an ``expected.txt`` whose lines must each
appear in what ``planner`` prints. A case may also hold ``PAD_TO_BYTES``: the test pads the YAML copy with
comment lines to that size (an oversized file is not worth committing).

For ``planner validate`` and ``planner solve`` alike:

- exit code 2 (invalid input);
- nothing on stdout (so ``planner solve X --json > plan.json`` leaves no half plan) and no new file;
- on stderr, one line per problem, each ``error: <file>[, row N][, field 'f']: <message>`` naming a file
  of the case, never a traceback.

Every case runs in-process through ``planner.cli.main``; a few run as real subprocesses, to prove
that the installed entry point behaves the same (no traceback from interpreter start-up or imports).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planner.cli import main
from planner.errors import ExitCode

CASES_DIR = Path(__file__).parent / "bad_inputs"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if (p / "expected.txt").is_file())
LINE = re.compile(r"^error: (?P<file>[^,:]+)(, row \d+)?(, field '[^']+')?: \S.*$")
# (case, verb): one refusal at parse time, one with several problems; every case and verb runs
# in-process above, so the processes only prove the entry point adds no traceback of its own
SUBPROCESS_CASES = [("malformed_yaml", "validate"), ("several_problems", "solve")]
ROOT = Path(__file__).resolve().parents[1]


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30


def materialize(case: str, tmp_path: Path) -> Path:
    """A copy of the case in a fresh folder (so nothing the CLI writes could land in the repo)."""
    folder = tmp_path / case
    shutil.copytree(CASES_DIR / case, folder)
    pad = folder / "PAD_TO_BYTES"
    if pad.is_file():
        target = int(pad.read_text().strip())
        pad.unlink()
        yaml_path = folder / "scenario.yaml"
        size = yaml_path.stat().st_size
        line = b"# padding to test the size limit\n"
        with yaml_path.open("ab") as handle:
            handle.write(line * ((target - size) // len(line) + 1))
    (folder / "expected.txt").unlink()
    return folder


def expected_lines(case: str) -> list[str]:
    text = (CASES_DIR / case / "expected.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


def check_refusal(case: str, folder: Path, code: int, stdout: str, stderr: str) -> None:
    files_after = sorted(p.name for p in folder.iterdir())
    assert code == ExitCode.INVALID_INPUT, f"{case}: exit {code}\n{stderr}"
    assert stdout == "", f"{case}: printed on stdout: {stdout[:200]}"
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert lines, f"{case}: no message"
    case_files = set(files_after) | {"scenario.yaml", "regions.csv", "needs.csv"}
    for line in lines:
        match = LINE.match(line)
        assert match, f"{case}: not a one-line located problem: {line!r}"
        assert match["file"] in case_files, f"{case}: names no file of the case: {line!r}"
    for wanted in expected_lines(case):
        assert any(wanted in line for line in lines), f"{case}: no line has {wanted!r}:\n{stderr}"
    assert files_after == sorted(["scenario.yaml", "regions.csv", "needs.csv"]), files_after


@pytest.mark.parametrize("verb", ["validate", "solve"])
@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_with_located_messages(
    case: str, verb: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = materialize(case, tmp_path)
    args = [verb, str(folder / "scenario.yaml")] + (["--json"] if verb == "solve" else [])
    code = main(args)
    out, err = capsys.readouterr()
    check_refusal(case, folder, code, out, err)


@pytest.mark.parametrize(("case", "verb"), SUBPROCESS_CASES)
def test_the_command_refuses_without_traceback(case: str, verb: str, tmp_path: Path) -> None:
    folder = materialize(case, tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "planner", verb, str(folder)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,  # a hang is a failure, not a stuck suite; the limit is no speed goal
    )
    check_refusal(case, folder, done.returncode, done.stdout, done.stderr)


def test_a_bad_change_on_the_command_line_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["solve", "western_china", "--set", "budget=-5", "--set", "speed=9"])
    out, err = capsys.readouterr()
    assert code == ExitCode.INVALID_INPUT and out == ""
    assert "--set, field 'speed': unknown change 'speed'" in err
    assert "--set, field 'budget'" in err
