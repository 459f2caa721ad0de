"""Alembic migrations of the run store, applied by :func:`planner.store.open` (never by hand)."""
