"""Pausing Python's cyclic garbage collector while a large model is built and compiled."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def garbage_collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while millions of expression objects are created.

    None of them is garbage yet, so each collection the allocations trigger would only walk the
    growing model again (a large model's build and hand-over spent much of their time there).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
