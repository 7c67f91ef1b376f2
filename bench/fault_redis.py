"""redis-outage: Redis stopped for 60 s while 100 payments are made through gunicorn, pages are
read, and a sweep opens alerts whose webhooks must go out; `pm-app worker` and `pm-app cron`
run throughout. Every payment must commit, no page may fail, and every delivery must be sent
within two minutes of Redis returning."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

from services import ROOT, Gunicorn, app_env
from world import Browser, Sink, add_webhooks, call, percentile, pm_app, query, token, wait_until


def run(world, outage: float = 60.0, payments: int = 100) -> dict:
    url = world.clone("redis_outage")
    inst = world.instance("redis_outage")
    sink = Sink()
    add_webhooks(url, sink.url)
    server = Gunicorn(url, world.redis.url, inst).start()
    jobs = [
        pm_app(name, database_url=url, redis_url=world.redis.url, instance=inst, log=inst / f"{name}.log")
        for name in ("worker", "cron")
    ]
    admin = token(server.base, "admin")
    street = Browser(server.base, "street")
    bills = [
        b
        for (b,) in query(
            url,
            "SELECT id FROM bill WHERE amount_due_fen - paid_fen - waived_fen >= 100 ORDER BY id LIMIT %s",
            (payments,),
        )
    ]
    lead, tail = min(10.0, outage / 3), min(20.0, outage / 2)
    interval = (lead + outage + tail) / payments
    t0 = time.monotonic()
    down_at, up_at = t0 + lead, t0 + lead + outage
    events: dict = {}
    pages: list[tuple[float, str, int, float]] = []
    stop = threading.Event()

    def read_pages():
        paths = ["/", "/alerts", "/compounds", "/fees"]
        n = 0
        while not stop.is_set():
            path = paths[n % len(paths)]
            answer = street.get(path)
            pages.append((time.monotonic() - t0, path, answer.status, answer.seconds))
            api = call(server.base, "GET", "/api/v1/compounds?page_size=20", admin)
            pages.append((time.monotonic() - t0, "/api/v1/compounds", api.status, api.seconds))
            n += 1
            stop.wait(0.5)

    def sweep_during_outage():
        # Alerts open while Redis is down: the sweep commits and its deliveries wait in the outbox.
        started = time.monotonic()
        sweep = subprocess.run(
            [sys.executable, "-c", "from pm_app.cli import cli; cli()", "sweep"],
            cwd=ROOT,
            env=app_env(DATABASE_URL=url, REDIS_URL=world.redis.url, PM_APP_INSTANCE=inst, SECRET_KEY="bench-secret"),
            capture_output=True,
            text=True,
        )
        events["sweep_during_outage"] = {
            "exit": sweep.returncode,
            "seconds": round(time.monotonic() - started, 1),
            "ended_at": round(time.monotonic() - t0, 1),
            "ended_epoch": time.time(),
            "stderr_tail": sweep.stderr[-300:] if sweep.returncode else "",
        }

    def redis_off_and_on():
        time.sleep(max(0.0, down_at - time.monotonic()))
        world.redis.stop()
        events["redis_stopped"] = time.monotonic() - t0
        sweeper = threading.Thread(target=sweep_during_outage)
        sweeper.start()
        time.sleep(outage / 3)
        fresh = call(server.base, "POST", "/api/v1/auth/token", body={"username": "firm", "password": "demo1234"})
        events["sign_in_during_outage"] = fresh.status
        try:
            Browser(server.base, "regulator")
            events["page_sign_in_during_outage"] = "ok"
        except Exception as exc:  # noqa: BLE001 (reported, not raised)
            events["page_sign_in_during_outage"] = repr(exc)
        time.sleep(max(0.0, up_at - time.monotonic()))
        world.redis.start()
        events["redis_started"] = time.monotonic() - t0
        events["redis_started_epoch"] = time.time()
        sweeper.join()

    threading.Thread(target=read_pages, daemon=True).start()
    fault = threading.Thread(target=redis_off_and_on)
    fault.start()
    results = []
    for n, bill_id in enumerate(bills):
        time.sleep(max(0.0, t0 + n * interval - time.monotonic()))
        results.append(_pay(server.base, admin, bill_id, f"outage-{bill_id}", time.monotonic() - t0))
    fault.join()
    # Deliveries can only be due once both Redis is back and the sweep has committed them.
    redis_back = max(events["redis_started_epoch"], events["sweep_during_outage"]["ended_epoch"])
    webhooks = query(url, "SELECT count(*) FROM delivery WHERE channel = 'webhook'")[0][0]
    drained = wait_until(
        lambda: not query(url, "SELECT 1 FROM delivery WHERE channel = 'webhook' AND state <> 'sent'"),
        timeout=300,
        step=1,
    )
    last_sent = max((t for _, t in sink.received), default=None)
    stop.set()
    alive = {name: p.poll() is None for name, p in zip(("worker", "cron"), jobs)}
    for p in jobs:  # each in its own session, with RQ's scheduler child
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            p.terminate()
        p.wait(30)
    server.close()
    return _figures(url, results, pages, events, sink, webhooks, drained, redis_back, last_sent, alive, outage)


def _pay(base, admin, bill_id, key, at) -> dict:
    body = {"bill_id": bill_id, "amount": "1.00", "method": "wechat"}
    tries = []
    for _ in range(4):  # a client retrying with the same key, as the API asks
        answer = call(base, "POST", "/api/v1/payments", admin, body, {"Idempotency-Key": key})
        tries.append(answer.status)
        if answer.status == 201:
            return {"at": at, "statuses": tries, "id": answer.body["id"], "seconds": answer.seconds}
        time.sleep(1)
    return {"at": at, "statuses": tries, "id": None, "seconds": None}


def _figures(url, results, pages, events, sink, webhooks, drained, redis_back, last_sent, alive, outage) -> dict:
    down, up = events["redis_stopped"], events["redis_started"]
    during = [r for r in results if down <= r["at"] <= up]
    rows = query(
        url, "SELECT count(*), coalesce(sum(amount_fen), 0) FROM payment WHERE idempotency_key LIKE 'outage-%'"
    )[0]
    answered = {r["id"] for r in results if r["id"]}
    in_table = {i for (i,) in query(url, "SELECT id FROM payment WHERE idempotency_key LIKE 'outage-%'")}
    outage_pages = [p for p in pages if down <= p[0] <= up]
    received = sink.ids()
    sink.close()
    after_return = (last_sent - redis_back) if last_sent and drained is not None else None
    figures = {
        "outage_s": round(up - down, 1),
        "payments": len(results),
        "payments_during_outage": len(during),
        "payments_201_first_try": sum(1 for r in results if r["statuses"][:1] == [201]),
        "payments_201": sum(1 for r in results if r["id"]),
        "payment_rows": rows[0],
        "payment_total_fen": rows[1],
        "answered_ids_equal_table": answered == in_table,
        "payment_p95_s_during_outage": round(percentile([r["seconds"] for r in during if r["seconds"]], 95), 3),
        "payment_max_s_during_outage": round(max((r["seconds"] for r in during if r["seconds"]), default=0), 3),
        "page_requests_during_outage": len(outage_pages),
        "page_failures_during_outage": sum(1 for p in outage_pages if p[2] == 0 or p[2] >= 500),
        "page_5xx_total": sum(1 for p in pages if p[2] >= 500),
        "page_p95_s_during_outage": round(percentile([p[3] for p in outage_pages], 95), 3),
        **{k: v for k, v in events.items() if not k.endswith("epoch")},
        "sweep_finished_during_outage": events["sweep_during_outage"]["ended_at"] <= up,
        "webhook_deliveries": webhooks,
        "webhooks_received": len(received),
        "webhooks_received_twice": len(received) - len(set(received)),
        "all_sent_s_after_redis_returned_and_sweep_done": round(after_return, 1) if after_return is not None else None,
        "worker_and_cron_alive": alive,
    }
    figures["ok"] = (
        figures["payments_201"] == len(results) == rows[0]
        and rows[1] == 100 * len(results)
        and figures["answered_ids_equal_table"]
        and figures["page_failures_during_outage"] == 0
        and figures["page_5xx_total"] == 0
        and events["sweep_during_outage"]["exit"] == 0
        and events.get("sign_in_during_outage") == 200
        and webhooks > 0
        and figures["webhooks_received_twice"] == 0
        and after_return is not None
        and after_return <= 120
        and all(alive.values())
    )
    return figures
