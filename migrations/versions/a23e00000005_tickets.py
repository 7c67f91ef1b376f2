"""ticket confirmation held by the reporter (issue 23)

Revision ID: a23e00000005
Revises: a23d00000004
Create Date: 2026-12-06
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "a23e00000005"
down_revision = "a23d00000004"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
