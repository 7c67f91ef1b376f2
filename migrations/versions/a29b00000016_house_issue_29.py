"""house_issue_29 (reserved; empty unless filled)

Revision ID: a29b00000016
Revises: a27b00000015
Create Date: 2026-12-06
"""

revision = "a29b00000016"
down_revision = "a27b00000015"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
