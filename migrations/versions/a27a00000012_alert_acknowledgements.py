"""alert acknowledgements (issue 27)

Revision ID: a27a00000012
Revises: a29a00000011
Create Date: 2026-12-06

This step changes no schema.
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "a27a00000012"
down_revision = "a29a00000011"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
