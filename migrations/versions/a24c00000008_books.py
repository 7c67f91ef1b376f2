"""fee income posted to the compound's books (issue 24)

Revision ID: a24c00000008
Revises: a24b00000007
Create Date: 2026-12-06
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "a24c00000008"
down_revision = "a24b00000007"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
