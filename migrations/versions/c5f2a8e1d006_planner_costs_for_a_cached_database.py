"""PostgreSQL plans for a database that is in memory or on SSD (random_page_cost 1.1)

Revision ID: c5f2a8e1d006
Revises: b3e7c2d4f005
Create Date: 2026-11-21

PostgreSQL's default random_page_cost (4) prices a read by index as four times a sequential read,
as on a spinning disk. Here the working set is in memory: at city scale the planner read the whole
alert table to count one street's unread alerts (1.4 ms, a hash join over 5,585 rows), where 138
index probes take 0.3 ms; the homes' alert list and the header's count on every page did the same.
1.1 is the value PostgreSQL's own tuning advice gives for SSD and cached data. The plans of every
statement of the benchmarked pages and their references were compared at 4 and 1.1: only small
lookups changed, and each got faster (docs/performance.md, "Fifth pass").

Set on the database, so every connection gets it, through PgBouncer too. A role that may not
alter its database leaves the setting as it was, with a notice: the schema does not depend on it.
SQLite has no such setting.
"""

from alembic import op

revision = "c5f2a8e1d006"
down_revision = "b3e7c2d4f005"
branch_labels = None
depends_on = None

SET = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I {action}', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'random_page_cost left as it was: this role may not alter the database';
END $$
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(SET.format(action="SET random_page_cost = 1.1"))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(SET.format(action="RESET random_page_cost"))
