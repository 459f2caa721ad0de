"""``planner ui [SCENARIO] [--port N]``: start the Streamlit app (ui/app.py) on this machine.

The app ships inside the wheel as ``planner/_ui`` and lives in ``ui/`` in a source checkout; this verb
finds it in either place (like ``planner.scenario.datasets.data_dir``) and runs ``streamlit run`` on it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from importlib import resources
from pathlib import Path

from planner.cli.common import add_scenario_argument

DEFAULT_PORT = 8501
DEFAULT_ADDRESS = "127.0.0.1"  # this machine only; pass --address 0.0.0.0 to share on a network
UPLOAD_LIMIT_MIB = 5  # the app checks this itself too (ui/upload.py); docs/ui.md


def app_path() -> Path:
    """The app's entry script: ``planner/_ui/app.py`` in a wheel, ``ui/app.py`` in a checkout."""
    installed = Path(str(resources.files("planner"))) / "_ui" / "app.py"
    if installed.is_file():
        return installed
    return Path(__file__).resolve().parents[2] / "ui" / "app.py"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "ui",
        help="open the planning app (Streamlit) in the browser",
        description="Start the planning app on this machine and print its address; "
        "open it in a browser. Ctrl+C stops it.",
    )
    add_scenario_argument(parser)
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port to serve on (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--address",
        default=DEFAULT_ADDRESS,
        help=f"address to listen on (default {DEFAULT_ADDRESS}: this machine only)",
    )
    parser.set_defaults(func=run)


def streamlit_command(app: Path, port: int, address: str, scenario: str | None) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.maxUploadSize",
        str(UPLOAD_LIMIT_MIB),
        "--client.toolbarMode",
        "minimal",
    ]
    if scenario:
        command += ["--", "--scenario", scenario]
    return command


def run(args: argparse.Namespace) -> int:
    from planner.scenario.files import load_scenario

    scenario = args.scenario
    if scenario:
        load_scenario(scenario)  # a bad scenario is exit 2 here, not an error page later
        if Path(scenario).exists():  # the app's working folder may differ: pass a full path
            scenario = str(Path(scenario).resolve())
    app = app_path()
    print(f"planner ui: http://{args.address}:{args.port} (Ctrl+C stops it)", flush=True)
    return subprocess.run(
        streamlit_command(app, args.port, args.address, scenario), check=False
    ).returncode
