"""sign-in limits and password policy (issue 23)

Revision ID: a23c00000003
Revises: a23b00000002
Create Date: 2026-12-06
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "a23c00000003"
down_revision = "a23b00000002"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
