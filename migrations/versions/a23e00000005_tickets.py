"""ticket confirmation held by the reporter; who resolved an alert by hand (issue 23)

Revision ID: a23e00000005
Revises: a23d00000004
Create Date: 2026-12-06

A public confirmation needs the reporter's confirmation key (stored hashed); every rating says who
gave it. Ratings already given keep the attribution their closing step recorded: the reporter
when nobody was signed in, else the signed-in user's role. An alert resolved by hand records by whom.
"""

import sqlalchemy as sa
from alembic import op

revision = "a23e00000005"
down_revision = "a23d00000004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ticket") as batch:
        batch.add_column(sa.Column("satisfaction_by", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("confirm_key_hash", sa.String(length=64), nullable=True))
    op.execute("""
        UPDATE ticket SET satisfaction_by = COALESCE(
            (SELECT CAST(u.role AS VARCHAR(32)) FROM ticket_event e JOIN "user" u ON u.id = e.actor_id
              WHERE e.ticket_id = ticket.id AND e.to_status = 'closed' ORDER BY e.id DESC LIMIT 1),
            'reporter')
        WHERE satisfaction IS NOT NULL
    """)
    with op.batch_alter_table("alert") as batch:
        batch.add_column(sa.Column("resolved_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_alert_resolved_by_id_user"), "user", ["resolved_by_id"], ["id"])


def downgrade():
    with op.batch_alter_table("alert") as batch:
        batch.drop_constraint(op.f("fk_alert_resolved_by_id_user"), type_="foreignkey")
        batch.drop_column("resolved_by_id")
    with op.batch_alter_table("ticket") as batch:
        batch.drop_column("confirm_key_hash")
        batch.drop_column("satisfaction_by")
