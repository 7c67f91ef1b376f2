"""province_cities (reserved; empty unless filled)

Revision ID: a30a00000014
Revises: a28a00000013
Create Date: 2026-12-06
"""
revision = "a30a00000014"
down_revision = "a28a00000013"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
