"""A province, live (issue 30): seed ten cities on PostgreSQL with bills partitioned by period, and
measure what the province's and a city's regulator, a street office and the sweeps meet there.

    createdb -h 127.0.0.1 -U postgres pm_province
    python bench/province.py seed postgresql://postgres@127.0.0.1/pm_province --cities 1   # a slice first
    python bench/province.py measure postgresql://postgres@127.0.0.1/pm_province            # the city baseline
    python bench/province.py seed postgresql://postgres@127.0.0.1/pm_province --cities 10  # adds cities 2–10
    python bench/province.py measure postgresql://postgres@127.0.0.1/pm_province

`seed` migrates, turns the empty `bill` and `payment` into tables partitioned by period
(bench/partition_bills.py's design, one partition a year: the partitioning is applied here, on
PostgreSQL only, before any bill exists) and runs the province seed (`pm-app seed --scale province`)
for the cities not yet there, committing city by city and printing the rate; then VACUUM ANALYZE.
A database seeded with fewer cities grows by seeding again with more: the cities already there are
kept (each was committed whole), the rest added; the rankings are those of the first run's firms.

`measure` times, in one run, every target of the issue at the size the database holds, prints a
table target / figure / holds and records the figures under that size in bench/results/province.json.
The street home's target compares with the same street's home measured at one city (the city
scale), and the sizes recorded at each number of cities are the growth curve.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import batch  # noqa: E402
import partition_bills  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from pm_app.auth.models import Role, User  # noqa: E402
from pm_app.extensions import db  # noqa: E402
from pm_app.org.models import City, Street  # noqa: E402

RESULTS = BENCH / "results" / "province.json"
PASSWORD = "bench-province-1"
USERS = {"province": "bench-province", "city": "bench-city", "street": "bench-street"}
TARGETS = {
    "province_home_p95_ms": 1000,
    "city_home_p95_ms": 800,
    "street_home_ratio": 1.3,
    "rates_ms": 300,
    "sweeps_s": 60,
    "bills_s": 150,
    "seed_s": 3600,
}
FULL = 10  # cities in the province


def make_app(url: str):
    app = batch.make_app(url)
    app.config.update(WTF_CSRF_ENABLED=False, RATELIMIT_STORAGE_URI="memory://")
    return app


# -- seed -------------------------------------------------------------------------------------------


def seed(url: str, cities: int, partition: bool = True) -> dict:
    from pm_app.org.seed_run import SCALES
    from pm_app.seeding import seed_city

    app = make_app(url)
    with app.app_context():
        upgrade()
        partitioned = db.session.scalar(text("SELECT relkind FROM pg_class WHERE relname = 'bill'")) == "p"
        db.session.commit()
        db.engine.dispose()
    if not partitioned and partition:
        year = date.today().year
        print("partitioning the empty bill and payment tables by period …", flush=True)
        partition_bills.convert(url, (year - 4, year + 2))
    done = _cities_seeded(url)
    if done >= cities:
        print(f"{done} cities are there already")
        return {}
    started = time.perf_counter()
    marks: list[tuple[int, float, int]] = []
    with app.app_context():

        def committed(run) -> None:
            db.session.commit()
            marks.append((run.rows.get("city", 0), time.perf_counter() - started, run.rows.get("bill", 0)))
            n, seconds, bills = marks[-1]
            print(
                f"  city {done + n}: {seconds:,.0f} s in this run, {bills:,} bills; {seconds / n:,.0f} s a city; "
                f"{FULL} cities at this rate: about {seconds / n * FULL / 60:,.0f} min",
                flush=True,
            )

        run = seed_city(SCALES["province"], progress=None, cities=cities, after_city=committed)
        db.session.commit()
        seconds = time.perf_counter() - started
        db.engine.dispose()
    _vacuum(url)
    added = cities - done
    figures = {
        "cities": cities,
        "added": added,
        "seconds": round(seconds),
        "rows": run.rows,
        "per_city_s": [round(s) for _n, s, _b in marks],
        "estimate_full_s": round(seconds / added * FULL),
    }
    print(
        f"seeded {added} cities in {seconds:,.0f} s ({seconds / added:,.0f} s a city); "
        f"the province ({FULL}) at this rate: {figures['estimate_full_s'] / 60:,.0f} min"
    )
    _record(cities, {"seed": figures})
    return figures


def _cities_seeded(url: str) -> int:
    with make_app(url).app_context():
        return (
            db.session.scalar(
                text(
                    "SELECT count(DISTINCT d.city_id) FROM district d JOIN street s "
                    "ON s.district_id = d.id JOIN compound c ON c.street_id = s.id"
                )
            )
            or 0
        )


def _vacuum(url: str) -> None:
    with make_app(url).app_context():
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            started = time.perf_counter()
            connection.exec_driver_sql("VACUUM ANALYZE")
            connection.exec_driver_sql("CHECKPOINT")
            print(f"VACUUM ANALYZE, CHECKPOINT: {time.perf_counter() - started:,.0f} s", flush=True)
        db.engine.dispose()


# -- measure ----------------------------------------------------------------------------------------


def measure(url: str, runs: int) -> dict:
    from pm_app.fees import rates
    from pm_app.fees.periods import shift

    app = make_app(url)
    with app.app_context():
        cities = _cities_seeded(url)
        users = _users()
        _score_compounds()  # as the morning job does: the province's home lists the worst of them
        figures: dict = {"cities": cities, **batch.size_of_city()}
        for who in ("province", "city", "street"):
            client = _signed_in(app, users[who])
            times = _timed(lambda: client.get("/"), runs)  # noqa: B023
            figures[f"{who}_home"] = _summary(times)
        last = batch.last_billed_period()
        province = db.session.get(User, users["province"])
        rate_times = []
        for _ in range(max(3, runs // 4)):
            started = time.perf_counter()
            rows = rates.rates_by_period(rates.fee_bills(province), shift(last, -11), last)
            rate_times.append((time.perf_counter() - started) * 1000)
        figures["rates"] = {**_summary(rate_times), "periods": len(rows)}
        batch.point_fees_bench_at(last)
        figures["sweeps"] = _without_detail(batch.bench_sweeps(1))
        figures["bills"] = batch.bench_bills(1)
        db.engine.dispose()
    _record(cities, {"measure": figures})
    return figures


def _score_compounds() -> None:
    from pm_app.common.clock import now, today
    from pm_app.dashboards import snapshot

    snapshot.take(today(), now())
    db.session.commit()


def _users() -> dict[str, int]:
    """The three accounts measured, made once: the province's regulator, the first city's, and
    the office of the first city's first street (the same street at every size)."""
    from pm_app.auth.services import create_user

    first_city = db.session.scalar(select(func.min(City.id)))
    first_street = db.session.scalar(select(func.min(Street.id)))
    wanted = {
        "province": {"role": Role.regulator},
        "city": {"role": Role.regulator, "city_id": first_city},
        "street": {"role": Role.street_officer, "street_ids": [first_street]},
    }
    ids = {}
    for who, username in USERS.items():
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            options = dict(wanted[who])
            user = create_user(username, PASSWORD, options.pop("role"), enforce_policy=False, **options)
        ids[who] = user.id
    db.session.commit()
    return ids


