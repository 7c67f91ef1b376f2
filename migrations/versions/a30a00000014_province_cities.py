"""province_cities: a city level above districts, and a regulator's city (issue 30)

Every existing district goes into one city named by the configured CITY_NAME (PM_APP_CITY_NAME),
so a city-level deployment keeps working unchanged; its regulators keep city_id NULL (every city,
which is that one). The city is created even in an empty database, so a district added without a
city lands in it (District.city_id's default is the first city).

Revision ID: a30a00000014
Revises: a28a00000013
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = "a30a00000014"
down_revision = "a28a00000013"
branch_labels = None
depends_on = None


def upgrade():
    city = op.create_table(
        "city",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_city")),
        sa.UniqueConstraint("name", name=op.f("uq_city_name")),
    )
    op.bulk_insert(city, [{"id": 1, "name": current_app.config.get("CITY_NAME") or "本市"}])
    if op.get_bind().dialect.name == "postgresql":  # the explicit id 1 did not move the sequence
        op.execute("SELECT setval(pg_get_serial_sequence('city', 'id'), 1)")
    with op.batch_alter_table("district", schema=None) as batch_op:
        batch_op.add_column(sa.Column("city_id", sa.Integer(), nullable=True))
    op.execute("UPDATE district SET city_id = 1")
    with op.batch_alter_table("district", schema=None) as batch_op:
        batch_op.alter_column("city_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint("uq_district_name", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_district_city_id_name"), ["city_id", "name"])
        batch_op.create_index(batch_op.f("ix_district_city_id"), ["city_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_district_city_id_city"), "city", ["city_id"], ["id"])
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("city_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_user_city_id"), ["city_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_user_city_id_city"), "city", ["city_id"], ["id"])


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_user_city_id_city"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_user_city_id"))
        batch_op.drop_column("city_id")
    with op.batch_alter_table("district", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_district_city_id_city"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_district_city_id"))
        batch_op.drop_constraint(batch_op.f("uq_district_city_id_name"), type_="unique")
        batch_op.create_unique_constraint("uq_district_name", ["name"])
        batch_op.drop_column("city_id")
    op.drop_table("city")
