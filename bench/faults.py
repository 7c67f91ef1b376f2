"""Fault injection against private PostgreSQL, Redis, gunicorn and RQ instances (bench/services.py):
never the machine's shared servers.

    python bench/faults.py worker-kill  [--kills 20]               # SIGKILL the RQ worker mid-job
    python bench/faults.py redis-outage [--outage 60] [--quick]    # Redis stopped during 100 payments
    python bench/faults.py pg-restart   [--quick]                  # PostgreSQL restarted under load
    python bench/faults.py all          [--json faults.json]

Each seeds the demo city once (about a minute), prints its figures and exits non-zero when a
promise broke; --json writes them. See docs/reliability.md, "Faults".
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from world import World, write_json


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("fault", choices=["worker-kill", "redis-outage", "pg-restart", "all"])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--outage", type=float, default=60.0, help="seconds Redis stays down (the issue: 60)")
    parser.add_argument("--payments", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="shorter outage and load, for development")
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()
    if args.quick:
        args.outage, args.kills = min(args.outage, 10), min(args.kills, 6)
    chosen = ["worker-kill", "redis-outage", "pg-restart"] if args.fault == "all" else [args.fault]
    figures = {}
    started = time.perf_counter()
    with World() as world:
        for fault in chosen:
            t = time.perf_counter()
            if fault == "worker-kill":
                import fault_worker_kill

                figures[fault] = fault_worker_kill.run(world, kills=args.kills)
            elif fault == "redis-outage":
                import fault_redis

                figures[fault] = fault_redis.run(world, outage=args.outage, payments=args.payments)
            else:
                import fault_pg

                figures[fault] = fault_pg.run(world, quick=args.quick)
            figures[fault]["seconds"] = round(time.perf_counter() - t, 1)
            print(f"\n== {fault} ==\n{json.dumps(figures[fault], indent=2, default=str)}", flush=True)
    figures["total_seconds"] = round(time.perf_counter() - started, 1)
    write_json(args.json, figures)
    broken = [f for f in chosen if not figures[f]["ok"]]
    print(f"\n{'BROKEN: ' + ', '.join(broken) if broken else 'all promises held'} ({figures['total_seconds']} s)")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
