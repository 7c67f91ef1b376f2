"""bill_total: each compound's bills summed by month, fee type and firm, kept by triggers on bill

Revision ID: d6b3f9a2c007
Revises: c5f2a8e1d006
Create Date: 2026-11-21

Collection rates are sums over bills. The regulator's twelve-month trend read 1.9 million bill
index entries on every home (~250 ms of its ~500 ms at city scale), and a province has twelve
times as many. The same four sums per (compound, month, fee type, firm) are ~40,000 rows for the
city's 36 months.

The database keeps them, not the app: every INSERT, UPDATE and DELETE on bill adds its difference
in the same transaction, whoever writes (payments, reversals, waivers, imports, generation, the
seed, a hand-written UPDATE), so the totals cannot drift from the bills while the triggers are
on. `pm_app.fees.totals.rebuild()` recomputes them after anyone turns them off.

PostgreSQL: one trigger per statement, reading the statement's rows from its transition tables,
so a period's 160,000 generated bills cost one grouped upsert, not 160,000. The upsert takes the
totals' rows in key order, so two statements never wait for each other crosswise. A statement
that changes no figure (a bill's status alone) writes nothing. TRUNCATE of bill empties the totals.
SQLite: a trigger per row (it has no statement triggers).

firm_id may be NULL (a bill outside any contract), so the key is unique on coalesce(firm_id, 0).
A row whose bills are all gone is deleted.
"""

import sqlalchemy as sa
from alembic import op

revision = "d6b3f9a2c007"
down_revision = "c5f2a8e1d006"
branch_labels = None
depends_on = None

KEY = "compound_id, period, fee_type, coalesce(firm_id, 0)"
COLUMNS = (
    "compound_id, firm_id, period, fee_type, bills, receivable_fen, received_fen, households_billed, households_paid"
)
ADD = (
    "bills = t.bills + excluded.bills, receivable_fen = t.receivable_fen + excluded.receivable_fen, "
    "received_fen = t.received_fen + excluded.received_fen, "
    "households_billed = t.households_billed + excluded.households_billed, "
    "households_paid = t.households_paid + excluded.households_paid"
)
BILLED = "(b.waived_fen < b.amount_due_fen)"
SETTLED = "(b.waived_fen < b.amount_due_fen AND b.paid_fen + b.waived_fen >= b.amount_due_fen)"


def _figures(sign: str) -> str:
    """One bill's contribution, signed: + for a row as it is now, - for a row as it was."""
    return (
        f"b.compound_id, b.firm_id, b.period, b.fee_type, {sign}1 AS bills, "
        f"{sign}(b.amount_due_fen - b.waived_fen) AS receivable_fen, {sign}b.paid_fen AS received_fen, "
        f"{sign}CASE WHEN {BILLED} THEN 1 ELSE 0 END AS households_billed, "
        f"{sign}CASE WHEN {SETTLED} THEN 1 ELSE 0 END AS households_paid"
    )


def _upsert(rows: str) -> str:
    """Add the grouped `rows` (a FROM item of signed figures) to the totals, in key order."""
    return f"""
    INSERT INTO bill_total AS t ({COLUMNS})
    SELECT compound_id, firm_id, period, fee_type, sum(bills), sum(receivable_fen), sum(received_fen),
           sum(households_billed), sum(households_paid)
    FROM {rows} d
    GROUP BY compound_id, firm_id, period, fee_type
    HAVING sum(bills) <> 0 OR sum(receivable_fen) <> 0 OR sum(received_fen) <> 0
        OR sum(households_billed) <> 0 OR sum(households_paid) <> 0
    ORDER BY compound_id, period, fee_type, coalesce(firm_id, 0)
    ON CONFLICT ({KEY}) DO UPDATE SET {ADD};"""


EMPTIED = """
    DELETE FROM bill_total t USING (SELECT DISTINCT compound_id, firm_id, period, fee_type FROM old_rows) o
    WHERE t.bills = 0 AND t.compound_id = o.compound_id AND t.period = o.period AND t.fee_type = o.fee_type
      AND coalesce(t.firm_id, 0) = coalesce(o.firm_id, 0);"""

