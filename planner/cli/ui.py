"""``planner ui [SCENARIO] [--port N] [--host H] [--access FILE | --no-auth]``: start the Streamlit
app (ui/app.py).

The app ships inside the wheel as ``planner/_ui`` and lives in ``ui/`` in a source checkout; this verb
finds it in either place (like ``planner.scenario.datasets.data_dir``) and runs ``streamlit run`` on it.

Serving a team (docs/deploy.md): sign-in is Streamlit's OpenID Connect (``[auth]`` in secrets.toml)
and roles come from ``--access``. A host other than a loopback address is refused unless sign-in is
configured or ``--no-auth`` says, explicitly, that anyone who reaches the port may use the app.
"""

from __future__ import annotations

import argparse
import ipaddress
import signal
import subprocess
import sys
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from planner.cli.common import add_scenario_argument
from planner.errors import ExitCode
from planner.i18n.catalog import t
from planner.serve import limits, signin

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
        "--host",
        "--address",
        dest="address",
        default=DEFAULT_ADDRESS,
        help=f"address to listen on (default {DEFAULT_ADDRESS}: this machine only); any other "
        "needs sign-in configured or --no-auth",
    )
    who = parser.add_mutually_exclusive_group()
    who.add_argument(
        "--access",
        type=Path,
        metavar="FILE",
        help="access file: who is viewer, planner or approver (needs [auth] in secrets.toml)",
    )
    who.add_argument(
        "--no-auth",
        action="store_true",
        help="serve without sign-in to anyone who reaches the port (a red banner says so)",
    )
    parser.add_argument(
        "--secrets",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="secrets.toml holding [auth] (default: ~/.streamlit/ and ./.streamlit/secrets.toml)",
    )
    parser.add_argument(
        "--solve-seconds",
        type=float,
        default=limits.DEFAULT_SOLVE_SECONDS,
        metavar="S",
        help=f"time limit of each solve in the app (default {limits.DEFAULT_SOLVE_SECONDS:g})",
    )
    parser.add_argument(
        "--run-seconds",
        type=float,
        default=limits.DEFAULT_RUN_SECONDS,
        metavar="S",
        help="time limit of a whole frontier or alternatives run in the app; its worker process "
        f"is stopped then (default {limits.DEFAULT_RUN_SECONDS:g})",
    )
    parser.add_argument(
        "--max-cells",
        type=int,
        default=limits.DEFAULT_MAX_CELLS,
        metavar="N",
        help=f"largest regions × sectors × periods the app solves (default {limits.DEFAULT_MAX_CELLS:,})",
    )
    parser.add_argument(
        "--max-projects",
        type=int,
        default=limits.DEFAULT_MAX_PROJECTS,
        metavar="N",
        help=f"most candidate projects the app solves (default {limits.DEFAULT_MAX_PROJECTS:,})",
    )
    parser.set_defaults(func=run)


def is_loopback(address: str) -> bool:
    """Whether ``address`` serves this machine only (``localhost`` and 127.0.0.0/8, ``::1``)."""
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to any interface
        return False


def serving_refusal(args: argparse.Namespace, auth: dict[str, object]) -> str | None:
    """Why this combination of host, sign-in and access file must not start (None: it may)."""
    missing = signin.missing_settings(auth)
    if args.access is not None and not auth:
        return t("cli.ui.access_needs_auth_section")
    if args.access is not None and missing:
        return t("cli.ui.access_needs_signin", missing=", ".join(missing))
    if not missing and not args.no_auth and args.access is None:
        return t("cli.ui.signin_needs_access")
    if missing and not args.no_auth and not is_loopback(args.address):
        return t("cli.ui.refusing_host", host=args.address)
    return None


def app_arguments(args: argparse.Namespace, auth: dict[str, object]) -> list[str]:
    """What the app reads after ``--``: how people are let in, and the fair-use limits."""
    if args.no_auth:
        mode = ["--auth", "none"]
    elif args.access is not None:
        mode = ["--auth", "signin", "--access", str(args.access.resolve())]
        provider = signin.provider_name(auth)
        mode += ["--provider", provider] if provider else []
    else:
        mode = ["--auth", "local"]
    return [
        *mode,
        "--solve-seconds",
        f"{args.solve_seconds:g}",
        "--max-cells",
        str(args.max_cells),
        "--max-projects",
        str(args.max_projects),
        "--run-seconds",
        f"{args.run_seconds:g}",
    ]


def streamlit_command(
    app: Path,
    port: int,
    address: str,
    scenario: str | None,
    app_args: list[str] | None = None,
    secrets: list[Path] | None = None,
    origins: list[str] | None = None,
) -> list[str]:
    """``streamlit run`` of the app. ``origins`` are the public addresses the browser reaches the
    app at (:func:`public_origins`): with CORS on, Streamlit answers scripts and accepts WebSockets
    only from this machine's own addresses and these."""
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
        # stated, not assumed: a form posted from another site is refused (XSRF), and a page of
        # another site may neither read the app's answers nor open its WebSocket (CORS)
        "--server.enableXsrfProtection",
        "true",
        "--server.enableCORS",
        "true",
    ]
    for origin in origins or []:
        command += ["--server.corsAllowedOrigins", origin]
    for path in secrets or []:
        command += ["--secrets.files", str(path.resolve())]
    after = [*(app_args or []), *(["--scenario", scenario] if scenario else [])]
    return command + (["--", *after] if after else [])


def public_origins(auth: dict[str, object]) -> list[str]:
    """The app's public origin (``https://planner.office.example``): that of ``[auth]``'s
    ``redirect_uri``, the address people sign in at; none without sign-in (then the app is
    reached at this machine's own addresses, which Streamlit allows by itself)."""
    redirect = str(auth.get("redirect_uri") or "")
    parts = urlsplit(redirect)
    if not parts.scheme or not parts.netloc:
        return []
    return [f"{parts.scheme}://{parts.netloc}"]


def run(args: argparse.Namespace) -> int:
    from planner.scenario.files import load_scenario
    from planner.serve.access import load_access

    files = args.secrets or signin.default_secrets_files()
    auth = signin.auth_section(files)
    refusal = serving_refusal(args, auth)
    if refusal:
        print(t("cli.error", message=refusal), file=sys.stderr)
        return ExitCode.INVALID_INPUT
    if args.access is not None:
        load_access(args.access)  # a bad access file is exit 2 here, one line per problem
    if (
        min(args.solve_seconds, args.run_seconds) <= 0
        or args.max_cells < 1
        or args.max_projects < 0
    ):
        print(t("cli.error", message=t("cli.ui.limits_positive")), file=sys.stderr)
        return ExitCode.INVALID_INPUT

    scenario = args.scenario
    if scenario:
        load_scenario(scenario)  # a bad scenario is exit 2 here, not an error page later
        if Path(scenario).exists():  # the app's working folder may differ: pass a full path
            scenario = str(Path(scenario).resolve())
    app = app_path()
    print(t("cli.ui.serving", url=f"http://{args.address}:{args.port}"), flush=True)
    command = streamlit_command(
        app,
        args.port,
        args.address,
        scenario,
        app_arguments(args, auth),
        args.secrets,
        public_origins(auth),
    )
    return run_forwarding_stop(command)


def run_forwarding_stop(command: list[str]) -> int:
    """Run the server and pass a stop request (SIGTERM, as a service manager sends) on to it, so
    stopping ``planner ui`` stops the server and, through its exit handlers, its workers."""
    server = subprocess.Popen(command)
    previous = signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    try:
        return server.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
