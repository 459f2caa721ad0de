"""The run store and decision audit trail: every recorded plan, who made it, from what, and why.

``planner.store.open(url=None)`` gives a :class:`~planner.store.api.RunStore`; see docs/store.md.
"""

from planner.store.api import RunStore, open

__all__ = ["RunStore", "open"]
