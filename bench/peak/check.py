"""After the run: every write the product acknowledged is in the database, once.

A payment: its rows exist and add up to what was paid, its receipt carries the number the cashier
was given, the household has that one receipt from the bench's cashiers (each household is paid
once, so a second receipt would be a payment recorded twice), and no receipt number is used twice.
A ticket moved: one event of that step by that person. A report: one ticket with its tracking code
and its marker. Writes the product made but never acknowledged (a request cut off when a step of
load ended) are counted, not faulted: the client never learned of them.
"""

from __future__ import annotations

import psycopg
from plan import PREFIX


def check_writes(url: str, writes: dict, run: str) -> dict:
    missing, twice = [], []
    with psycopg.connect(url, autocommit=True) as conn:
        one = lambda sql, *args: conn.execute(sql, args).fetchone()[0]  # noqa: E731
        for paid in writes["payments"]:
            found = conn.execute(
                "SELECT count(*), coalesce(sum(amount_fen), 0) FROM payment WHERE id = ANY(%s)", (paid["payment_ids"],)
            ).fetchone()
            number = conn.execute("SELECT max(number) FROM receipt WHERE id = %s", (paid["receipt_id"],)).fetchone()[0]
            if (
                found[0] != len(paid["payment_ids"])
                or found[1] != paid["amount_fen"]
                or number != paid["receipt_number"]
            ):
                missing.append({"payment": paid, "found": list(found), "receipt_number": number})
            receipts = one(
                'SELECT count(*) FROM receipt r JOIN "user" u ON u.id = r.cashier_id '
                "WHERE r.household_id = %s AND u.username LIKE %s",
                paid["household_id"],
                PREFIX + "%",
            )
            if receipts != 1:
                twice.append({"household_id": paid["household_id"], "receipts": receipts})
        for organisation, number, n in conn.execute(
            "SELECT organisation, number, count(*) FROM receipt GROUP BY organisation, number HAVING count(*) > 1"
        ):
            twice.append({"receipt_number": number, "organisation": organisation, "times": n})
        for moved in writes["transitions"]:
            n = one(
                'SELECT count(*) FROM ticket_event e JOIN "user" u ON u.id = e.actor_id WHERE e.ticket_id = %s '
                "AND e.to_status = %s AND u.username = %s",
                moved["ticket_id"],
                moved["to"],
                moved["username"],
            )
            (missing if n == 0 else twice if n > 1 else []).append(moved)
        for report in writes["reports"]:
            n = one(
                "SELECT count(*) FROM ticket WHERE tracking_code = %s AND description LIKE %s",
                report["tracking_code"],
                f"%{report['marker']}",
            )
            m = one("SELECT count(*) FROM ticket WHERE description LIKE %s", f"%{report['marker']}")
            (missing if n == 0 else twice if m > 1 else []).append(report)
        receipts_made = one(
            'SELECT count(*) FROM receipt r JOIN "user" u ON u.id = r.cashier_id WHERE u.username LIKE %s', PREFIX + "%"
        )
        reports_made = one("SELECT count(*) FROM ticket WHERE description LIKE %s", f"%{run}-%")
    acknowledged = {
        "payments": len(writes["payments"]),
        "payment rows": sum(len(p["payment_ids"]) for p in writes["payments"]),
        "ticket moves": len(writes["transitions"]),
        "reports": len(writes["reports"]),
    }
    return {
        "acknowledged": acknowledged,
        "missing": missing,
        "twice": twice,
        "made_but_not_acknowledged": {
            "receipts": receipts_made - len({p["receipt_id"] for p in writes["payments"]}),
            "reports": reports_made - len(writes["reports"]),
        },
    }
