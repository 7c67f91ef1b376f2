"""Payment replay under load: many clients replaying payments with the same Idempotency-Keys
against gunicorn on a private PostgreSQL with the demo city (bench/services.py).

    python bench/payment_replay.py [--keys 400] [--copies 5] [--threads 40] [--json replay.json]

Each key is sent `copies` times at once from different threads; for every third key one copy is
a client that gives up (closes the connection before the answer) and retries a moment later
with the same key. A quarter of the bills get two different keys (two partial payments racing
on one bill row). Checked: every answered copy is 201 with the key's one payment id, exactly
one copy per key created it (header Idempotent-Replayed), payment rows = distinct keys, and the
amounts add up to the fen, per bill and in all. tests/reliability/test_payment_replay.py is the
fast version in the suite.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

from services import Gunicorn
from world import World, call, percentile, query, token, write_json


def give_up(base_port: int, admin: str, body: dict, key: str) -> None:
    """A client that sends the payment and hangs up before the answer (its timeout)."""
    conn = http.client.HTTPConnection("127.0.0.1", base_port, timeout=5)
    conn.request(
        "POST",
        "/api/v1/payments",
        body=json.dumps(body),
        headers={"Authorization": f"Bearer {admin}", "Content-Type": "application/json", "Idempotency-Key": key},
    )
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=400)
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--threads", type=int, default=40)
    parser.add_argument("--json")
    args = parser.parse_args()
    rng = random.Random(11)
    with World() as world:
        url = world.clone("replay")
        server = Gunicorn(url, world.redis.url, world.instance("replay"), workers=2, threads=8).start()
        admin = token(server.base, "admin")
        bills = query(
            url,
            "SELECT id, amount_due_fen - paid_fen - waived_fen FROM bill "
            "WHERE amount_due_fen - paid_fen - waived_fen >= 200 ORDER BY random() LIMIT %s",
            (args.keys,),
        )
        payments = []  # (key, body, amount_fen)
        for n, (bill_id, outstanding) in enumerate(bills[: args.keys * 3 // 4]):
            shares = 2 if n % 3 == 0 else 1  # two keys racing on one bill row
            for share in range(shares):
                fen = rng.randint(1, outstanding // 2)
                payments.append(
                    (
                        f"replay-{bill_id}-{share}",
                        {"bill_id": bill_id, "amount": f"{fen / 100:.2f}", "method": "wechat"},
                        fen,
                    )
                )
        payments = payments[: args.keys]
        sends = [
            (key, body, "give-up" if i % 3 == 0 and copy == 0 else "wait")
            for i, (key, body, _) in enumerate(payments)
            for copy in range(args.copies)
        ]
        rng.shuffle(sends)
        answers = defaultdict(list)
        lock = threading.Lock()

        def send(item):
            key, body, how = item
            if how == "give-up":
                give_up(server.port, admin, body, key)
                time.sleep(0.5)
            answer = call(server.base, "POST", "/api/v1/payments", admin, body, {"Idempotency-Key": key})
            with lock:
                answers[key].append(
                    (
                        answer.status,
                        (answer.body or {}).get("id"),
                        answer.headers.get("Idempotent-Replayed"),
                        answer.seconds,
                    )
                )

        started = time.perf_counter()
        with ThreadPoolExecutor(args.threads) as pool:
            list(pool.map(send, sends))
        elapsed = time.perf_counter() - started
        server.close()
        figures = check(url, payments, answers, elapsed, args)
    print(json.dumps(figures, indent=2))
    write_json(args.json, figures)
    return 0 if figures["ok"] else 1


def check(url, payments, answers, elapsed, args) -> dict:
    rows = dict(query(url, "SELECT idempotency_key, id FROM payment WHERE idempotency_key LIKE 'replay-%'"))
    amounts = dict(query(url, "SELECT idempotency_key, amount_fen FROM payment WHERE idempotency_key LIKE 'replay-%'"))
    statuses = Counter(status for copies in answers.values() for status, *_ in copies)
    wrong_id = [k for k, copies in answers.items() if {i for _, i, _, _ in copies} != {rows.get(k)}]
    created = Counter(sum(1 for _, _, replayed, _ in copies if replayed == "false") for copies in answers.values())
    expected_fen = sum(fen for _, _, fen in payments)
    disagree = query(
        url,
        "SELECT count(*) FROM bill b WHERE b.paid_fen <> coalesce((SELECT sum(amount_fen) FROM "
        "payment p WHERE p.bill_id = b.id), 0)",
    )[0][0]
    figures = {
        "keys": len(payments),
        "copies_per_key": args.copies,
        "requests": sum(len(c) for c in answers.values()),
        "clients_that_gave_up_and_retried": sum(1 for i in range(len(payments)) if i % 3 == 0),
        "bills_with_two_racing_keys": len(payments) - len({b["bill_id"] for _, b, _ in payments}),
        "seconds": round(elapsed, 1),
        "requests_per_s": round(sum(len(c) for c in answers.values()) / elapsed, 1),
        "p50_s": round(percentile([s for c in answers.values() for *_, s in c], 50), 3),
        "p99_s": round(percentile([s for c in answers.values() for *_, s in c], 99), 3),
        "statuses": dict(statuses),
        "keys_whose_answers_disagree_with_the_row": len(wrong_id),
        "keys_by_copies_that_created": dict(created),
        "payment_rows": len(rows),
        "total_fen_expected": expected_fen,
        "total_fen_in_table": sum(amounts.values()),
        "amount_mismatches": sum(1 for k, _, fen in payments if amounts.get(k) != fen),
        "bills_whose_totals_disagree": disagree,
    }
    figures["ok"] = (
        set(statuses) == {201}
        and not wrong_id
        and len(rows) == len(payments)
        and figures["total_fen_in_table"] == expected_fen
        and not figures["amount_mismatches"]
        and disagree == 0
        and set(created) <= {0, 1}
    )
    return figures


if __name__ == "__main__":
    sys.exit(main())
