"""pg-restart: PostgreSQL restarted (fast shutdown: every connection cut) while clients pay bills
and read lists through gunicorn. No success answer may lack its committed row; the app must
serve again once PostgreSQL is back, without being restarted; a client retrying its failed
payments with the same keys ends with exactly one row per key."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter

from services import Gunicorn
from world import call, percentile, query, token


def run(world, quick: bool = False, clients: int = 8) -> dict:
    url = world.clone("pg_restart")
    inst = world.instance("pg_restart")
    server = Gunicorn(url, world.redis.url, inst).start()
    admin = token(server.base, "admin")
    duration = 20.0 if quick else 40.0
    restart_at = duration / 3
    bills = iter(
        [
            b
            for (b,) in query(
                url,
                "SELECT id FROM bill WHERE amount_due_fen - paid_fen - waived_fen >= 100 ORDER BY id DESC LIMIT 5000",
            )
        ]
    )
    lock = threading.Lock()
    answers: list[dict] = []
    events: dict = {}
    t0 = time.monotonic()

    def client(n: int):
        for step in itertools.count():
            at = time.monotonic() - t0
            if at > duration:
                return
            if step % 2:
                answer = call(server.base, "GET", "/api/v1/bills?page_size=20&status=unpaid", admin, timeout=30)
                record = {"kind": "read", "at": at, "status": answer.status, "seconds": answer.seconds}
            else:
                with lock:
                    bill_id = next(bills)
                key = f"pgr-{bill_id}"
                answer = call(
                    server.base,
                    "POST",
                    "/api/v1/payments",
                    admin,
                    {"bill_id": bill_id, "amount": "1.00", "method": "cash"},
                    {"Idempotency-Key": key},
                )
                record = {
                    "kind": "pay",
                    "at": at,
                    "status": answer.status,
                    "seconds": answer.seconds,
                    "key": key,
                    "bill_id": bill_id,
                    "id": answer.body.get("id") if answer.status == 201 else None,
                }
            with lock:
                answers.append(record)

    def restart():
        time.sleep(restart_at)
        events["restart_began"] = time.monotonic() - t0
        world.pg.restart("fast")
        events["restart_ended"] = time.monotonic() - t0

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)] + [threading.Thread(target=restart)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # The client retries what failed, with the same keys (the API's promise: no double payment).
    retried = []
    for record in [a for a in answers if a["kind"] == "pay" and a["status"] != 201]:
        answer = call(
            server.base,
            "POST",
            "/api/v1/payments",
            admin,
            {"bill_id": record["bill_id"], "amount": "1.00", "method": "cash"},
            {"Idempotency-Key": record["key"]},
        )
        retried.append(
            {
                "status": answer.status,
                "replayed": answer.headers.get("Idempotent-Replayed"),
                "id": answer.body.get("id") if answer.status == 201 else None,
                "key": record["key"],
            }
        )
    server.close()
    return _figures(url, answers, retried, events)


def _figures(url, answers, retried, events) -> dict:
    table = dict(query(url, "SELECT idempotency_key, id FROM payment WHERE idempotency_key LIKE 'pgr-%'"))
    pays = [a for a in answers if a["kind"] == "pay"]
    success_without_row = [a for a in pays if a["status"] == 201 and table.get(a["key"]) != a["id"]]
    back = events["restart_ended"]
    failures = [a for a in answers if a["status"] != 201 and a["status"] != 200]
    after_back = [a for a in failures if a["at"] > back + 1.0]  # a second for requests already in flight
    first_ok = min((a["at"] for a in answers if a["at"] >= back and a["status"] in (200, 201)), default=None)
    mismatched = query(
        url,
        "SELECT count(*) FROM bill b WHERE b.paid_fen <> coalesce((SELECT sum(amount_fen) FROM "
        "payment p WHERE p.bill_id = b.id), 0)",
    )[0][0]
    figures = {
        "requests": len(answers),
        "payments_sent": len(pays),
        "restart_s": round(back - events["restart_began"], 1),
        "failed_answers": len(failures),
        "failed_by_status": dict(Counter(a["status"] for a in failures)),
        "failed_after_postgres_was_back": len(after_back),
        "first_success_s_after_postgres_was_back": round(first_ok - back, 2) if first_ok is not None else None,
        "success_without_committed_row": len(success_without_row),
        "payments_retried": len(retried),
        "retries_201": sum(1 for r in retried if r["status"] == 201),
        "retries_that_found_the_first_commit": sum(1 for r in retried if r["replayed"] == "true"),
        "payment_rows": len(table),
        "keys_sent": len({a["key"] for a in pays}),
        "bills_whose_totals_disagree": mismatched,
        "p95_s": round(percentile([a["seconds"] for a in answers], 95), 3),
    }
    figures["ok"] = (
        not success_without_row
        and not after_back
        and all(r["status"] == 201 for r in retried)
        and figures["payment_rows"] == figures["keys_sent"]
        and mismatched == 0
    )
    return figures
