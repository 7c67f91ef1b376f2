"""Batch work and scaling at city size, on PostgreSQL (design §5; docs/scaling.md).

    pm-app seed --scale city        (DATABASE_URL=postgresql://…/batch_city; ~3 min; city2x, city4x: 2×, 4×)
    python bench/batch.py postgresql://postgres@127.0.0.1/batch_city \\
        [--times2 postgresql://…/batch_city2] [--times4 postgresql://…/batch_city4] \\
        [--only sweeps,ranking,import,bills,api,growth] [--runs 3] [--json batch-bench.json]

Every measurement leaves the databases as they were (rolled back, or its rows deleted):
  sweeps   every rule the schedule runs (pm_app/alerts/schedule.py), each as its job runs it (jobs.alerts.sweep:
           run the rule, commit), a first sweep over the seeded city and a repeat (opens nothing);
           with --times2 the same on twice the city and the ratio 2×/1× (targets ≤ 60 s, ≤ 2.3×);
  ranking  one quarter's ranking computed for every firm (target ≤ 10 s);
  import   a 200,000-row household XLSX imported in a child process: seconds and peak RSS
           (bench/import_households.py --rss; targets ≤ 60 s, ≤ 300 MB);
  bills    one period's bills for the whole city (bench/fees.py's bench_generate; target ≤ 15 s);
  api      requests/s and p99 of a mix of authenticated API reads under gunicorn (gunicorn.conf.py),
           against /healthz in the same run (target: mix ÷ health ≥ 0.4);
  growth   sweep, one period's bills, city-wide collection rates and database size at 1×, 2×, 4×.
Jobs' commits become savepoints of one outer transaction rolled back at the end (as in the tests).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import fees as fees_bench  # noqa: E402  (bench/fees.py: bills and rates measurements)
from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.orm import scoped_session, sessionmaker  # noqa: E402

from pm_app import create_app  # noqa: E402
from pm_app.auth.models import Role, User  # noqa: E402
from pm_app.common.clock import today  # noqa: E402
from pm_app.config import Config, _database_url  # noqa: E402
from pm_app.extensions import db  # noqa: E402
from pm_app.fees.models import Bill  # noqa: E402
from pm_app.fees.periods import shift  # noqa: E402
from pm_app.org.models import Compound, Household  # noqa: E402

TARGETS = {
    "sweeps_first_s": 60,
    "sweeps_ratio_2x": 2.3,
    "ranking_s": 10,
    "import_s": 60,
    "import_rss_mb": 300,
    "bills_s": 15,
    "api_ratio": 0.4,
}


def make_app(url: str):
    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = _database_url(url, Config.INSTANCE_DIR)
        SECRET_KEY = "bench"
        JOBS_MODE = "sync"  # the relay the sweep jobs kick runs in this process (nothing is pending)
        REDIS_URL = None

    return create_app(BenchConfig)


@contextmanager
def rolled_back():
    """One outer transaction; what commits inside it (jobs, services) commits a savepoint."""
    connection = db.engine.connect()
    outer = connection.begin()
    original = db.session
    db.session = scoped_session(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
    try:
        yield
    finally:
        db.session.remove()
        db.session = original
        outer.rollback()
        connection.close()


def stats(values: list[float]) -> dict:
    ordered = sorted(values)
    # p95 of a handful of runs is their worst but one past 20; with ≤ 20 runs it is the slowest.
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"median": round(statistics.median(ordered), 2), "p95": round(p95, 2), "runs": [round(v, 2) for v in values]}


def point_fees_bench_at(last_period: str) -> None:
    """bench/fees.py measures the month after its own seed; point it at this database's months."""
    fees_bench.LAST, fees_bench.FIRST = last_period, shift(last_period, -11)
    year, month = (int(x) for x in shift(last_period, 1).split("-"))
    fees_bench.AS_OF = date(year, month, 15)
    fees_bench.RATES_AS_OF = date(year, month, 1) - timedelta(days=1)


def last_billed_period() -> str:
    return db.session.scalar(select(func.max(Bill.period)))


# -- sweeps -----------------------------------------------------------------------------------------


def sweep_all(as_of) -> tuple[float, dict]:
    from jobs.alerts import sweep
    from pm_app.alerts.schedule import scheduled_rules

    per_rule, started = {}, time.perf_counter()
    for rule in scheduled_rules():
        began = time.perf_counter()
        outcome = sweep(rule, as_of.isoformat(), trigger="bench")
        per_rule[rule] = {"seconds": round(time.perf_counter() - began, 2), **outcome}
    # the morning run's last step: every compound's health kept for the province's home
    from jobs.dashboards import snapshot_health

    began = time.perf_counter()
    outcome = snapshot_health(as_of.isoformat())
    per_rule["compound_health"] = {"seconds": round(time.perf_counter() - began, 2), "opened": 0, **outcome}
    return time.perf_counter() - started, per_rule


