"""Whether the app's sign-in is set up: Streamlit's OpenID Connect settings in ``secrets.toml``.

Streamlit reads ``[auth]`` from ``.streamlit/secrets.toml`` in the folder it starts in and from
``~/.streamlit/secrets.toml`` (or the files ``--secrets`` names). Sign-in counts as configured when
``[auth]`` has ``redirect_uri`` and ``cookie_secret`` and one provider: ``client_id``,
``client_secret`` and ``server_metadata_url`` directly under ``[auth]``, or in one named
``[auth.NAME]`` table.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SHARED = ("redirect_uri", "cookie_secret")
PROVIDER = ("client_id", "client_secret", "server_metadata_url")


def default_secrets_files(cwd: Path | None = None) -> list[Path]:
    """Where Streamlit looks for secrets.toml when it is not told (global first, then the app's)."""
    here = Path.cwd() if cwd is None else cwd
    return [Path.home() / ".streamlit" / "secrets.toml", here / ".streamlit" / "secrets.toml"]


def auth_section(files: Iterable[Path]) -> dict[str, Any]:
    """The ``[auth]`` table, later files overriding earlier ones as Streamlit merges them."""
    merged: dict[str, Any] = {}
    for path in files:
        if path.is_file():
            with path.open("rb") as handle:
                merged.update(tomllib.load(handle).get("auth") or {})
    return merged


def missing_settings(auth: dict[str, Any]) -> list[str]:
    """What ``[auth]`` lacks for sign-in to work (empty when it is complete)."""
    if not auth:
        return ["no [auth] section"]
    missing = [key for key in SHARED if not auth.get(key)]
    providers = [auth] + [v for v in auth.values() if isinstance(v, dict)]
    if not any(all(p.get(key) for key in PROVIDER) for p in providers):
        missing.append("a provider (" + ", ".join(PROVIDER) + ")")
    return missing


def provider_name(auth: dict[str, Any]) -> str | None:
    """The named provider ``st.login`` must be given, or None for the one under ``[auth]``."""
    if all(auth.get(key) for key in PROVIDER):
        return None
    named = [k for k, v in auth.items() if isinstance(v, dict) and all(v.get(p) for p in PROVIDER)]
    return named[0] if named else None
