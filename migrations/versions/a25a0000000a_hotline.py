"""tickets as the hotline sends them: external reference, day reported, complaint categories (issue 25)

Revision ID: a25a0000000a
Revises: a24d00000009
Create Date: 2026-12-06
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "a25a0000000a"
down_revision = "a24d00000009"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
