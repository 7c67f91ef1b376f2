"""How the fee domain holds up at city scale (196,900 households, 36 months of bills), on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres bench_fees
    python bench/fees.py postgresql://postgres@127.0.0.1/bench_fees [--json fees-bench.json]

The first run migrates the database, seeds the city with its bills and payments (about three
minutes) and commits, so later runs start at once; give it a database of its own. Then:
  (a) one month's bills for the whole city with `generate_for_city` (target ≤ 15 s), and the same
      call again (it creates nothing); rolled back, so every run measures the same insert;
  (b) city-wide collection rates for 12 months with `rates_by_period`, without and with an as-of
      day (target ≤ 1 s), beside the same aggregate as hand-written SQL (the reference);
  (c) the statements a street's overview costs (trend, ranked compounds, arrears counts) for a
      street of 10 and of 100 compounds: the count must not grow.
It prints a table and writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, func, select, text, update  # noqa: E402

from pm_app import create_app  # noqa: E402
from pm_app.auth.models import Role, User  # noqa: E402
from pm_app.config import Config, _database_url  # noqa: E402
from pm_app.extensions import db  # noqa: E402
from pm_app.fees import rates  # noqa: E402
from pm_app.fees.billing import generate_for_city  # noqa: E402
from pm_app.fees.models import Bill  # noqa: E402
from pm_app.fees.periods import end_of_day, period_of, shift  # noqa: E402
from pm_app.fees.reports import arrears, overview  # noqa: E402
from pm_app.org.models import Compound, Street  # noqa: E402
from pm_app.seeding import seed_city  # noqa: E402

AS_OF = date(2026, 11, 15)  # the seed bills 2023-11 … 2026-10; (a) bills 2026-11
LAST = shift(period_of(AS_OF), -1)
FIRST = shift(LAST, -11)
RATES_AS_OF = date(2026, 10, 31)
REPEAT = 5

REFERENCE = """
WITH late_paid AS (SELECT bill_id, SUM(amount_fen) AS fen FROM payment WHERE paid_at >= :cutoff GROUP BY bill_id),
     late_waived AS (SELECT bill_id, SUM(amount_fen) AS fen FROM waiver WHERE waived_at >= :cutoff GROUP BY bill_id),
     b AS (SELECT bill.period, bill.amount_due_fen AS due,
                  bill.paid_fen - COALESCE(late_paid.fen, 0) AS paid,
                  bill.waived_fen - COALESCE(late_waived.fen, 0) AS waived
           FROM bill LEFT JOIN late_paid ON late_paid.bill_id = bill.id
                     LEFT JOIN late_waived ON late_waived.bill_id = bill.id
           WHERE bill.fee_type = 'property' AND bill.period BETWEEN :first AND :last)
SELECT period, SUM(due - waived), SUM(paid), COUNT(*) FILTER (WHERE waived < due),
       COUNT(*) FILTER (WHERE waived < due AND paid + waived >= due)
FROM b GROUP BY period ORDER BY period
"""
REFERENCE_NOW = """
SELECT period, SUM(amount_due_fen - waived_fen), SUM(paid_fen), COUNT(*) FILTER (WHERE waived_fen < amount_due_fen),
       COUNT(*) FILTER (WHERE waived_fen < amount_due_fen AND paid_fen + waived_fen >= amount_due_fen)
