"""indexes for the pages: bill (compound_id, period) carries the rates' figures; alert recipients by org

Revision ID: a9d4e7b1f004
Revises: f1c3a9d2e003
Create Date: 2026-11-21

Replaces ix_bill_compound_period (same key) with an index that also carries fee_type and the
amounts, so a street's or a compound's rates are an index-only scan on PostgreSQL (see
docs/performance.md). On a city of 5 million bills it takes about 20 s and blocks writes to
bill meanwhile: run it in a quiet hour. Also indexes alert recipients by organisation, where
every page header's count of open alerts starts.
"""

from alembic import op

revision = "a9d4e7b1f004"
# The lead re-chains this after f1c3a9d2e003 at merge.
down_revision = "f1c3a9d2e003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("bill", schema=None) as batch_op:
        batch_op.create_index(
            "ix_bill_compound_rates",
            ["compound_id", "period"],
            unique=False,
            postgresql_include=["fee_type", "amount_due_fen", "paid_fen", "waived_fen"],
        )
        batch_op.drop_index("ix_bill_compound_period")
    with op.batch_alter_table("alert_recipient", schema=None) as batch_op:
        batch_op.create_index("ix_alert_recipient_org", ["audience", "org_id", "alert_id"], unique=False)


def downgrade():
    with op.batch_alter_table("alert_recipient", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_recipient_org")
    with op.batch_alter_table("bill", schema=None) as batch_op:
        batch_op.create_index("ix_bill_compound_period", ["compound_id", "period"], unique=False)
        batch_op.drop_index("ix_bill_compound_rates")
