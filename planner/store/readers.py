"""Stored runs as scenario sources: ``run:3f2a`` (or a plain id that names nothing else) means the
exact scenario the run solved, so ``planner compare RUN1 RUN2 --attribute`` and
``planner.attribute("run:3f2a", "run:9b71")`` re-solve what was recorded.

:func:`stored_run_scenario` is registered in
:data:`planner.analysis.attribution.SCENARIO_READERS` by ``planner/__init__.py``. It loads
SQLAlchemy only when a source looks like a run id, and never creates a store: a plain id with no
store file is simply not a run.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

RUN_PREFIX = "run:"
"""A source that starts with this names a stored run, whatever else it could mean."""

_RUN_ID = re.compile(r"[0-9a-f]{4,32}")  # ids are hexadecimal; a prefix of 4+ characters names one


def stored_run_scenario(source: Any, url: str | os.PathLike[str] | None = None) -> Any:
    """The scenario of the run ``source`` names, in the store at ``url`` (default: as
    :func:`planner.store.open` finds it); None when ``source`` names no run.

    ``run:ID`` always means a run: an unknown or ambiguous id raises
    :class:`~planner.errors.StoreError`. A plain ``ID`` means a run only when it is not a file,
    folder or bundled scenario, a store exists, and the id is found there; an id naming several
    runs raises.
    """
    if not isinstance(source, str):
        return None
    text = source.strip()
    if text.lower().startswith(RUN_PREFIX):
        return _scenario_of(text[len(RUN_PREFIX) :], url, create=True)
    if not _RUN_ID.fullmatch(text.lower()) or _names_a_scenario(text):
        return None
    return _scenario_of(text, url, create=False)


def _names_a_scenario(text: str) -> bool:
    from planner.scenario.datasets import bundled_scenario_path

    return Path(text).exists() or bundled_scenario_path(text) is not None


def _scenario_of(run_id: str, url: str | os.PathLike[str] | None, create: bool) -> Any:
    from planner.store import api, engine

    resolved = engine.resolve(url)
    if not create and not _may_hold_runs(resolved):
        return None  # no store here: a plain id is then no run
    with api.RunStore(resolved, engine.open_engine(resolved)) as store:
        if not create and not store.has_run(run_id):
            return None
        return store.scenario(run_id)  # StoreError for an unknown (run:) or ambiguous id


def _may_hold_runs(url: Any) -> bool:
    """False for an SQLite file that does not exist (opening it would create a store)."""
    if url.get_backend_name() != "sqlite":
        return True
    return bool(url.database) and Path(url.database).is_file()
