"""A plan's criteria table (criteria.md "Results") and the moment it was solved, so a stored run
reads back whole: its "What matters" split and its ``solved_at`` as the live plan had them.

Runs recorded before have no criteria rows (an empty table stays out of their content hash, see
``PlanTable.hashed_when_empty``) and no ``solved_at`` (the chain hashes it only when it holds a
value), so they verify unchanged.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from planner.store.migrations.ops import create_plan_table, make_append_only

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_plan_table(
        "criteria",
        sa.Column("criterion", sa.Text, nullable=False),
        sa.Column("label", sa.Text),
        sa.Column("weight", sa.Float),
        sa.Column("E", sa.Float),
    )
    make_append_only("run_criteria")
    # ADD COLUMN is neither UPDATE nor DELETE: 0002's append-only triggers allow it
    op.add_column("runs", sa.Column("solved_at", sa.String(40), nullable=True))
