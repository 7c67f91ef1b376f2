"""compound_health: each compound's health as the nightly run left it, for the province's home (issue 30)

Revision ID: a30b00000017
Revises: a29b00000016
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "a30b00000017"
down_revision = "a29b00000016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "compound_health",
        sa.Column("compound_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=True),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["compound_id"], ["compound.id"], name="fk_compound_health_compound_id_compound", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("compound_id", name="pk_compound_health"),
    )
    op.create_index("ix_compound_health_score", "compound_health", ["score", "compound_id"])


def downgrade():
    op.drop_index("ix_compound_health_score", table_name="compound_health")
    op.drop_table("compound_health")
