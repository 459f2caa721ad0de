"""A funded plan's who-pays tables (funding.md "Results": ``funding``, ``sources``, ``debt``) and a
re-plan's record of the past (actuals.md "Results": ``through``, ``locked``, ``relaxed``,
``fixed``), append-only, so a stored funded run or re-plan reads back whole: its Funding sheet,
section and tab, and its locked periods and relaxed rows, as the live plan had them.

Runs recorded before have no rows here; an empty table and a missing actuals record stay out of
the content hash (see ``PlanTable.hashed_when_empty``), so they verify unchanged.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from planner.store.migrations.ops import create_plan_table, make_append_only

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_plan_table(
        "funding",
        *(sa.Column(c, sa.Text, nullable=False) for c in ("region", "sector")),
        sa.Column("period", sa.Integer, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("amount", sa.Float),
    )
    create_plan_table(
        "sources",
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("period", sa.Integer, nullable=False),
        *(sa.Column(c, sa.Float) for c in ("available", "used", "carried_out", "unused", "dual")),
        sa.Column("binding", sa.Integer),
    )
    create_plan_table(
        "debt",
        sa.Column("region", sa.Text, nullable=False),
        *(sa.Column(c, sa.Float) for c in ("drawn", "room", "dual")),
    )
    op.create_table(
        "run_actuals",
        sa.Column("run_seq", sa.Integer, sa.ForeignKey("runs.seq"), primary_key=True),
        sa.Column("document", sa.Text, nullable=False),
    )
    make_append_only("run_funding", "run_sources", "run_debt", "run_actuals")
