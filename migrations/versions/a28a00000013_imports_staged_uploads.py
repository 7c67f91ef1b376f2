"""imports staged in the database: the uploaded file a preview reads and a job imports (issue 28)

Revision ID: a28a00000013
Revises: a27a00000012
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "a28a00000013"
down_revision = "a27a00000012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_upload",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("filename", sa.String(255), server_default="", nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], ondelete="CASCADE", name=op.f("fk_import_upload_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], ondelete="SET NULL", name=op.f("fk_import_upload_job_id_job")),
    )
    op.create_index(op.f("ix_import_upload_created_by_id"), "import_upload", ["created_by_id"])
    op.create_index(op.f("ix_import_upload_created_at"), "import_upload", ["created_at"])


def downgrade():
    op.drop_index("ix_import_upload_created_at", table_name="import_upload")
    op.drop_index("ix_import_upload_created_by_id", table_name="import_upload")
    op.drop_table("import_upload")
