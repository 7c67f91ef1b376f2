"""retention: old audit rows may be archived and removed, by the retention job only, never one
younger than 180 days (issue 29)

Revision ID: a29a00000011
Revises: a26d00000010
Create Date: 2026-12-06

The audit trail stays append-only (f1c3a9d2e003) with one opening: a DELETE passes when the
deleting transaction has first written a purge window (`audit_purge`) whose cutoff is older than
the row and itself at least 180 days in the past. The database holds that floor, not the app: an
app (or a stolen app password) cannot remove a recent row. UPDATE and TRUNCATE stay refused.
"""

import sqlalchemy as sa
from alembic import op

revision = "a29a00000011"
down_revision = "a26d00000010"
branch_labels = None
depends_on = None

APPEND_ONLY = "audit_event is append-only"
FLOOR_DAYS = 180


def upgrade():
    op.create_table(
        "audit_purge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cutoff", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archive", sa.String(length=512), nullable=True),
        sa.Column("removed", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_purge")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"""
            CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' AND EXISTS (
                        SELECT 1 FROM audit_purge p
                        WHERE OLD.at < p.cutoff AND p.cutoff <= now() - interval '{FLOOR_DAYS} days') THEN
                    RETURN OLD;
                END IF;
                RAISE EXCEPTION '{APPEND_ONLY} (% refused)', TG_OP;
            END $$""")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        op.execute(f"""CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
            WHEN NOT EXISTS (SELECT 1 FROM audit_purge p
                             WHERE OLD.at < p.cutoff AND p.cutoff <= datetime('now', '-{FLOOR_DAYS} days'))
            BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"""
            CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{APPEND_ONLY} (% refused)', TG_OP; END $$""")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        op.execute(
            f"CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )
    op.drop_table("audit_purge")
