"""bounds and normalised keys for the input discipline (issue 23)

Revision ID: a23a00000001
Revises: d6b3f9a2c007
Create Date: 2026-12-06
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "a23a00000001"
down_revision = "d6b3f9a2c007"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
