"""hotline import (issue 25)

Revision ID: a25b0000000b
Revises: a25a0000000a
Create Date: 2026-12-06

This step changes no schema.
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "a25b0000000b"
down_revision = "a25a0000000a"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
