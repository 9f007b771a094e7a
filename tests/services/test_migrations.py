"""Every schema change is a migration: the migrated database matches the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext


def test_migrations_build_exactly_the_schema_of_the_models(app, db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
