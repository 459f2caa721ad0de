"""Runs and events carry the identity provider (the ID token's ``iss``) beside the subject.

A subject is unique only within its provider: an office with two identity providers (say Keycloak
and Entra ID) can have two people with the same ``sub``. The issuer makes the pair unique. Rows
recorded before (and rows from the command line) leave it empty; the chain hashes it only when it
holds a value, so older links verify unchanged and stay readable.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("runs", "events"):
        # ADD COLUMN is neither UPDATE nor DELETE: 0002's append-only triggers allow it
        op.add_column(table, sa.Column("user_issuer", sa.Text, nullable=True))
    op.create_index("runs_user_identity", "runs", ["user_issuer", "user_subject"])
