"""Runs and events become append-only in the database itself, and listing gets its indexes.

The hash chain shows tampering after the fact; these triggers refuse the ordinary UPDATE or DELETE
before it happens (someone with the database's owner rights can still drop them, which the chain
then shows).

Revision ID: 0002
Revises: 0001
"""

from alembic import op

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
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION planner_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'planner run store: % is append-only', TG_TABLE_NAME; END $$"
        )
    for table in APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            op.execute(_trigger(op.get_bind().dialect.name, table, action))


def _trigger(dialect: str, table: str, action: str) -> str:
    name = f"{table}_no_{action.lower()}"
    if dialect == "postgresql":
        return (
            f"CREATE TRIGGER {name} BEFORE {action} ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION planner_append_only()"
        )
    return (
        f"CREATE TRIGGER {name} BEFORE {action} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'planner run store: {table} is append-only'); END"
    )