def forget_sweeps() -> int:
    """Within a rolled-back transaction: the alerts and sweep runs of earlier sweeps gone (their
    recipients and deliveries cascade), so that the first sweep measured is a first sweep on a
    database that `pm-app sweep` or bench/pages.py has swept already. Returns how many went."""
    cleared = db.session.execute(text("DELETE FROM alert")).rowcount
    db.session.execute(text("DELETE FROM sweep_run"))
    db.session.commit()  # a savepoint of the outer transaction
    return cleared


def bench_sweeps(runs: int) -> dict:
    as_of, firsts, repeats, detail = today(), [], [], {}
    for _ in range(runs):
        with rolled_back():
            cleared = forget_sweeps()
            first, detail["first"] = sweep_all(as_of)
            repeat, detail["repeat"] = sweep_all(as_of)
        firsts.append(first)
        repeats.append(repeat)
    assert all(r["opened"] == 0 for r in detail["repeat"].values()), detail["repeat"]
    return {
        "as_of": as_of.isoformat(),
        "first": stats(firsts),
        "repeat": stats(repeats),
        "per_rule": detail,
        "opened": sum(r["opened"] for r in detail["first"].values()),
        "cleared": cleared,
    }


# -- ranking ----------------------------------------------------------------------------------------


def bench_ranking(runs: int) -> dict:
    from pm_app.rankings import periods
    from pm_app.rankings.models import RankingPeriod, RankingResult
    from pm_app.rankings.seed import quarter_of

    taken = set(db.session.scalars(select(RankingPeriod.code)))
    code, day = quarter_of(today()), today()
    while code in taken:  # the latest whole quarter the seed has not ranked yet
        day = periods.dates_of(code)[0] - timedelta(days=1)
        code = quarter_of(day)
    times, firms = [], 0
    for _ in range(runs):
        with rolled_back():
            admin = User(username="bench-ranker", password_hash="-", role=Role.admin)
            db.session.add(admin)
            db.session.flush()
            period = periods.create_period(admin, code)
            started = time.perf_counter()
            periods.compute(admin, period)
            times.append(time.perf_counter() - started)
            firms = db.session.scalar(
                select(func.count()).select_from(RankingResult).where(RankingResult.period_id == period.id)
            )
    return {"period": code, "firms": firms, **stats(times)}


# -- import, bills ----------------------------------------------------------------------------------


