"""A deterministic, realistic city for demos, tests and benchmarks: `seed_city("demo")`.

The city is built by a list of steps (`STEPS`). Each step has its own random.Random, seeded from
the scale and the step's name, so adding a step later never changes what the earlier ones make.
Later domains (bills, projects, tickets) append their step to `STEPS`.

Rows go in through bulk Core inserts in chunks: the city scale (~200,000 households) must load in
well under a minute on SQLite. seed_city flushes; the command commits.
"""
from __future__ import annotations

import time
from datetime import date

from sqlalchemy import select

from pm_app.audit.context import paused as audit_paused
from pm_app.common.clock import today
from pm_app.errors import Conflict, DomainError
from pm_app.extensions import db
from pm_app.committees import seed_committees
from pm_app.fees import seed_bills
from pm_app.org import seed_arrangements, seed_contracts, seed_households, seed_places
from pm_app.org.models import Compound
from pm_app.org.seed_run import SCALES, Progress, Scale, SeedRun
from pm_app.tickets import seed_tickets
from pm_app.rankings import seed as seed_rankings
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
    ("arrangements", seed_arrangements.seed_arrangements),  # 自管会 arrangements need the committees
    ("rankings", seed_rankings.seed_rankings),
]


def seed_city(scale: str | Scale, progress: Progress | None = None, as_of: date | None = None) -> SeedRun:
    """Fill an empty database with a city of the given scale. Flushes; the caller commits.

    `progress(step, done, total)` is called as each step advances; `as_of` is the day the
    contracts are laid out around (today by default), so a current contract exists on it."""
    if isinstance(scale, str):
        if scale not in SCALES:
            raise DomainError(f"unknown scale {scale!r}", {"scale": [f"one of {', '.join(SCALES)}"]})
        scale = SCALES[scale]
    if db.session.scalar(select(Compound.id).limit(1)) is not None:
        raise Conflict("This database already has compounds; the seed only fills an empty database. "
                       "Point DATABASE_URL (or PM_APP_INSTANCE) at a new one to seed it.")
    run = SeedRun(scale=scale, as_of=as_of or today(), progress=progress)
    with audit_paused():  # an empty database being filled: millions of rows nobody changed
        for name, step in STEPS:
            started = time.perf_counter()
            step(run)
            db.session.flush()
            run.seconds[name] = time.perf_counter() - started
    return run
