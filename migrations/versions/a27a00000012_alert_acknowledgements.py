"""alert acknowledgements (issue 27): per person, and a daily digest per notification endpoint

Revision ID: a27a00000012
Revises: a29a00000011
Create Date: 2026-12-06

An alert used to have one acknowledgement (state `acknowledged`, acknowledged_by_id), so one
street officer's click took it off every colleague's unread list. `alert_ack` records each
person's (who, when); the alert's own state is open or resolved. Existing acknowledgements become
a row of `alert_ack` for the person who made them, and their alerts open again for everyone else.

`notification_endpoint.digest`: `none` (a message per alert) or `daily` (one message a day).
"""

import sqlalchemy as sa
from alembic import op

revision = "a27a00000012"
down_revision = "a29a00000011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "alert_ack",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alert.id"], name=op.f("fk_alert_ack_alert_id_alert"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_alert_ack_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_ack")),
        sa.UniqueConstraint("alert_id", "user_id", name=op.f("uq_alert_ack_alert_id_user_id")),
    )
    op.create_index("ix_alert_ack_user", "alert_ack", ["user_id", "alert_id"], unique=False)
    with op.batch_alter_table("notification_endpoint") as batch:
        batch.add_column(sa.Column("digest", sa.String(length=16), nullable=False, server_default="none"))
    op.execute(
        "INSERT INTO alert_ack (alert_id, user_id, at) SELECT id, acknowledged_by_id, acknowledged_at "
        "FROM alert WHERE acknowledged_by_id IS NOT NULL AND acknowledged_at IS NOT NULL"
    )
    op.execute("UPDATE alert SET state = 'open' WHERE state = 'acknowledged'")


def downgrade():
    op.execute("UPDATE alert SET state = 'acknowledged' WHERE state = 'open' AND acknowledged_by_id IS NOT NULL")
    with op.batch_alter_table("notification_endpoint") as batch:
        batch.drop_column("digest")
    op.drop_index("ix_alert_ack_user", table_name="alert_ack")
    op.drop_table("alert_ack")
