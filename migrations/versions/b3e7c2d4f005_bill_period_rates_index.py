"""bill (period, firm_id) carries the rates' figures too

Revision ID: b3e7c2d4f005
Revises: a9d4e7b1f004
Create Date: 2026-11-21

Replaces ix_bill_period_firm (same key) with an index that also carries fee_type, compound_id and
the amounts, so whatever groups every compound's or a firm's bills over a few months (the fee
sweeps, a firm's collection rates, the city's) is an index-only scan on PostgreSQL. At 1× the city
the planner read the old index and the table (0.14 s); at 2× it switched to a scan of the whole
10-million-row table (0.6 s, 4×), which broke the sweeps' linear growth (docs/scaling.md). With
this index the same statement takes 0.26 s at 2×. On a city of 5 million bills it takes about
15 s and blocks writes to bill meanwhile: run it in a quiet hour.
"""

from alembic import op

revision = "b3e7c2d4f005"
down_revision = "a9d4e7b1f004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("bill", schema=None) as batch_op:
        batch_op.create_index(
            "ix_bill_period_rates",
            ["period", "firm_id"],
            unique=False,
            postgresql_include=["fee_type", "compound_id", "amount_due_fen", "paid_fen", "waived_fen"],
        )
        batch_op.drop_index("ix_bill_period_firm")


def downgrade():
    with op.batch_alter_table("bill", schema=None) as batch_op:
        batch_op.create_index("ix_bill_period_firm", ["period", "firm_id"], unique=False)
        batch_op.drop_index("ix_bill_period_rates")
