"""fee income posted to the compound's books (issue 24)

Revision ID: a24c00000008
Revises: a24b00000007
Create Date: 2026-12-06

fee_income_posting records each entry the monthly fee-income sweep posted (compound, month,
version), with the fees received and the books' figure it reconciled.
"""

import sqlalchemy as sa
from alembic import op

revision = "a24c00000008"
down_revision = "a24b00000007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "fee_income_posting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("compound_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("received_fen", sa.BigInteger(), nullable=False),
        sa.Column("booked_fen", sa.BigInteger(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["compound_id"], ["compound.id"], name=op.f("fk_fee_income_posting_compound_id_compound")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["ledger_entry.id"], name=op.f("fk_fee_income_posting_entry_id_ledger_entry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_income_posting")),
        sa.UniqueConstraint(
            "compound_id", "month", "version", name=op.f("uq_fee_income_posting_compound_id_month_version")
        ),
        sa.UniqueConstraint("entry_id", name=op.f("uq_fee_income_posting_entry_id")),
    )


def downgrade():
    op.drop_table("fee_income_posting")
