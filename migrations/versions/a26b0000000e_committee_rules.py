"""committee rules (issue 26)

Revision ID: a26b0000000e
Revises: a26a0000000d
Create Date: 2026-12-06

Committee kinds gain 临时业委会 (temporary_committee) and 改造工作监督委员会
(supervision_committee): the kind column is text checked by a named constraint, which is
replaced. A maintenance-fund vote gains its matter (Civil Code Art. 278 items (五)–(八); the
existing votes were all on using the fund, `use`) and the number of owners its headcount is
judged against (null on the existing votes, which were counted by household). party_record
holds, per compound, whether it has a party organisation and is 红色物业.
"""

import sqlalchemy as sa
from alembic import op

revision = "a26b0000000e"
down_revision = "a26a0000000d"
branch_labels = None
depends_on = None

OLD = ("owners_committee", "management_committee", "self_management")
NEW = OLD + ("temporary_committee", "supervision_committee")
MATTERS = ("use", "raise", "rebuild", "common_use")


def _in(column, values):
    return "%s IN (%s)" % (column, ", ".join(f"'{v}'" for v in values))


def upgrade():
    with op.batch_alter_table("committee", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_committee_committee_kind"), type_="check")
        batch_op.create_check_constraint("committee_kind", _in("kind", NEW))
    with op.batch_alter_table("fund_vote", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "matter",
                sa.Enum(*MATTERS, name="fund_vote_matter", native_enum=False, create_constraint=True, length=16),
                server_default="use",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("total_owners", sa.Integer(), nullable=True))
    op.create_table(
        "party_record",
        sa.Column("compound_id", sa.Integer(), nullable=False),
        sa.Column("party_organisation", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("red_property", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["compound_id"], ["compound.id"], name=op.f("fk_party_record_compound_id_compound")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user.id"], name=op.f("fk_party_record_updated_by_id_user")),
        sa.PrimaryKeyConstraint("compound_id", name=op.f("pk_party_record")),
    )


def downgrade():
    op.drop_table("party_record")
    with op.batch_alter_table("fund_vote", schema=None) as batch_op:
        batch_op.drop_column("total_owners")
        batch_op.drop_column("matter")
    # The new kinds cannot be kept in the old shape.
    op.execute(
        "DELETE FROM committee_member WHERE committee_id IN (SELECT id FROM committee WHERE kind IN "
        "('temporary_committee', 'supervision_committee'))"
    )
    op.execute("DELETE FROM committee WHERE kind IN ('temporary_committee', 'supervision_committee')")
    with op.batch_alter_table("committee", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_committee_committee_kind"), type_="check")
        batch_op.create_check_constraint("committee_kind", _in("kind", OLD))
