"""background jobs with progress, bulk bill generation (issue 24)

Revision ID: a24b00000007
Revises: a24a00000006
Create Date: 2026-12-06
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "a24b00000007"
down_revision = "a24a00000006"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
