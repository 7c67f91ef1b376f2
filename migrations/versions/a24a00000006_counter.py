"""receipts and the fee counter (issue 24)

Revision ID: a24a00000006
Revises: a23e00000005
Create Date: 2026-12-06

Receipts (收据) with a gap-free number per collecting organisation and year, the months each
covers, and the indexes the counter's household search reads: building names, owners' names
(by their start on PostgreSQL) and the last four digits of the owner's phone. That last one is an
expression index, declared here only (as uq_bill_total_key is): SQLAlchemy cannot reflect it.
"""

import sqlalchemy as sa
from alembic import op

revision = "a24a00000006"
down_revision = "a23e00000005"
branch_labels = None
depends_on = None

# fees.household_search.PHONE_TAIL is this very expression: the planner matches it text for text.
PHONE_TAIL = "substr(owner_phone, length(owner_phone) - 3)"


def upgrade():
    op.create_table(
        "receipt_sequence",
        sa.Column("organisation", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("organisation", "year", name=op.f("pk_receipt_sequence")),
    )
    op.create_table(
        "receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("compound_id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "cash",
                "wechat",
                "alipay",
                "bank_transfer",
                "pos",
                "other",
                name="payment_method",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("payer_name", sa.String(length=64), nullable=True),
        sa.Column("cashier_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_receipt_amount_positive")),
        sa.ForeignKeyConstraint(["cashier_id"], ["user.id"], name=op.f("fk_receipt_cashier_id_user")),
        sa.ForeignKeyConstraint(["compound_id"], ["compound.id"], name=op.f("fk_receipt_compound_id_compound")),
        sa.ForeignKeyConstraint(["firm_id"], ["firm.id"], name=op.f("fk_receipt_firm_id_firm")),
        sa.ForeignKeyConstraint(["household_id"], ["household.id"], name=op.f("fk_receipt_household_id_household")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt")),
        sa.UniqueConstraint("organisation", "number", name=op.f("uq_receipt_organisation_number")),
    )
    with op.batch_alter_table("receipt") as batch:
        batch.create_index("ix_receipt_cashier_issued", ["cashier_id", "issued_at"], unique=False)
        batch.create_index(batch.f("ix_receipt_compound_id"), ["compound_id"], unique=False)
        batch.create_index(batch.f("ix_receipt_firm_id"), ["firm_id"], unique=False)
        batch.create_index(batch.f("ix_receipt_household_id"), ["household_id"], unique=False)
    op.create_table(
        "receipt_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["payment_id"], ["payment.id"], name=op.f("fk_receipt_line_payment_id_payment")),
        sa.ForeignKeyConstraint(["receipt_id"], ["receipt.id"], name=op.f("fk_receipt_line_receipt_id_receipt")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt_line")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_receipt_line_payment_id")),
    )
    with op.batch_alter_table("receipt_line") as batch:
        batch.create_index(batch.f("ix_receipt_line_receipt_id"), ["receipt_id"], unique=False)
    with op.batch_alter_table("building") as batch:
        batch.create_index(batch.f("ix_building_name"), ["name"], unique=False)
    with op.batch_alter_table("household") as batch:
        batch.create_index(
            "ix_household_owner_name",
            ["owner_name"],
            unique=False,
            postgresql_ops={"owner_name": "varchar_pattern_ops"},
        )
    op.execute(f"CREATE INDEX ix_household_phone_tail ON household ({PHONE_TAIL})")


def downgrade():
    op.execute("DROP INDEX ix_household_phone_tail")
    with op.batch_alter_table("household") as batch:
        batch.drop_index("ix_household_owner_name")
    with op.batch_alter_table("building") as batch:
        batch.drop_index(batch.f("ix_building_name"))
    op.drop_table("receipt_line")
    op.drop_table("receipt")
    op.drop_table("receipt_sequence")
