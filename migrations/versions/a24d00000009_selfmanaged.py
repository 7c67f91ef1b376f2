"""committees and streets as collecting parties (issue 24)

Revision ID: a24d00000009
Revises: a24c00000008
Create Date: 2026-12-06
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "a24d00000009"
down_revision = "a24c00000008"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
