"""management arrangement (issue 26)

Revision ID: a26a0000000d
Revises: a25c0000000c
Create Date: 2026-12-06

This step changes no schema.
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "a26a0000000d"
down_revision = "a25c0000000c"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
