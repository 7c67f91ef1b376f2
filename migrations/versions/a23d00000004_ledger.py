"""ledger head guarded and anchored by printed statements (issue 23)

Revision ID: a23d00000004
Revises: a23c00000003
Create Date: 2026-12-06
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "a23d00000004"
down_revision = "a23c00000003"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
