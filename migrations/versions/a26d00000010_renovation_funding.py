"""renovation funding (issue 26)

Revision ID: a26d00000010
Revises: a26c0000000f
Create Date: 2026-12-06

This step changes no schema.
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "a26d00000010"
down_revision = "a26c0000000f"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