PG_FUNCTION = f"""
CREATE FUNCTION bill_total_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_upsert(f"(SELECT {_figures('')} FROM new_rows b)")}
  ELSIF TG_OP = 'UPDATE' THEN
    {_upsert(f"(SELECT {_figures('')} FROM new_rows b UNION ALL SELECT {_figures('-')} FROM old_rows b)")}
    {EMPTIED}
  ELSE
    {_upsert(f"(SELECT {_figures('-')} FROM old_rows b)")}
    {EMPTIED}
  END IF;
  RETURN NULL;
END $$;
CREATE FUNCTION bill_total_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM bill_total;
  RETURN NULL;
END $$;
CREATE TRIGGER bill_total_insert AFTER INSERT ON bill REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bill_total_apply();
CREATE TRIGGER bill_total_update AFTER UPDATE ON bill REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bill_total_apply();
CREATE TRIGGER bill_total_delete AFTER DELETE ON bill REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bill_total_apply();
CREATE TRIGGER bill_total_truncate AFTER TRUNCATE ON bill FOR EACH STATEMENT EXECUTE FUNCTION bill_total_truncate();
"""


def _sqlite_row(row: str, sign: str) -> str:
    figures = _figures(sign).replace("b.", f"{row}.")
    # (a trigger's INSERT may not alias its table: the sums name it)
    return f"""
    INSERT INTO bill_total ({COLUMNS}) SELECT {figures} WHERE true
    ON CONFLICT ({KEY}) DO UPDATE SET {ADD.replace("t.", "bill_total.")};"""


SQLITE_EMPTIED = """
    DELETE FROM bill_total WHERE bills = 0 AND compound_id = OLD.compound_id AND period = OLD.period
      AND fee_type = OLD.fee_type AND coalesce(firm_id, 0) = coalesce(OLD.firm_id, 0);"""
FIGURE_COLUMNS = "compound_id, firm_id, period, fee_type, amount_due_fen, paid_fen, waived_fen"
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER bill_total_insert AFTER INSERT ON bill BEGIN {_sqlite_row('NEW', '')} END",
    f"CREATE TRIGGER bill_total_update AFTER UPDATE OF {FIGURE_COLUMNS} ON bill BEGIN "
    f"{_sqlite_row('OLD', '-')} {_sqlite_row('NEW', '')} {SQLITE_EMPTIED} END",
    f"CREATE TRIGGER bill_total_delete AFTER DELETE ON bill BEGIN {_sqlite_row('OLD', '-')} {SQLITE_EMPTIED} END",
]

BACKFILL = f"""
INSERT INTO bill_total ({COLUMNS})
SELECT compound_id, firm_id, period, fee_type, count(*), sum(amount_due_fen - waived_fen), sum(paid_fen),
       sum(CASE WHEN {BILLED} THEN 1 ELSE 0 END), sum(CASE WHEN {SETTLED} THEN 1 ELSE 0 END)
FROM bill b GROUP BY compound_id, firm_id, period, fee_type"""


def upgrade():
    op.create_table(
        "bill_total",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("compound_id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=True),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("fee_type", sa.String(length=16), nullable=False),
        sa.Column("bills", sa.Integer(), nullable=False),
        sa.Column("receivable_fen", sa.BigInteger(), nullable=False),
        sa.Column("received_fen", sa.BigInteger(), nullable=False),
        sa.Column("households_billed", sa.Integer(), nullable=False),
        sa.Column("households_paid", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill_total")),
    )
    # the upserts' conflict target (an expression: a NULL firm is a key like any other)
    op.create_index(
        "uq_bill_total_key",
        "bill_total",
        ["compound_id", "period", "fee_type", sa.text("coalesce(firm_id, 0)")],
        unique=True,
    )
    op.create_index("ix_bill_total_period", "bill_total", ["period"])
    op.execute(BACKFILL)
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_FUNCTION)
    elif dialect == "sqlite":
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)


def downgrade():
    dialect = op.get_bind().dialect.name
    for name in ("bill_total_insert", "bill_total_update", "bill_total_delete", "bill_total_truncate"):
        op.execute(
            f"DROP TRIGGER IF EXISTS {name} ON bill" if dialect == "postgresql" else f"DROP TRIGGER IF EXISTS {name}"
        )
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS bill_total_apply()")
        op.execute("DROP FUNCTION IF EXISTS bill_total_truncate()")
    op.drop_index("ix_bill_total_period", table_name="bill_total")
    op.drop_index("uq_bill_total_key", table_name="bill_total")
    op.drop_table("bill_total")
