"""tickets as the hotline sends them: external reference, day reported, complaint categories (issue 25)

Revision ID: a25a0000000a
Revises: a24d00000009
Create Date: 2026-12-06

A ticket keeps the platform's order number (unique per source) and the moment the citizen
reported it; tickets recorded before this step were reported when they were recorded. The new
complaint categories need no schema change: `ticket.category` is text checked by the API.
"""

import warnings
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "a25a0000000a"
down_revision = "a24d00000009"
branch_labels = None
depends_on = None


@contextmanager
def _household_index_unreflected():
    """SQLite rebuilds `ticket` to alter it, reflecting the tables it refers to: household's
    expression index (a24a00000006) cannot be reflected, and need not be (household is not rebuilt)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index", sa.exc.SAWarning)
        yield


def upgrade():
    with _household_index_unreflected(), op.batch_alter_table("ticket") as batch:
        batch.add_column(sa.Column("external_ref", sa.String(length=64), nullable=True))
        batch.add_column(
            sa.Column("reported_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=True)
        )
    op.execute("UPDATE ticket SET reported_at = created_at")
    with _household_index_unreflected(), op.batch_alter_table("ticket") as batch:
        batch.alter_column(
            "reported_at",
            existing_type=sa.DateTime(timezone=True),
            nullable=False,
            existing_server_default=sa.func.now(),
        )
        batch.create_unique_constraint(batch.f("uq_ticket_source_external_ref"), ["source", "external_ref"])
        batch.create_index(batch.f("ix_ticket_reported_at"), ["reported_at"], unique=False)


def downgrade():
    with _household_index_unreflected(), op.batch_alter_table("ticket") as batch:
        batch.drop_index(batch.f("ix_ticket_reported_at"))
        batch.drop_constraint(batch.f("uq_ticket_source_external_ref"), type_="unique")
        batch.drop_column("reported_at")
        batch.drop_column("external_ref")
