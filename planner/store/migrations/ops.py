"""Operations the migrations share: a plan table's shape and the append-only triggers."""

import sqlalchemy as sa
from alembic import op


def create_plan_table(name: str, *columns: sa.Column) -> None:  # type: ignore[type-arg]
    """``run_<name>``: a plan table's rows keyed by the run's chain position and their order."""
    op.create_table(
        f"run_{name}",
        sa.Column("run_seq", sa.Integer, sa.ForeignKey("runs.seq"), primary_key=True),
        sa.Column("row_no", sa.Integer, primary_key=True, autoincrement=False),
        *columns,
    )


def create_function() -> None:
    """PostgreSQL's trigger function (once, in 0002); SQLite's triggers need none."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION planner_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'planner run store: % is append-only', TG_TABLE_NAME; END $$"
        )


def make_append_only(*tables: str) -> None:
    """Triggers refusing UPDATE and DELETE on each table."""
    for table in tables:
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
