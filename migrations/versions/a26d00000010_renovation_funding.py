"""renovation funding (issue 26)

Revision ID: a26d00000010
Revises: a26c0000000f
Create Date: 2026-12-06

Funding sources gain 专项债 (special_bonds) and 原产权单位 (original_owner): the source column
is text checked by a named constraint, which is replaced. A project gains its planned start and
completion, its settlement amount and what the contract says of the quality deposit
(deposit_terms). Payments made on a project are rows of project_disbursement.
"""

import sqlalchemy as sa
from alembic import op

revision = "a26d00000010"
down_revision = "a26c0000000f"
branch_labels = None
depends_on = None

OLD = ("central", "provincial", "city", "district", "residents", "utility", "social_capital")
NEW = OLD + ("special_bonds", "original_owner")
TERMS = ("retention", "bank_guarantee", "insurance")


def _in(values):
    return "source IN (%s)" % ", ".join(f"'{v}'" for v in values)


def upgrade():
    with op.batch_alter_table("project_funding", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_project_funding_funding_source"), type_="check")
        batch_op.create_check_constraint(op.f("ck_project_funding_funding_source"), _in(NEW))
    with op.batch_alter_table("renovation_project", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "deposit_terms",
                sa.Enum(*TERMS, name="deposit_terms", native_enum=False, create_constraint=True, length=32),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("settlement_amount_fen", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("planned_start", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("planned_completion", sa.Date(), nullable=True))
    op.create_table(
        "project_disbursement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(*NEW, name="funding_source", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_project_disbursement_amount_positive")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["renovation_project.id"],
            name=op.f("fk_project_disbursement_project_id_renovation_project"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_project_disbursement_recorded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_disbursement")),
    )
    with op.batch_alter_table("project_disbursement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_disbursement_project_id"), ["project_id"], unique=False)


def downgrade():
    op.drop_table("project_disbursement")
    op.execute("DELETE FROM project_funding WHERE source IN ('special_bonds', 'original_owner')")
    with op.batch_alter_table("renovation_project", schema=None) as batch_op:
        batch_op.drop_column("planned_completion")
        batch_op.drop_column("planned_start")
        batch_op.drop_column("settlement_amount_fen")
        batch_op.drop_constraint(op.f("ck_renovation_project_deposit_terms"), type_="check")
        batch_op.drop_column("deposit_terms")
    with op.batch_alter_table("project_funding", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_project_funding_funding_source"), type_="check")
        batch_op.create_check_constraint(op.f("ck_project_funding_funding_source"), _in(OLD))
