"""Runs and events become append-only in the database itself, and listing gets its indexes.

The hash chain shows tampering after the fact; these triggers refuse the ordinary UPDATE or DELETE
before it happens (someone with the database's owner rights can still drop them, which the chain
then shows).

Revision ID: 0002
Revises: 0001
"""

from alembic import op

from planner.store.migrations.ops import create_function, make_append_only

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APPEND_ONLY = (
    "runs",
    "events",
    "scenarios",
    "run_allocation",
    "run_budget",
    "run_coverage",
    "run_constraints",
    "run_diagnosis",
)


def upgrade() -> None:
    op.create_index("runs_created_at", "runs", ["created_at"])
    op.create_index("runs_user", "runs", ["user"])
    op.create_index("runs_scenario_name", "runs", ["scenario_name"])
    op.create_index("events_run_id", "events", ["run_id"])
    create_function()
    make_append_only(*APPEND_ONLY)
