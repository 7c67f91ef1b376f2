"""Fixed-rate mixed load against gunicorn on PostgreSQL, for minutes, watching memory and connections.

    python bench/load.py [--minutes 10] [--rate 30] [--database-url postgresql://…] [--json load.json]

Without --database-url it starts a private PostgreSQL and Redis (bench/services.py) and seeds the
demo city; with it, it runs against that database (city scale, say), which must hold the demo
accounts (`pm-app demo --no-serve` adds them to an empty database; or create users with those
names and pass --password). gunicorn runs 2 workers × 4 threads, as `gunicorn 'pm_app:create_app()'`.

The schedule is open-loop: request i is due at i/rate seconds whatever the server does, and its
latency counts from that moment (a slow server cannot slow the clients down and hide it). The mix:
each role's home page, lists (compounds, alerts, fees, tickets, warranties), API reads, and a
few writes (payments with a fresh key, one in four sent twice). Every 10 s it samples the RSS of
the gunicorn workers and the number of PostgreSQL connections to the database. Flat means the
last scheduled minute's maximum RSS is within 10 % of the second minute's, and its mean number of
connections within 10 % + 1.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from tempfile import mkdtemp

from services import Gunicorn, OwnRedis, rss_mb
from world import Browser, World, call, percentile, query, token, write_json

ROLES = ("admin", "regulator", "street", "firm", "contractor", "committee")
PAGES = ("/compounds", "/alerts", "/fees", "/tickets", "/warranties", "/warranties/expiring", "/tickets/queue")
API = (
    "/api/v1/compounds?page_size=50",
    "/api/v1/bills?page_size=50",
    "/api/v1/alerts?page_size=50",
    "/api/v1/warranty-items?page_size=50",
    "/api/v1/tickets?page_size=50",
    "/api/v1/collection-rates",
)


def allowed(browsers, tokens) -> dict:
    """What each role may open (its menu): a contractor has no fee pages, so it does not ask for them."""
    return {
        role: {
            "page": [p for p in PAGES if browsers[role].get(p).status == 200],
            "api": [p for p in API if call(browsers[role].base, "GET", p, tokens[role]).status == 200],
        }
        for role in browsers
    }


def mix(rng, browsers, tokens, menu, bills, counter):
    """One request of the mix: (kind, thunk)."""
    roll = rng.random()
    role = rng.choice(list(browsers))
    if roll < 0.25:
        return "home", lambda: browsers[role].get("/")
    if roll < 0.55 and menu[role]["page"]:
        path = rng.choice(menu[role]["page"])
        return "page", lambda: browsers[role].get(path)
    if roll < 0.95:
        path = rng.choice(menu[role]["api"])
        return "api", lambda: call(browsers[role].base, "GET", path, tokens[role])
    bill_id = rng.choice(bills)
    key = f"load-{next(counter)}"
    body = {"bill_id": bill_id, "amount": "0.01", "method": "cash"}
    twice = rng.random() < 0.25

    def pay():
        answer = call(
            browsers["admin"].base, "POST", "/api/v1/payments", tokens["admin"], body, {"Idempotency-Key": key}
        )
        return (
            call(browsers["admin"].base, "POST", "/api/v1/payments", tokens["admin"], body, {"Idempotency-Key": key})
            if twice
            else answer
        )

    return "write", pay


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=30, help="requests per second (open loop)")
    parser.add_argument("--database-url")
    parser.add_argument("--password", default="demo1234")
    parser.add_argument("--json")
    args = parser.parse_args()
    with ExitStack() as stack:
        if args.database_url:
            url = args.database_url
            redis = stack.enter_context(_Closing(OwnRedis().start()))
            redis_url, instance = redis.url, Path(mkdtemp(prefix="pm-bench-load-"))
        else:
            world = stack.enter_context(World())
            url, redis_url, instance = world.clone("load"), world.redis.url, world.instance("load")
        server = stack.enter_context(_Closing(Gunicorn(url, redis_url, instance, workers=2, threads=4).start()))
        figures = run(server, url, args)
    print(json.dumps({k: v for k, v in figures.items() if k != "samples"}, indent=2))
    write_json(args.json, figures)
    return 0 if figures["ok"] else 1


class _Closing:
    def __init__(self, thing):
        self.thing = thing

    def __enter__(self):
        return self.thing

    def __exit__(self, *exc):
        self.thing.close()


def run(server, url, args) -> dict:
    rng = random.Random(7)
    browsers = {role: Browser(server.base, role, args.password) for role in ROLES}
    tokens = {role: token(server.base, role, args.password) for role in ROLES}
    menu = allowed(browsers, tokens)
    bills = [
        b
        for (b,) in query(
            url, "SELECT id FROM bill WHERE amount_due_fen - paid_fen - waived_fen >= 10000 ORDER BY id LIMIT 2000"
        )
    ]
    database = url.rsplit("/", 1)[1].split("?")[0]
    counter = iter(range(10**9))
    results = defaultdict(list)  # kind → [(latency, status)]
    samples, lock, stop = [], threading.Lock(), threading.Event()
    duration, t0 = args.minutes * 60, time.monotonic()

    def sample():
        while not stop.wait(0 if not samples else 10):
            pids = server.worker_pids()
            connections = query(
                url, "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (database,)
            )[0][0]
            samples.append(
                {
                    "t": round(time.monotonic() - t0),
                    "rss_mb": [round(rss_mb(p), 1) for p in pids],
                    "pg_connections": connections,
                }
            )

    threading.Thread(target=sample, daemon=True).start()

    def fire(kind, thunk, due):
        answer = thunk()
        with lock:
            results[kind].append((time.monotonic() - due, answer.status, answer.seconds))

    with ThreadPoolExecutor(max_workers=64) as pool:
        for i in range(int(duration * args.rate)):
            due = t0 + i / args.rate
            time.sleep(max(0.0, due - time.monotonic()))
            kind, thunk = mix(rng, browsers, tokens, menu, bills, counter)
            pool.submit(fire, kind, thunk, due)
    stop.set()
    figures = summarise(results, samples, time.monotonic() - t0, args)
    figures["menu"] = menu
    return figures


def summarise(results, samples, elapsed, args) -> dict:
    every = [r for rows in results.values() for r in rows]
    latencies = [lat for lat, _, _ in every]
    service = [sec for _, _, sec in every]  # from sending to the answer, without the wait for a client thread
    errors = [s for _, s, _ in every if s == 0 or s >= 400]
    rss = [sum(s["rss_mb"]) for s in samples]
    conns = [s["pg_connections"] for s in samples]

    def window_max(values, start, end):
        picked = [v for s, v in zip(samples, values) if start <= s["t"] < end]
        return max(picked) if picked else None

    def window_mean(values, start, end):
        picked = [v for s, v in zip(samples, values) if start <= s["t"] < end]
        return round(sum(picked) / len(picked), 1) if picked else None

    # Memory: the maxima. Connections jump by one or two between samples as requests come and go,
    # so their means are compared: a leak shows as a mean that climbs.
    end = args.minutes * 60
    second = (window_max(rss, 60, 120), window_mean(conns, 60, 120))
    last = (window_max(rss, end - 60, end + 1), window_mean(conns, end - 60, end + 1))
    flat = [
        a is not None and b is not None and b <= a * 1.10 + (1 if i else 0)
        for i, (a, b) in enumerate(zip(second, last))
    ]
    figures = {
        "minutes": args.minutes,
        "rate_per_s": args.rate,
        "requests": len(every),
        "achieved_per_s": round(len(every) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000),
        "p95_ms": round(percentile(latencies, 95) * 1000),
        "p99_ms": round(percentile(latencies, 99) * 1000),
        "max_ms": round(max(latencies, default=0) * 1000),
        "service_p50_p95_p99_ms": [round(percentile(service, q) * 1000) for q in (50, 95, 99)],
        "error_rate": round(len(errors) / max(1, len(every)), 5),
        "errors_by_status": dict(Counter(errors)),
        "5xx": sum(1 for s in errors if s >= 500),
        "by_kind": {
            kind: {
                "n": len(rows),
                "p50_ms": round(percentile([r[0] for r in rows], 50) * 1000),
                "p95_ms": round(percentile([r[0] for r in rows], 95) * 1000),
                "p99_ms": round(percentile([r[0] for r in rows], 99) * 1000),
            }
            for kind, rows in sorted(results.items())
        },
        "worker_rss_mb_first_second_last_minute_max": [round(rss[0], 1) if rss else None, second[0], last[0]],
        "pg_connections_first_sample_max_second_last_minute_mean": [
            conns[0] if conns else None,
            max(conns, default=None),
            second[1],
            last[1],
        ],
        "rss_flat": flat[0],
        "connections_flat": flat[1],
        "samples": samples,
    }
    figures["ok"] = figures["5xx"] == 0 and figures["error_rate"] < 0.001 and all(flat)
    return figures


if __name__ == "__main__":
    sys.exit(main())