FROM bill WHERE fee_type = 'property' AND period BETWEEN :first AND :last GROUP BY period ORDER BY period
"""


def prepare() -> dict:
    if db.session.scalar(select(Compound.id).limit(1)) is not None:
        return {"seeded": "reused"}
    started = time.perf_counter()
    run = seed_city("city", as_of=AS_OF, progress=_progress)
    db.session.commit()
    seconds = time.perf_counter() - started
    db.session.execute(text("ANALYZE"))  # fresh statistics, as autovacuum would give them later
    db.session.commit()
    print()
    return {
        "seeded": "now",
        "seed_seconds": round(seconds, 1),
        "steps": {k: round(v, 1) for k, v in run.seconds.items()},
        "rows": run.rows,
    }


def _progress(step: str, done: int, total: int) -> None:
    print(f"\r  seeding {step:<11} {done:>7,}/{total:,}", end="", flush=True)


def bench_generate() -> dict:
    period = period_of(AS_OF)
    started = time.perf_counter()
    first = generate_for_city(period)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = generate_for_city(period)
    repeat_seconds = time.perf_counter() - started
    db.session.rollback()
    return {
        "period": period,
        "created": first.created,
        "skipped": first.skipped,
        "seconds": round(seconds, 2),
        "again_created": again.created,
        "again_seconds": round(repeat_seconds, 2),
        "target_seconds": 15,
    }


def _timed(call) -> tuple[float, object]:
    times, result = [], None
    for _ in range(REPEAT):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def bench_rates() -> dict:
    where = rates.any_fee_bills
    params = {"first": FIRST, "last": LAST, "cutoff": end_of_day(RATES_AS_OF)}
    result = {}
    for label, as_of, sql in (("now", None, REFERENCE_NOW), ("as_of", RATES_AS_OF, REFERENCE)):
        app_seconds, rows = _timed(lambda: rates.rates_by_period(where, FIRST, LAST, as_of))  # noqa: B023
        ref_seconds, ref = _timed(lambda: db.session.execute(text(sql), params).all())  # noqa: B023
        ours = [(r.period, r.receivable, r.received, r.households_billed, r.households_paid) for r in rows]
        assert ours == [tuple(int(v) if i else v for i, v in enumerate(r)) for r in ref], (ours[:2], ref[:2])
        result[label] = {
            "periods": len(rows),
            "bills": sum(r.households_billed for r in rows),
            "seconds": round(app_seconds, 3),
            "reference_seconds": round(ref_seconds, 3),
            "ratio": round(app_seconds / ref_seconds, 2),
            "target_seconds": 1,
        }
    return result


def bench_street_overview() -> dict:
    compound_ids = list(
        db.session.scalars(
            select(Bill.compound_id)
            .where(Bill.period == LAST)
            .group_by(Bill.compound_id)
            .order_by(Bill.compound_id)
            .limit(110)
        )
    )
    district_id = db.session.scalar(select(Street.district_id).limit(1))
    result = {}
    for size, chosen in ((10, compound_ids[:10]), (100, compound_ids[10:110])):
        street = Street(name=f"bench {size}", district_id=district_id)
        db.session.add(street)
        db.session.flush()
        db.session.execute(update(Compound).where(Compound.id.in_(chosen)).values(street_id=street.id))
        user = User(username=f"bench-street-{size}", password_hash="-", role=Role.street_officer, streets=[street])
        db.session.add(user)
        db.session.flush()
        statements, seconds, rows = _count(lambda: _street_overview(user, street.id))  # noqa: B023
        result[str(size)] = {"compounds": rows, "statements": statements, "seconds": round(seconds, 3)}
    db.session.rollback()
    return result


def _street_overview(user, street_id: int) -> int:
    """What the overview page asks for a street: its trend, its compounds ranked, their arrears."""
    rates.collection_rates(user, "street", street_id, FIRST, LAST)
    ranked = overview.ranked_compounds(user, "street", street_id, FIRST, LAST)
    arrears.arrears_counts(user, rates.scope_filter(user, "street", street_id), AS_OF, 3)
    return len(ranked)


def _count(call) -> tuple[int, float, object]:
    count = 0

    def counted(*_args):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        started = time.perf_counter()
        result = call()
        return count, time.perf_counter() - started, result
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)


def report(figures: dict) -> None:
    a, b, c = figures["generate"], figures["rates"], figures["street_overview"]
    lines = [
        ("(a) generate_for_city " + a["period"] + f" ({a['created']:,} bills)", f"{a['seconds']:.2f} s", "≤ 15 s"),
        (f"    the same again (creates {a['again_created']})", f"{a['again_seconds']:.2f} s", ""),
    ]
    for label, row in b.items():
        when = f"as of {RATES_AS_OF}" if label == "as_of" else "now"
        lines += [
            (f"(b) rates_by_period, 12 months, {when}", f"{row['seconds']:.3f} s", "≤ 1 s"),
            (f"    hand-written SQL (ours ÷ it = {row['ratio']})", f"{row['reference_seconds']:.3f} s", ""),
        ]
    for size, row in c.items():
        lines.append(
            (f"(c) street overview, {size} compounds: statements", str(row["statements"]), f"{row['seconds']:.3f} s")
        )
    print(f"\n{'measure':<58} {'value':>10} {'target':>8}")
    for name, value, target in lines:
        print(f"{name:<58} {value:>10} {target:>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="a PostgreSQL database of the benchmark's own")
    parser.add_argument("--json", default="fees-bench.json", help="where to write the figures")
    args = parser.parse_args()

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = _database_url(args.url, Config.INSTANCE_DIR)
        SECRET_KEY = "bench"

    app = create_app(BenchConfig)
    with app.app_context():
        upgrade()
        figures = {
            "database": db.engine.url.render_as_string(hide_password=True),
            "as_of": str(AS_OF),
            "bills": None,
            "prepare": prepare(),
        }
        figures["bills"] = db.session.scalar(select(func.count()).select_from(Bill))
        figures["generate"] = bench_generate()
        figures["rates"] = bench_rates()
        figures["street_overview"] = bench_street_overview()
        db.engine.dispose()
    report(figures)
    Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    main()
