"""pages_issue_27 (reserved; empty unless filled)

Revision ID: a27b00000015
Revises: a30a00000014
Create Date: 2026-12-06
"""
revision = "a27b00000015"
down_revision = "a30a00000014"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
