"""management arrangement (issue 26)

Revision ID: a26a0000000d
Revises: a25c0000000c
Create Date: 2026-12-06

A renovation project may go ahead for a compound with no management arrangement decided only
when the regulator overrides seed 004 §九(五) ("未能确定改造后管理模式的小区，暂缓改造"); the
reason is kept on the project. The arrangement itself is the compound's service contracts
(org.arrangements), so nothing else changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "a26a0000000d"
down_revision = "a25c0000000c"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("renovation_project") as batch:
        batch.add_column(sa.Column("arrangement_override_reason", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("renovation_project") as batch:
        batch.drop_column("arrangement_override_reason")