def _signed_in(app, user_id: int):
    client = app.test_client()
    username = db.session.get(User, user_id).username
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, f"cannot sign in as {username}: {response.status_code}"
    return client


def _timed(call, runs: int) -> list[float]:
    response = call()  # warm: templates, statements, the page cache of the data
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _summary(times: list[float]) -> dict:
    stats = batch.stats(times)
    return {"median_ms": round(stats["median"], 1), "p95_ms": round(stats["p95"], 1), "runs": len(times)}


def _without_detail(sweeps: dict) -> dict:
    return {k: v for k, v in sweeps.items() if k != "per_rule"} | {
        "per_rule_s": {rule: r["seconds"] for rule, r in sweeps["per_rule"]["first"].items()}
    }


# -- results ----------------------------------------------------------------------------------------


def _record(cities: int, figures: dict) -> None:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"by_cities": {}}
    results["by_cities"].setdefault(str(cities), {}).update(figures)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))


def table() -> list[tuple]:
    """target / figure / holds at the largest size measured; the street home against one city."""
    results = json.loads(RESULTS.read_text())["by_cities"]
    sizes = sorted((int(n) for n, r in results.items() if "measure" in r))
    if not sizes:
        return []
    top = results[str(sizes[-1])]["measure"]
    base = results[str(sizes[0])]["measure"]
    n = sizes[-1]
    ratio = round(top["street_home"]["p95_ms"] / base["street_home"]["p95_ms"], 2)
    seed = results.get(str(n), {}).get("seed") or next(
        (r["seed"] for r in reversed([results[str(s)] for s in sizes]) if "seed" in r), None
    )
    rows = [
        (
            f"provincial regulator's home p95 ≤ 1 s ({n} cities)",
            f"{top['province_home']['p95_ms']} ms",
            top["province_home"]["p95_ms"] <= TARGETS["province_home_p95_ms"],
        ),
        (
            "a city regulator's home p95 ≤ 800 ms",
            f"{top['city_home']['p95_ms']} ms",
            top["city_home"]["p95_ms"] <= TARGETS["city_home_p95_ms"],
        ),
        (
            f"street home p95 ≤ 1.3× at one city ({base['street_home']['p95_ms']} ms)",
            f"{top['street_home']['p95_ms']} ms ({ratio}×)",
            ratio <= TARGETS["street_home_ratio"],
        ),
        (
            "province's collection rates, 12 periods ≤ 300 ms",
            f"{top['rates']['median_ms']} ms (p95 {top['rates']['p95_ms']})",
            top["rates"]["median_ms"] <= TARGETS["rates_ms"],
        ),
        (
            "all sweeps ≤ 60 s",
            f"{top['sweeps']['first']['median']} s ({top['sweeps']['opened']:,} alerts)",
            top["sweeps"]["first"]["median"] <= TARGETS["sweeps_s"],
        ),
        (
            "one period's bills for the province ≤ 150 s",
            f"{top['bills']['seconds']['median']} s ({top['bills']['created']:,} bills)",
            top["bills"]["seconds"]["median"] <= TARGETS["bills_s"],
        ),
    ]
    if seed:
        timed = f"timed: {seed.get('added', seed['cities'])} of {seed['cities']} cities"
        rows.append(
            (
                f"seed of the province ≤ 60 min ({timed})",
                f"{seed['seconds'] / 60:,.0f} min; 10 cities ≈ {seed['estimate_full_s'] / 60:,.0f} min",
                seed["estimate_full_s"] <= TARGETS["seed_s"],
            )
        )
    for size in sizes:
        m = results[str(size)]["measure"]
        rows.append(
            (
                f"database at {size} cities",
                f"{m['db_mb']:,} MB, {m['bill_rows']:,} bills, {m['households']:,} households",
                None,
            )
        )
    return rows


def show() -> None:
    rows = table()
    width = max(len(r[0]) for r in rows)
    print(f"\n{'target':<{width}}  {'figure':<44} holds")
    for target, figure, holds in rows:
        print(f"{target:<{width}}  {figure:<44} {'—' if holds is None else ('yes' if holds else 'NO')}")
    print(f"\nfigures: {RESULTS}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["seed", "measure", "table"])
    parser.add_argument("url", nargs="?")
    parser.add_argument("--cities", type=int, default=FULL)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--no-partition",
        action="store_true",
        help="seed: leave bill and payment plain (to grow a database seeded so, e.g. by pm-app seed)",
    )
    args = parser.parse_args()
    if args.command == "seed":
        seed(args.url, args.cities, partition=not args.no_partition)
    elif args.command == "measure":
        measure(args.url, args.runs)
        show()
    else:
        show()


if __name__ == "__main__":
    main()
