"""background jobs with progress, bulk bill generation (issue 24)

Revision ID: a24b00000007
Revises: a24a00000006
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "a24b00000007"
down_revision = "a24a00000006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("progress_done", sa.Integer(), server_default="0", nullable=False),
        sa.Column("progress_total", sa.Integer(), server_default="0", nullable=False),
        sa.Column("result", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("org_kind", sa.String(16), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("active_key", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('queued', 'running', 'finished', 'failed')", name=op.f("ck_job_state")),
        sa.CheckConstraint("org_kind IN ('city', 'street', 'firm', 'compound')", name=op.f("ck_job_org_kind")),
        sa.CheckConstraint("progress_done >= 0 AND progress_total >= 0", name=op.f("ck_job_progress")),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"], name=op.f("fk_job_created_by_id_user")),
        sa.UniqueConstraint("active_key", name=op.f("uq_job_active_key")),
    )
    op.create_index(op.f("ix_job_kind"), "job", ["kind"])
    op.create_index(op.f("ix_job_created_by_id"), "job", ["created_by_id"])


def downgrade():
    op.drop_index("ix_job_created_by_id", table_name="job")
    op.drop_index("ix_job_kind", table_name="job")
    op.drop_table("job")
