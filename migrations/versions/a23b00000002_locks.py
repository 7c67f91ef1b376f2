"""row locks, reversal key namespace and idempotency keys (issue 23)

Revision ID: a23b00000002
Revises: a23a00000001
Create Date: 2026-12-06

Callers' idempotency keys of payments and waivers move into their organisation's own space:
each is replaced by the SHA-256 that `pm_app.fees.keys.stored` computes (a frozen copy below,
so this step means the same whatever the app later does). The n-th row of a payment spread over
several bills ("<key>:<n>", same request digest as the row of "<key>") becomes part n of "<key>".
The server's own keys (`reversal:<id>`, `import:…`, `seed:<id>`) stay as they are: a caller's
key can no longer be one of them.

Households get `registered_on`, the day from which bill generation may bill them; the ones
registered before this step have none ("on record before the date was kept": billable as before).

Downgrade drops `registered_on`; the hashed keys stay hashed (the raw keys are not kept), so a
retry of a payment recorded before the downgrade is no longer recognised by the old code.
"""

import hashlib
import re

import sqlalchemy as sa
from alembic import op

revision = "a23b00000002"
down_revision = "a23a00000001"
branch_labels = None
depends_on = None

_PART = re.compile(r"^(.*):(\d+)$", re.DOTALL)


def upgrade():
    op.add_column("household", sa.Column("registered_on", sa.Date(), nullable=True))
    connection = op.get_bind()
    spaces = _spaces(connection)
    _rehash_payments(connection, spaces)
    waivers = connection.execute(
        sa.text("SELECT id, idempotency_key, recorded_by_id FROM waiver WHERE idempotency_key IS NOT NULL")
    ).all()
    _update(
        connection,
        "waiver",
        [
            {"id": row.id, "key": _digest("waiver", _space(spaces, row.recorded_by_id), 0, row.idempotency_key)}
            for row in waivers
        ],
    )


def downgrade():
    op.drop_column("household", "registered_on")


def _rehash_payments(connection, spaces) -> None:
    rows = connection.execute(
        sa.text(
            "SELECT id, idempotency_key, recorded_by_id, request_digest FROM payment WHERE reversal_of_id IS NULL "
            "AND idempotency_key NOT LIKE 'import:%' AND idempotency_key NOT LIKE 'seed:%'"
        )
    ).all()
    firsts = {(row.request_digest, row.recorded_by_id, row.idempotency_key) for row in rows}
    changes = []
    for row in rows:
        key, part = row.idempotency_key, 0
        match = _PART.match(key)
        if match and (row.request_digest, row.recorded_by_id, match.group(1)) in firsts:
            key, part = match.group(1), int(match.group(2))
        changes.append({"id": row.id, "key": _digest("payment", _space(spaces, row.recorded_by_id), part, key)})
    _update(connection, "payment", changes)


def _update(connection, table: str, changes: list[dict]) -> None:
    if changes:
        connection.execute(sa.text(f"UPDATE {table} SET idempotency_key = :key WHERE id = :id"), changes)


def _spaces(connection) -> dict:
    streets: dict = {}
    for user_id, street_id in connection.execute(sa.text("SELECT user_id, street_id FROM user_street")):
        streets.setdefault(user_id, []).append(street_id)
    spaces = {}
    for user_id, role, firm_id, compound_id in connection.execute(
        sa.text('SELECT id, role, firm_id, compound_id FROM "user"')
    ):
        if role in ("admin", "regulator"):
            spaces[user_id] = "city"
        elif role in ("firm_staff", "contractor_staff") and firm_id is not None:
            spaces[user_id] = f"firm:{firm_id}"
        elif role == "committee_member" and compound_id is not None:
            spaces[user_id] = f"compound:{compound_id}"
        elif role == "street_officer" and len(streets.get(user_id, [])) == 1:
            spaces[user_id] = f"street:{streets[user_id][0]}"
        else:
            spaces[user_id] = f"user:{user_id}"
    return spaces


def _space(spaces: dict, user_id) -> str:
    return spaces.get(user_id, f"user:{user_id}")


def _digest(kind: str, space: str, part: int, key: str) -> str:
    return hashlib.sha256("\x1f".join((kind, space, str(part), key)).encode()).hexdigest()
