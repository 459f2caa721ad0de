"""`planner ui`: finds the app, passes the documented server options, refuses a bad scenario early."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planner.cli import main
from planner.cli.ui import DEFAULT_ADDRESS, app_path, public_origins, streamlit_command


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


def test_a_network_address_without_sign_in_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    absent = tmp_path / "secrets.toml"
    for host in ("0.0.0.0", "192.168.1.20", "planner.office.example"):
        assert main(["ui", "--host", host, "--port", "1", "--secrets", str(absent)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"refusing to serve on {host} without sign-in" in err


def test_sign_in_and_the_access_file_must_come_together(
    capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    secrets = tmp_path / "secrets.toml"
    access = tmp_path / "access.yaml"
    access.write_text("roles:\n  viewer:\n    domains: [office.example]\n")
    assert main(["ui", "--port", "1", "--secrets", str(secrets), "--access", str(access)]) == 2
    assert "--access needs sign-in" in capsys.readouterr().err
    secrets.write_text(
        '[auth]\nredirect_uri = "http://127.0.0.1:1/oauth2callback"\ncookie_secret = "s"\n'
        'client_id = "c"\nclient_secret = "s"\nserver_metadata_url = "http://127.0.0.1:2/x"\n'
    )
    assert main(["ui", "--host", "0.0.0.0", "--port", "1", "--secrets", str(secrets)]) == 2
    assert "no --access file says who may do what" in capsys.readouterr().err
    access.write_text("roles:\n  owner:\n    users: [a@b.c]\n")
    assert main(["ui", "--port", "1", "--secrets", str(secrets), "--access", str(access)]) == 2
    assert "access.yaml, field 'roles': " in capsys.readouterr().err


def test_the_server_keeps_xsrf_and_cors_on_for_its_public_origin() -> None:
    """CORS off made Streamlit send ``Access-Control-Allow-Origin: *`` and take WebSockets from any
    origin (issue 31): it is on, and the one origin allowed beside the machine's own is the public
    address people sign in at."""
    auth = {"redirect_uri": "https://planner.office.example/oauth2callback"}
    origins = public_origins(auth)
    assert origins == ["https://planner.office.example"]
    command = streamlit_command(
        app_path(), 8600, DEFAULT_ADDRESS, None, ["--auth", "local"], None, origins
    )
    pairs = dict(zip(command, command[1:], strict=False))
    assert pairs["--server.enableXsrfProtection"] == "true"
    assert pairs["--server.enableCORS"] == "true"
    assert pairs["--server.corsAllowedOrigins"] == "https://planner.office.example"
    assert command[-3:] == ["--", "--auth", "local"]
    assert public_origins({}) == []  # without sign-in: this machine's addresses only


def test_access_without_any_auth_section_says_so_in_plain_words(
    capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    access = tmp_path / "access.yaml"
    access.write_text("roles:\n  viewer:\n    domains: [office.example]\n")
    absent = tmp_path / "secrets.toml"
    assert main(["ui", "--port", "1", "--secrets", str(absent), "--access", str(access)]) == 2
    err = capsys.readouterr().err
    assert "no secrets.toml read has an [auth] section" in err and "lack no" not in err


def test_stopping_planner_ui_alone_stops_its_server(tmp_path: Path) -> None:
    """A service manager stops `planner ui` by SIGTERM to its own process (not the group): the
    Streamlit server it started must go too, or it keeps the port and its workers alive."""
    from tests.test_ui_browser import free_port, wait_until_healthy

    port, log = free_port(), tmp_path / "server.log"
    with open(log, "wb") as out:
        ui = subprocess.Popen(
            [sys.executable, "-m", "planner", "ui", "--port", str(port), "--address", "127.0.0.1"],
            cwd=Path(__file__).resolve().parents[1],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", ui, log)
        children = Path(f"/proc/{ui.pid}/task/{ui.pid}/children").read_text().split()
        assert children, "planner ui started no server process"
        ui.send_signal(signal.SIGTERM)  # to planner ui alone
        ui.wait(timeout=60)
        for child in children:
            for _ in range(120):
                if not Path(f"/proc/{child}").exists() or "Z" in _state(child):
                    break
                time.sleep(0.5)
            else:
                pytest.fail(f"the server (pid {child}) outlived planner ui")
    finally:  # whatever is left of its process group (the server, if this test failed)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(ui.pid, signal.SIGKILL)
        ui.wait()


def _state(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"
