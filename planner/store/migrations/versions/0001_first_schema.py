"""The first schema: scenarios, runs with their plan tables and diagnosis, events, the chain head.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from planner.store.migrations.ops import create_plan_table

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "store_info",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.bulk_insert(
        sa.table("store_info", sa.column("key"), sa.column("value")),
        [{"key": "format", "value": "planner run store"}],
    )
    op.create_table(
        "chain_head",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(
        sa.table("chain_head", sa.column("id"), sa.column("seq"), sa.column("hash")),
        [{"id": 1, "seq": 0, "hash": "0" * 64}],
    )
    op.create_table(
        "scenarios",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("id", sa.String(32), nullable=False, unique=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("user", sa.Text, nullable=False),
        sa.Column("host", sa.Text, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("planner_version", sa.String(32), nullable=False),
        sa.Column("pyomo_version", sa.String(32), nullable=False),
        sa.Column("highs_version", sa.String(32), nullable=False),
        sa.Column(
            "scenario_digest", sa.String(64), sa.ForeignKey("scenarios.digest"), nullable=False
        ),
        sa.Column("scenario_name", sa.Text, nullable=False),
        sa.Column("changes", sa.Text, nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("objective", sa.Float),
        sa.Column("E", sa.Float),
        sa.Column("min_coverage", sa.Float),
        sa.Column("gap", sa.Float),
        sa.Column("E_star", sa.Float),
        sa.Column("z_star", sa.Float),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("timings", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("parent_id", sa.String(32)),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("run_id", sa.String(32), sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("user", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("other_run_id", sa.String(32)),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    create_plan_table(
        "allocation",
        sa.Column("region", sa.Text, nullable=False),
        sa.Column("sector", sa.Text, nullable=False),
        sa.Column("period", sa.Integer, nullable=False),
        sa.Column("amount", sa.Float),
    )
    create_plan_table(
        "budget",
        sa.Column("period", sa.Integer, nullable=False),
        *(
            sa.Column(c, sa.Float)
            for c in ("budget", "carried_in", "spent", "carried_out", "lapsed")
        ),
    )
    create_plan_table(
        "coverage",
        sa.Column("region", sa.Text, nullable=False),
        *(sa.Column(c, sa.Float) for c in ("need", "allocated", "coverage", "floor")),
    )
    create_plan_table(
        "constraints",
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        *(sa.Column(c, sa.Float) for c in ("lhs", "rhs", "dual")),
        sa.Column("binding", sa.Integer),
    )
    op.create_table(
        "run_diagnosis",
        sa.Column("run_seq", sa.Integer, sa.ForeignKey("runs.seq"), primary_key=True),
        sa.Column("document", sa.Text, nullable=False),
    )
