"""row locks, reversal key namespace and idempotency keys (issue 23)

Revision ID: a23b00000002
Revises: a23a00000001
Create Date: 2026-12-06
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "a23b00000002"
down_revision = "a23a00000001"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
