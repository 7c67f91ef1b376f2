"""ticket handoffs (issue 25)

Revision ID: a25c0000000c
Revises: a25b0000000b
Create Date: 2026-12-06

This step changes no schema.
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "a25c0000000c"
down_revision = "a25b0000000b"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
