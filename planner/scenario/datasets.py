"""Where the bundled data lives: the one place that knows (installed wheel or source checkout)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DEFAULT_SCENARIO = "western_china"


def data_dir() -> Path:
    """The bundled ``data/`` folder: ``planner/_data`` in a wheel, ``data/`` in a source checkout."""
    installed = Path(str(resources.files("planner"))) / "_data"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "data"


def bundled_scenarios() -> dict[str, Path]:
    """Bundled scenarios by name: every folder of ``data/`` that holds a ``scenario.yaml``."""
    root = data_dir()
    if not root.is_dir():
        return {}
    return {p.parent.name: p for p in sorted(root.glob("*/scenario.yaml"))}


def bundled_scenario_path(name: str) -> Path | None:
    return bundled_scenarios().get(name)


def default_scenario_path() -> Path:
    """The scenario ``planner solve`` runs when none is named."""
    path = bundled_scenario_path(DEFAULT_SCENARIO)
    if path is None:
        raise FileNotFoundError(
            f"bundled scenario '{DEFAULT_SCENARIO}' is missing from {data_dir()}"
        )
    return path
