"""A plan's candidate projects and their cash per period (projects.md "Results"), append-only.

Runs recorded before have no rows here; their content hash never covered these tables, and an empty
project table stays out of it (see ``PlanTable.hashed_when_empty``), so they still verify.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa

from planner.store.migrations.ops import create_plan_table, make_append_only

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_plan_table(
        "projects",
        sa.Column("id", sa.Text, nullable=False),
        *(sa.Column(c, sa.Text) for c in ("name", "region", "sector", "group")),
        *(sa.Column(c, sa.Integer) for c in ("mandatory", "funded", "start")),
        *(sa.Column(c, sa.Float) for c in ("cost", "value")),
    )
    create_plan_table(
        "project_cash",
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("period", sa.Integer, nullable=False),
        sa.Column("amount", sa.Float),
    )
    make_append_only("run_projects", "run_project_cash")
