"""ledger head guarded and anchored by printed statements (issue 23)

Revision ID: a23d00000004
Revises: a23c00000003
Create Date: 2026-12-06

- ledger_head may only advance: a row is inserted or moved forward to its compound's last entry
  (that entry's seq and hash), never moved back, pointed elsewhere or deleted. Before, the app's
  own role could set the head to whatever a rewritten chain ended with.
- ledger_anchor: the head as printed on each monthly statement (the committee's paper copy).
  Append-only like the entries, and it takes only an anchor that names an existing entry by its
  seq and hash. verify checks the chain against every anchor ever printed.

A role that owns these tables can still ALTER TABLE … DISABLE TRIGGER; docs/committees.md says how
to run the app under a role that does not own them.
"""

import sqlalchemy as sa
from alembic import op

revision = "a23d00000004"
down_revision = "a23c00000003"
branch_labels = None
depends_on = None

HEAD_GUARD = "ledger_head only advances to the last entry of its compound"
ANCHOR_APPEND_ONLY = "ledger anchors are append-only and name an existing entry"

# True when NEW does not name its compound's last entry by seq and hash.
NOT_LAST_ENTRY = (
    "NOT EXISTS (SELECT 1 FROM ledger_entry e WHERE e.compound_id = NEW.compound_id "
    "AND e.seq = NEW.seq AND e.hash = NEW.hash) "
    "OR EXISTS (SELECT 1 FROM ledger_entry e WHERE e.compound_id = NEW.compound_id AND e.seq > NEW.seq)"
)
NO_SUCH_ENTRY = (
    "NOT EXISTS (SELECT 1 FROM ledger_entry e WHERE e.compound_id = NEW.compound_id "
    "AND e.seq = NEW.seq AND e.hash = NEW.hash)"
)
MOVED_BACK = "NEW.compound_id <> OLD.compound_id OR NEW.seq <= OLD.seq"

PG_FUNCTIONS = f"""
CREATE FUNCTION ledger_head_advance_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'TRUNCATE') OR (TG_OP = 'UPDATE' AND ({MOVED_BACK})) OR {NOT_LAST_ENTRY} THEN
    RAISE EXCEPTION '{HEAD_GUARD} (% refused)', TG_OP;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER ledger_head_advance_only BEFORE INSERT OR UPDATE OR DELETE ON ledger_head
  FOR EACH ROW EXECUTE FUNCTION ledger_head_advance_only();
CREATE TRIGGER ledger_head_no_truncate BEFORE TRUNCATE ON ledger_head
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_head_advance_only();
CREATE FUNCTION ledger_anchor_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' OR {NO_SUCH_ENTRY} THEN
    RAISE EXCEPTION '{ANCHOR_APPEND_ONLY} (% refused)', TG_OP;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER ledger_anchor_append_only BEFORE INSERT OR UPDATE OR DELETE ON ledger_anchor
  FOR EACH ROW EXECUTE FUNCTION ledger_anchor_append_only();
CREATE TRIGGER ledger_anchor_no_truncate BEFORE TRUNCATE ON ledger_anchor
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_anchor_append_only();
"""

SQLITE_TRIGGERS = {
    "ledger_head_insert": f"BEFORE INSERT ON ledger_head WHEN {NOT_LAST_ENTRY} "
    f"BEGIN SELECT RAISE(ABORT, '{HEAD_GUARD}'); END",
    "ledger_head_update": f"BEFORE UPDATE ON ledger_head WHEN {MOVED_BACK} OR {NOT_LAST_ENTRY} "
    f"BEGIN SELECT RAISE(ABORT, '{HEAD_GUARD}'); END",
    "ledger_head_delete": f"BEFORE DELETE ON ledger_head BEGIN SELECT RAISE(ABORT, '{HEAD_GUARD}'); END",
    "ledger_anchor_insert": f"BEFORE INSERT ON ledger_anchor WHEN {NO_SUCH_ENTRY} "
    f"BEGIN SELECT RAISE(ABORT, '{ANCHOR_APPEND_ONLY}'); END",
    "ledger_anchor_update": f"BEFORE UPDATE ON ledger_anchor BEGIN SELECT RAISE(ABORT, '{ANCHOR_APPEND_ONLY}'); END",
    "ledger_anchor_delete": f"BEFORE DELETE ON ledger_anchor BEGIN SELECT RAISE(ABORT, '{ANCHOR_APPEND_ONLY}'); END",
}


def upgrade():
    op.create_table(
        "ledger_anchor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("compound_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("issued_as", sa.String(length=8), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["compound_id"], ["compound.id"], name=op.f("fk_ledger_anchor_compound_id_compound")),
        sa.ForeignKeyConstraint(["issued_by_id"], ["user.id"], name=op.f("fk_ledger_anchor_issued_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_anchor")),
        sa.UniqueConstraint("compound_id", "month", "seq", name=op.f("uq_ledger_anchor_compound_id_month_seq")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_FUNCTIONS)
    elif dialect == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table, triggers in (
            ("ledger_head", ("ledger_head_advance_only", "ledger_head_no_truncate")),
            ("ledger_anchor", ("ledger_anchor_append_only", "ledger_anchor_no_truncate")),
        ):
            for trigger in triggers:
                op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS ledger_head_advance_only()")
        op.execute("DROP FUNCTION IF EXISTS ledger_anchor_append_only()")
    elif dialect == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("ledger_anchor")
