"""joint acceptance (issue 26)

Revision ID: a26c0000000f
Revises: a26b0000000e
Create Date: 2026-12-06

This step changes no schema.
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "a26c0000000f"
down_revision = "a26b0000000e"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
