"""Keeping Python's cyclic garbage collector off a large model: paused while it is built, and the
model's objects frozen out of its walks while the model lives."""

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


class FrozenObjects:
    """Take everything alive now out of the collector's walks (``gc.freeze``), until released.

    A large model is ten million objects that live as long as the model; every full collection
    would walk them all (1.2 s each at 960,000 columns), and the first one comes soon after the
    build. Freezing is process-wide: what was alive at the freeze is skipped by the collector until
    :meth:`release`, and a Pyomo model is cyclic garbage once dropped, so whoever freezes must
    release (and collect) when the model goes.
    """

    def __init__(self) -> None:
        gc.freeze()
        self.active = True

    def release(self, collect: bool = False) -> None:
        """Hand the frozen objects back to the collector; ``collect`` frees the dropped ones now."""
        if self.active:
            self.active = False
            gc.unfreeze()
            if collect:
                gc.collect()
