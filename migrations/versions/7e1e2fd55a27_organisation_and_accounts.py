"""organisation and accounts

Revision ID: 7e1e2fd55a27
Revises:
Create Date: 2026-11-21 00:18:04.375688

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7e1e2fd55a27"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():

    op.create_table(
        "district",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_district")),
        sa.UniqueConstraint("name", name=op.f("uq_district_name")),
    )
    op.create_table(
        "firm",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "property",
                "contractor",
                "supervisor",
                name="firm_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firm")),
        sa.UniqueConstraint("uscc", name=op.f("uq_firm_uscc")),
    )
    with op.batch_alter_table("firm", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_firm_kind"), ["kind"], unique=False)

    op.create_table(
        "street",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["district_id"], ["district.id"], name=op.f("fk_street_district_id_district")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_street")),
        sa.UniqueConstraint("district_id", "name", name=op.f("uq_street_district_id_name")),
    )
    with op.batch_alter_table("street", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_street_district_id"), ["district_id"], unique=False)

    op.create_table(
        "community",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("street_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["street_id"], ["street.id"], name=op.f("fk_community_street_id_street")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community")),
        sa.UniqueConstraint("street_id", "name", name=op.f("uq_community_street_id_name")),
    )
    with op.batch_alter_table("community", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_community_street_id"), ["street_id"], unique=False)

    op.create_table(
        "compound",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("street_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(length=256), nullable=True),
        sa.Column("year_built", sa.Integer(), nullable=True),
        sa.Column(
            "renovation_type",
            sa.Enum(
                "basic",
                "improvement",
                "upgrade",
                name="renovation_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("acceptance_date", sa.Date(), nullable=True),
        sa.Column(
            "management_mode",
            sa.Enum(
                "professional",
                "street_entrusted",
                "quasi",
                "self_managed",
                "none",
                name="management_mode",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"], name=op.f("fk_compound_community_id_community")),
        sa.ForeignKeyConstraint(["street_id"], ["street.id"], name=op.f("fk_compound_street_id_street")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compound")),
        sa.UniqueConstraint("code", name=op.f("uq_compound_code")),
    )
    with op.batch_alter_table("compound", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_compound_community_id"), ["community_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_compound_management_mode"), ["management_mode"], unique=False)
        batch_op.create_index(batch_op.f("ix_compound_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_compound_street_id"), ["street_id"], unique=False)

    op.create_table(
        "building",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("compound_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["compound_id"], ["compound.id"], name=op.f("fk_building_compound_id_compound")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_building")),
        sa.UniqueConstraint("compound_id", "name", name=op.f("uq_building_compound_id_name")),
    )
    with op.batch_alter_table("building", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_building_compound_id"), ["compound_id"], unique=False)

    op.create_table(
        "service_contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("compound_id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("fee_rate_fen", sa.Integer(), nullable=False),
        sa.Column("billing_cycle", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_service_contract_dates_ordered")),
        sa.CheckConstraint("fee_rate_fen >= 0", name=op.f("ck_service_contract_rate_not_negative")),
        sa.ForeignKeyConstraint(
            ["compound_id"], ["compound.id"], name=op.f("fk_service_contract_compound_id_compound")
        ),
        sa.ForeignKeyConstraint(["firm_id"], ["firm.id"], name=op.f("fk_service_contract_firm_id_firm")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_contract")),
    )
    with op.batch_alter_table("service_contract", schema=None) as batch_op:
        batch_op.create_index(
            "ix_service_contract_compound_dates", ["compound_id", "start_date", "end_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_service_contract_firm_id"), ["firm_id"], unique=False)

    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=64), nullable=True),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "regulator",
                "street_officer",
                "firm_staff",
                "contractor_staff",
                "committee_member",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("firm_id", sa.Integer(), nullable=True),
        sa.Column("compound_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["compound_id"], ["compound.id"], name=op.f("fk_user_compound_id_compound")),
        sa.ForeignKeyConstraint(["firm_id"], ["firm.id"], name=op.f("fk_user_firm_id_firm")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
        sa.UniqueConstraint("username", name=op.f("uq_user_username")),
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_compound_id"), ["compound_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_user_firm_id"), ["firm_id"], unique=False)

    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_api_token_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "household",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("compound_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("floor_area_dm2", sa.BigInteger(), nullable=False),
        sa.Column("owner_name", sa.String(length=64), nullable=True),
        sa.Column("owner_phone", sa.String(length=32), nullable=True),
        sa.CheckConstraint("floor_area_dm2 > 0", name=op.f("ck_household_area_positive")),
        sa.ForeignKeyConstraint(["building_id"], ["building.id"], name=op.f("fk_household_building_id_building")),
        sa.ForeignKeyConstraint(["compound_id"], ["compound.id"], name=op.f("fk_household_compound_id_compound")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household")),
        sa.UniqueConstraint("building_id", "unit", name=op.f("uq_household_building_id_unit")),
    )
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_building_id"), ["building_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_household_compound_id"), ["compound_id"], unique=False)

    op.create_table(
        "user_street",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("street_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["street_id"], ["street.id"], name=op.f("fk_user_street_street_id_street")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_user_street_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "street_id", name=op.f("pk_user_street")),
    )


def downgrade():

    op.drop_table("user_street")
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_compound_id"))
        batch_op.drop_index(batch_op.f("ix_household_building_id"))

    op.drop_table("household")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_user_id"))

    op.drop_table("api_token")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_firm_id"))
        batch_op.drop_index(batch_op.f("ix_user_compound_id"))

    op.drop_table("user")
    with op.batch_alter_table("service_contract", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_contract_firm_id"))
        batch_op.drop_index("ix_service_contract_compound_dates")

    op.drop_table("service_contract")
    with op.batch_alter_table("building", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_building_compound_id"))

    op.drop_table("building")
    with op.batch_alter_table("compound", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_compound_street_id"))
        batch_op.drop_index(batch_op.f("ix_compound_name"))
        batch_op.drop_index(batch_op.f("ix_compound_management_mode"))
        batch_op.drop_index(batch_op.f("ix_compound_community_id"))

    op.drop_table("compound")
    with op.batch_alter_table("community", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_street_id"))

    op.drop_table("community")
    with op.batch_alter_table("street", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_street_district_id"))

    op.drop_table("street")
    with op.batch_alter_table("firm", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_firm_kind"))

    op.drop_table("firm")
    op.drop_table("district")
