"""committee rules (issue 26)

Revision ID: a26b0000000e
Revises: a26a0000000d
Create Date: 2026-12-06

This step changes no schema.
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "a26b0000000e"
down_revision = "a26a0000000d"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
