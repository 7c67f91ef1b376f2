"""A deterministic, realistic city for demos, tests and benchmarks: `seed_city("demo")`.

The city is built by a list of steps (`STEPS`). Each step has its own random.Random, seeded from
the scale and the step's name, so adding a step later never changes what the earlier ones make.
A domain's step is a function of its own (`fees.seed_bills.seed_bills`, `tickets.seed_tickets` …);
this package orders them, so it imports every domain and no domain imports it.

Rows go in through bulk Core inserts in chunks: the city scale (~200,000 households) must load in
well under a minute on SQLite. seed_city flushes; the command commits.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from sqlalchemy import func, select

from pm_app.audit.context import paused as audit_paused
from pm_app.committees import seed_committees
from pm_app.common.clock import today
from pm_app.errors import Conflict, DomainError
from pm_app.extensions import db
from pm_app.fees import seed_bills
from pm_app.org import seed_contracts, seed_households, seed_places
from pm_app.org.models import City, Compound, District
from pm_app.org.seed_run import SCALES, Progress, Scale, SeedRun
from pm_app.rankings import seed as seed_rankings
from pm_app.rankings.models import RankingPeriod
from pm_app.seeding import arrangements
from pm_app.tickets import seed_tickets
from pm_app.warranties import seed_works

# Order matters: each step may use what the ones before it made (run.streets, run.compounds, run.firms).
STEPS = [
    ("places", seed_places.seed_places),
    ("firms", seed_places.seed_firms),
    ("compounds", seed_places.seed_compounds),
    ("households", seed_households.seed_households),
    ("contracts", seed_contracts.seed_contracts),
    ("bills", seed_bills.seed_bills),
    ("works", seed_works.seed_works),
    ("tickets", seed_tickets.seed_tickets),
    ("committees", seed_committees.seed_committees),
    ("arrangements", arrangements.seed_arrangements),  # 自管会 arrangements need the committees
    ("rankings", seed_rankings.seed_rankings),
]


def seed_city(
    scale: str | Scale,
    progress: Progress | None = None,
    as_of: date | None = None,
    cities: int | None = None,
    after_city: Callable[[SeedRun], None] | None = None,
) -> SeedRun:
    """Fill an empty database with a city of the given scale. Flushes; the caller commits.

    `progress(step, done, total)` is called as each step advances; `as_of` is the day the
    contracts are laid out around (today by default), so a current contract exists on it.
    A province: `cities` seeds fewer than its ten (a slice, to time), and `after_city(run)` is
    called as each city is done (the command commits there, so a long seed keeps what it made)."""
    if isinstance(scale, str):
        if scale not in SCALES:
            raise DomainError(f"unknown scale {scale!r}", {"scale": [f"one of {', '.join(SCALES)}"]})
        scale = SCALES[scale]
    if cities is not None and scale.province:
        scale = replace(scale, cities=max(1, min(cities, len(PROVINCE_CITIES))))
    # A province resumes: the cities already there (each committed whole) are kept, the rest added.
    if not scale.province and db.session.scalar(select(Compound.id).limit(1)) is not None:
        raise Conflict(
            "This database already has compounds; the seed only fills an empty database. "
            "Point DATABASE_URL (or PM_APP_INSTANCE) at a new one to seed it."
        )
    run = SeedRun(scale=scale, as_of=as_of or today(), progress=progress)
    with audit_paused():  # an empty database being filled: millions of rows nobody changed
        if scale.province:
            _seed_province(run, after_city)
        else:
            _steps(run, STEPS)
    return run


# A province's cities (Fujian's, by way of example) and the prefix of their compound codes.
PROVINCE_CITIES = [
    ("福州市", "FZ"),
    ("厦门市", "XM"),
    ("泉州市", "QZ"),
    ("漳州市", "ZZ"),
    ("莆田市", "PT"),
    ("三明市", "SM"),
    ("南平市", "NP"),
    ("龙岩市", "LY"),
    ("宁德市", "ND"),
    ("平潭综合实验区", "PTZ"),
]
PROVINCE_WIDE = ("rankings",)  # run once, over every city's firms, after the cities


def _seed_province(run: SeedRun, after_city: Callable[[SeedRun], None] | None) -> None:
    """Each city is a city-scale seed of its own (own random city, own firms), in its own City
    row; the first city is the deployment's (renamed); the rankings rank every firm once. A city
    that has districts already was seeded by an earlier run and is kept as it is."""
    home = db.session.scalar(select(func.min(City.id)))
    per_city = [step for step in STEPS if step[0] not in PROVINCE_WIDE]
    seeded = set(db.session.scalars(select(City.name).join(District, District.city_id == City.id)))
    for index, (name, code) in enumerate(PROVINCE_CITIES[: run.scale.cities]):
        if name in seeded:
            continue
        if index == 0 and home is not None:
            city = db.session.get(City, home)
            city.name = name
        else:
            city = City(name=name)
            db.session.add(city)
        db.session.flush()
        run.count(City.__tablename__, 1)
        scale = replace(run.scale, name=f"{run.scale.name}:{code}", province=False, cities=1)
        city_run = SeedRun(scale=scale, as_of=run.as_of, progress=run.progress, city_id=city.id, code_prefix=f"{code}-")
        _steps(city_run, per_city)
        for table, n in city_run.rows.items():
            run.count(table, n)
        for step, seconds in city_run.seconds.items():
            run.seconds[step] = run.seconds.get(step, 0) + seconds
        run.seconds[f"city {code}"] = sum(city_run.seconds.values())
        run.streets += city_run.streets
        run.compounds += city_run.compounds
        for kind, ids in city_run.firms.items():
            run.firms.setdefault(kind, []).extend(ids)
        if after_city is not None:
            after_city(run)
    seed_bills.restore_payment_key(db.session.connection())  # each city left it off (seed_bills)
    if db.session.scalar(select(RankingPeriod.id).limit(1)) is None:  # a resumed seed ranked already
        _steps(run, [step for step in STEPS if step[0] in PROVINCE_WIDE])


def _steps(run: SeedRun, steps) -> None:
    for name, step in steps:
        started = time.perf_counter()
        step(run)
        db.session.flush()
        run.seconds[name] = run.seconds.get(name, 0) + time.perf_counter() - started