def bench_import(url: str, runs: int, rows: int = 200_000) -> dict:
    import subprocess
    import tempfile

    import import_households

    def child(path: Path) -> dict:
        out = subprocess.run(
            [sys.executable, str(Path(__file__).parent / "import_households.py"), "--rss", str(rows), url, str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "households.xlsx"
        import_households.build_xlsx(path, rows)
        inline = child(path)  # openpyxl's own file: every text inline, its reader's slowest path
        import_households.excel_like(path)  # as Excel and WPS save it: the target's measure
        results = [child(path) for _ in range(runs)]
    return {
        "rows": rows,
        "file_mb": results[0]["file_mb"],
        "seconds": stats([r["seconds"] for r in results]),
        "peak_rss_mb": stats([r["peak_rss_mb"] for r in results]),
        "rss_before_import_mb": results[0]["peak_rss_mb_before"],
        "openpyxl_inline_file": {k: inline[k] for k in ("seconds", "peak_rss_mb", "file_mb")},
    }


def bench_bills(runs: int) -> dict:
    measured = [fees_bench.bench_generate() for _ in range(runs)]
    return {
        "period": measured[0]["period"],
        "created": measured[0]["created"],
        "seconds": stats([m["seconds"] for m in measured]),
        "again_seconds": stats([m["again_seconds"] for m in measured]),
    }


# -- growth -----------------------------------------------------------------------------------------


def size_of_city() -> dict:
    count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    return {
        "compounds": count(Compound),
        "households": count(Household),
        "bill_rows": count(Bill),
        "db_mb": round(db.session.scalar(text("SELECT pg_database_size(current_database())")) / 2**20),
    }


def bench_growth(url: str, runs: int, known: dict | None = None) -> dict:
    """The growth-curve figures of one database; `known`: those already measured on it this run."""
    known = known or {}
    with make_app(url).app_context():
        point_fees_bench_at(last_billed_period())
        figures = {
            **size_of_city(),
            "sweeps": known.get("sweeps") or bench_sweeps(runs),
            "bills": known.get("bills") or bench_bills(runs),
            "rates": fees_bench.bench_rates(),
        }
        db.engine.dispose()
    return figures


# -- report -----------------------------------------------------------------------------------------


def report(f: dict) -> list[tuple]:
    lines = []
    add = lambda name, value, target, holds: lines.append((name, value, target, "yes" if holds else "NO"))  # noqa: E731
    if "sweeps" in f:
        s = f["sweeps"]
        add(
            f"all sweeps, first ({s['opened']:,} alerts opened), median",
            f"{s['first']['median']} s",
            "≤ 60 s",
            s["first"]["median"] <= TARGETS["sweeps_first_s"],
        )
        add("all sweeps, repeat (opens nothing), median", f"{s['repeat']['median']} s", "—", True)
        if "ratio_2x" in s:
            add(
                "all sweeps first, 2× city ÷ 1× city",
                f"{s['ratio_2x']}",
                "≤ 2.3",
                s["ratio_2x"] <= TARGETS["sweeps_ratio_2x"],
            )
    if "ranking" in f:
        r = f["ranking"]
        add(
            f"ranking {r['period']}, {r['firms']} firms, median",
            f"{r['median']} s",
            "≤ 10 s",
            r["median"] <= TARGETS["ranking_s"],
        )
    if "import" in f:
        i = f["import"]
        add(
            f"household import {i['rows']:,} rows XLSX (as Excel saves it), median",
            f"{i['seconds']['median']} s",
            "≤ 60 s",
            i["seconds"]["median"] <= TARGETS["import_s"],
        )
        add(
            "  peak RSS of the importing process, median",
            f"{i['peak_rss_mb']['median']} MB",
            "≤ 300 MB",
            i["peak_rss_mb"]["median"] <= TARGETS["import_rss_mb"],
        )
    if "bills" in f:
        b = f["bills"]
        add(
            f"bills {b['period']} for the city ({b['created']:,}), median",
            f"{b['seconds']['median']} s",
            "≤ 15 s",
            b["seconds"]["median"] <= TARGETS["bills_s"],
        )
    if "api" in f:
        a = f["api"]
        headline = "cached" if "cached" in a else "uncached"  # the product as deployed, with Redis
        for name in ("cached", "uncached"):
            if name in a:
                r = a[name]
                add(
                    f"API mix ÷ /healthz, {name}: {r['mix']['rps']} vs {r['health']['rps']} req/s, p99 {r['mix']['p99_ms']} ms",
                    f"{r['ratio']}",
                    "≥ 0.4" if name == headline else "—",
                    r["ratio"] >= TARGETS["api_ratio"] if name == headline else True,
                )
    print(f"\n{'measure':<64} {'value':>10} {'target':>9} {'holds':>6}")
    for name, value, target, holds in lines:
        print(f"{name:<64} {value:>10} {target:>9} {holds:>6}")
    if "growth" in f:
        print(
            f"\n{'scale':<6} {'compounds':>9} {'households':>10} {'bills':>11} {'DB MB':>7} {'sweeps s':>9} "
            f"{'repeat s':>9} {'bills s':>8} {'rates s':>8} {'as-of s':>8}"
        )
        for scale, g in f["growth"].items():
            print(
                f"{scale:<6} {g['compounds']:>9,} {g['households']:>10,} {g['bill_rows']:>11,} {g['db_mb']:>7,} "
                f"{g['sweeps']['first']['median']:>9} {g['sweeps']['repeat']['median']:>9} "
                f"{g['bills']['seconds']['median']:>8} {g['rates']['now']['seconds']:>8} {g['rates']['as_of']['seconds']:>8}"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="PostgreSQL database seeded with `pm-app seed --scale city`")
    parser.add_argument("--times2", help="the same seeded with --scale city2x (sweep ratio, growth)")
    parser.add_argument("--times4", help="the same seeded with --scale city4x (growth)")
    parser.add_argument("--only", default="sweeps,ranking,import,bills,api,growth")
    parser.add_argument("--runs", type=int, default=3, help="runs of each slow measurement")
    parser.add_argument("--api-seconds", type=float, default=20)
    parser.add_argument("--api-workers", type=int, help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--api-class", choices=["sync", "gthread"], help="gunicorn worker class")
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/12",
        help="Redis for the API run, as deployed (the API cache); 'none' for the uncached run only",
    )
    parser.add_argument("--json", default="batch-bench.json")
    args = parser.parse_args()
    only, figures = set(args.only.split(",")), {}
    app = make_app(args.url)
    with app.app_context():
        point_fees_bench_at(last_billed_period())
        figures["city"] = size_of_city()
        if "sweeps" in only:
            figures["sweeps"] = bench_sweeps(args.runs)
        if "ranking" in only:
            figures["ranking"] = bench_ranking(args.runs)
        if "bills" in only:
            figures["bills"] = bench_bills(args.runs)
        if "api" in only:
            from api_mix import bench_api

            figures["api"] = bench_api(
                args.url,
                args.api_seconds,
                args.api_workers,
                args.api_class,
                None if args.redis == "none" else args.redis,
            )
        db.engine.dispose()
    if "import" in only:
        figures["import"] = bench_import(args.url, args.runs)
    if "sweeps" in only and args.times2:
        figures["sweeps_2x"] = bench_growth(args.times2, args.runs)
        figures["sweeps"]["ratio_2x"] = round(
            figures["sweeps_2x"]["sweeps"]["first"]["median"] / figures["sweeps"]["first"]["median"], 2
        )
    if "growth" in only and args.times2:
        figures["growth"] = {"1×": bench_growth(args.url, args.runs, figures)}
        figures["growth"]["2×"] = figures.pop("sweeps_2x", None) or bench_growth(args.times2, args.runs)
        if args.times4:
            figures["growth"]["4×"] = bench_growth(args.times4, args.runs)
    Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False, default=str))
    figures["table"] = report(figures)
    Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False, default=str))
    print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    main()
