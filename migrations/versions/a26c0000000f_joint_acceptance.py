"""joint acceptance (issue 26)

Revision ID: a26c0000000f
Revises: a26b0000000e
Create Date: 2026-12-06

Joint completion acceptance (联合竣工验收) of a renovation project: project_acceptance (stage,
day, result), its participants by role, its findings with their rectification deadline and the
acceptance that closed them; project_document holds the drawings and lists handed over.

warranty_category gains term_unit (`year`, or `heating_season` for 条例 art. 40's "2个采暖期"),
and two categories: heating (供热系统, 2 heating seasons, 《建设工程质量管理条例》第四十条) and
exterior insulation (外墙保温, 5 years, 《民用建筑节能条例》第二十三条).
"""

import sqlalchemy as sa
from alembic import op

revision = "a26c0000000f"
down_revision = "a26b0000000e"
branch_labels = None
depends_on = None

STAGES = ("self", "comprehensive")
RESULTS = ("passed", "failed")
ROLES = ("district", "builder", "construction", "design", "supervision", "street", "community", "property", "residents")
KINDS = ("site_plan", "pipe_network", "as_built", "acceptance_report", "handover_list", "other")


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade():
    with op.batch_alter_table("warranty_category", schema=None) as batch_op:
        batch_op.add_column(sa.Column("term_unit", sa.String(length=16), server_default="year", nullable=False))
    op.create_table(
        "project_acceptance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("stage", _enum(STAGES, "acceptance_stage"), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("result", _enum(RESULTS, "acceptance_result"), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["renovation_project.id"], name=op.f("fk_project_acceptance_project_id_renovation_project")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_project_acceptance_recorded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_acceptance")),
    )
    op.create_index(op.f("ix_project_acceptance_project_id"), "project_acceptance", ["project_id"])
    op.create_table(
        "acceptance_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("acceptance_id", sa.Integer(), nullable=False),
        sa.Column("role", _enum(ROLES, "participant_role"), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["acceptance_id"],
            ["project_acceptance.id"],
            name=op.f("fk_acceptance_participant_acceptance_id_project_acceptance"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acceptance_participant")),
    )
    op.create_index(op.f("ix_acceptance_participant_acceptance_id"), "acceptance_participant", ["acceptance_id"])
    op.create_table(
        "acceptance_finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("acceptance_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("rectify_by", sa.Date(), nullable=False),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["acceptance_id"],
            ["project_acceptance.id"],
            name=op.f("fk_acceptance_finding_acceptance_id_project_acceptance"),
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["project_acceptance.id"],
            name=op.f("fk_acceptance_finding_closed_by_id_project_acceptance"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["renovation_project.id"], name=op.f("fk_acceptance_finding_project_id_renovation_project")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acceptance_finding")),
    )
    op.create_index(op.f("ix_acceptance_finding_acceptance_id"), "acceptance_finding", ["acceptance_id"])
    op.create_index(op.f("ix_acceptance_finding_project_id"), "acceptance_finding", ["project_id"])
    op.create_table(
        "project_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum(KINDS, "document_kind"), nullable=False),
        sa.Column("title", sa.String(length=128), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=128), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("size > 0", name=op.f("ck_project_document_not_empty")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["renovation_project.id"], name=op.f("fk_project_document_project_id_renovation_project")
        ),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["user.id"], name=op.f("fk_project_document_uploaded_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_document")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_project_document_stored_name")),
    )
    op.create_index(op.f("ix_project_document_project_id"), "project_document", ["project_id"])

    categories = sa.table(
        "warranty_category",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("min_years", sa.Integer),
        sa.column("source", sa.String),
        sa.column("term_unit", sa.String),
    )
    op.bulk_insert(
        categories,
        [
            # "供热与供冷系统，为2个采暖期、供冷期" — counted in seasons (warranties.terms).
            {
                "code": "heating",
                "name": "供热系统",
                "min_years": 2,
                "source": "《建设工程质量管理条例》第四十条",
                "term_unit": "heating_season",
            },
            # "在正常使用条件下，保温工程的最低保修期限为5年" (the seeds set no period of their own).
            {
                "code": "exterior_insulation",
                "name": "外墙保温",
                "min_years": 5,
                "source": "《民用建筑节能条例》第二十三条",
                "term_unit": "year",
            },
        ],
    )


def downgrade():
    op.execute("DELETE FROM warranty_category WHERE code IN ('heating', 'exterior_insulation')")
    op.drop_table("project_document")
    op.drop_table("acceptance_finding")
    op.drop_table("acceptance_participant")
    op.drop_table("project_acceptance")
    with op.batch_alter_table("warranty_category", schema=None) as batch_op:
        batch_op.drop_column("term_unit")
