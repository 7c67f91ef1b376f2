"""committees and streets as collecting parties (issue 24)

Revision ID: a24d00000009
Revises: a24c00000008
Create Date: 2026-12-06

A fee arrangement (service_contract) names who collects: a property firm as before, or instead
the compound's self-management committee (自管会) or its street office (托管). Exactly one of
the three; the existing rows all name a firm, so they keep meaning what they meant.
"""

import sqlalchemy as sa
from alembic import op

revision = "a24d00000009"
down_revision = "a24c00000008"
branch_labels = None
depends_on = None

ONE_PARTY = (
    "(CASE WHEN firm_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN committee_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN street_id IS NULL THEN 0 ELSE 1 END) = 1"
)


def upgrade():
    with op.batch_alter_table("service_contract", schema=None) as batch_op:
        batch_op.add_column(sa.Column("committee_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("street_id", sa.Integer(), nullable=True))
        batch_op.alter_column("firm_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_service_contract_committee_id_committee"), "committee", ["committee_id"], ["id"]
        )
        batch_op.create_foreign_key(batch_op.f("fk_service_contract_street_id_street"), "street", ["street_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_service_contract_committee_id"), ["committee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_contract_street_id"), ["street_id"], unique=False)
        batch_op.create_check_constraint(batch_op.f("ck_service_contract_one_collecting_party"), ONE_PARTY)


def downgrade():
    # Arrangements without a firm cannot be kept in the old shape.
    op.execute("DELETE FROM service_contract WHERE firm_id IS NULL")
    with op.batch_alter_table("service_contract", schema=None) as batch_op:
        batch_op.drop_constraint("ck_service_contract_one_collecting_party", type_="check")
        batch_op.drop_index(batch_op.f("ix_service_contract_street_id"))
        batch_op.drop_index(batch_op.f("ix_service_contract_committee_id"))
        batch_op.drop_constraint(batch_op.f("fk_service_contract_street_id_street"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_service_contract_committee_id_committee"), type_="foreignkey")
        batch_op.alter_column("firm_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("street_id")
        batch_op.drop_column("committee_id")
