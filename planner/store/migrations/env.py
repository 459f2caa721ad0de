"""Alembic's entry point: migrate on the connection planner hands over (already in a transaction,
already holding the store's migration lock), never on one of its own."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
