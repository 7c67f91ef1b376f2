"""receipts and the fee counter (issue 24)

Revision ID: a24a00000006
Revises: a23e00000005
Create Date: 2026-12-06
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "a24a00000006"
down_revision = "a23e00000005"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
