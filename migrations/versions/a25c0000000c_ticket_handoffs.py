"""ticket handoffs (issue 25): a ticket can be dispatched to a named person

Revision ID: a25c0000000c
Revises: a25b0000000b
Create Date: 2026-12-06

`ticket.assignee_user_id`: the staff member of the assignee firm (or of the street office) the
ticket was dispatched to; NULL until someone dispatches it. Indexed: every home counts
"tickets dispatched to you" and the queue filters on it.
"""

import sqlalchemy as sa
from alembic import op

revision = "a25c0000000c"
down_revision = "a25b0000000b"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assignee_user_id", sa.Integer(), nullable=True))
        batch_op.create_index(op.f("ix_ticket_assignee_user_id"), ["assignee_user_id"], unique=False)
        batch_op.create_foreign_key(op.f("fk_ticket_assignee_user_id_user"), "user", ["assignee_user_id"], ["id"])


def downgrade():
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_ticket_assignee_user_id_user"), type_="foreignkey")
        batch_op.drop_index(op.f("ix_ticket_assignee_user_id"))
        batch_op.drop_column("assignee_user_id")
