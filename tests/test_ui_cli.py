"""`planner ui`: finds the app, passes the documented server options, refuses a bad scenario early."""

from __future__ import annotations

import pytest

from planner.cli import main
from planner.cli.ui import DEFAULT_ADDRESS, app_path, streamlit_command


def test_the_app_is_found_in_the_checkout() -> None:
    assert app_path().is_file() and app_path().name == "app.py"


def test_the_server_is_headless_local_and_upload_limited() -> None:
    command = streamlit_command(app_path(), 8600, DEFAULT_ADDRESS, "china_national")
    pairs = dict(zip(command, command[1:], strict=False))
    assert pairs["--server.port"] == "8600"
    assert pairs["--server.address"] == "127.0.0.1"
    assert pairs["--server.headless"] == "true"
    assert pairs["--browser.gatherUsageStats"] == "false"
    assert pairs["--server.maxUploadSize"] == "5"
    assert command[-3:] == ["--", "--scenario", "china_national"]


def test_a_bad_scenario_is_exit_2_before_any_server_starts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["ui", "no-such-scenario.yaml", "--port", "1"]) == 2
    assert "no-such-scenario.yaml: no such file" in capsys.readouterr().err
