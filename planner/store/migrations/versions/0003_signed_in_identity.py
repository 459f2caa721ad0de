"""Runs and events carry the signed-in identity: the IdP's stable subject and the e-mail.

A run recorded from the app behind sign-in keeps who did it in a form that survives a change of
display name or e-mail (the subject), beside the e-mail a person reads. Rows recorded before, and
rows from the command line (the OS user), leave both empty; the chain hashes the two columns only
when they hold a value, so older links verify unchanged.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

IDENTITY_COLUMNS = ("user_subject", "user_email")


def upgrade() -> None:
    for table in ("runs", "events"):
        for column in IDENTITY_COLUMNS:
            # ADD COLUMN is neither UPDATE nor DELETE: 0002's append-only triggers allow it
            op.add_column(table, sa.Column(column, sa.Text, nullable=True))
    op.create_index("runs_user_subject", "runs", ["user_subject"])
    op.create_index("runs_user_email", "runs", ["user_email"])
