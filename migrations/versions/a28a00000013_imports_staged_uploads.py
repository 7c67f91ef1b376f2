"""imports_staged_uploads (reserved; empty unless filled)

Revision ID: a28a00000013
Revises: a27a00000012
Create Date: 2026-12-06
"""
revision = "a28a00000013"
down_revision = "a27a00000012"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
