"""The models and the migrations agree: autogenerate against the migrated schema finds nothing."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from pm_app.extensions import db


# bill_total's key is unique on an expression (coalesce(firm_id, 0)), declared in its migration
# only: SQLAlchemy cannot reflect such an index, and says so; autogenerate leaves it out.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index uq_bill_total_key")
# The same for the counter's search by the phone's last four digits (migration a24a00000006).
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index ix_household_phone_tail")
def test_models_and_migrations_agree(app):
    # The session fixture built this schema with `flask db upgrade`, not create_all.
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models differ from migrations; run `pm-app db migrate`: {diff}"


def test_migrations_have_a_single_head(app):
    from alembic.script import ScriptDirectory
    from flask import current_app

    config = current_app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


@pytest.mark.postgres_only
def test_the_database_plans_for_data_in_memory(app):
    # c5f2a8e1d006: set on the database, so every new connection (and PgBouncer's) plans with it
    engine = create_engine(db.engine.url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SHOW random_page_cost").scalar() == "1.1"
    finally:
        engine.dispose()
