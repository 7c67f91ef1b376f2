"""Seed step for service contracts: who has served each compound since its handover.

Each managed compound gets an unbroken chain of contracts from a month or so after acceptance
up to past the run's `as_of` day, so it has exactly one current contract; about a third were
first served by another firm that later left (the history a firm's read-only scope covers).
Compounds in `none` (无物业) and `self_managed` (自管) mode have no property firm at all.

Issue 26: a street-entrusted (街道社区托管) compound is managed by its street office itself (the
contracts name the street, org.arrangements), after the firm some of them had before left; the
自管会 arrangements of self-managed compounds come after the committees (pm_app/seeding/arrangements.py). And
one professional compound of the first street was walked out on by its firm WALKOUT_DAYS before
the run's day with nobody in its place, so the demo shows seed 002's "撤离弃管" (firm_withdrawn).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from pm_app.org.models import ManagementMode, ServiceContract
from pm_app.org.seed_run import PlannedCompound, SeedRun, insert_rows

# Fee rates in fen per m² per month: a full-service firm charges more than a quasi-property
# (准物业) caretaker or a street-entrusted state firm. All within 0.30–1.50 元.
RATES = {
    ManagementMode.professional: (60, 150),
    ManagementMode.quasi: (30, 60),
    ManagementMode.street_entrusted: (30, 50),
}
SHARE_WITH_HISTORY = 0.3
WALKOUT_DAYS = 40
TERM_YEARS = (2, 3, 3, 5)


def seed_contracts(run: SeedRun) -> None:
    rng = run.rng("contracts")
    firms = run.firms.get("property", [])
    # A few big firms hold many compounds and most hold a handful, as in any city.
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(firms))]
    rows: list[dict] = []
    walkout = walkout_compound(run)
    for compound in run.compounds:
        if compound.mode in RATES and firms:
            chain = _chain(rng, compound, firms, weights, run.as_of)
            rows.extend(_walked_out(chain, run.as_of) if compound.id == walkout else chain)
    insert_rows(run, ServiceContract, rows)
    run.report("contracts", len(rows), len(rows))


def _chain(
    rng: random.Random, compound: PlannedCompound, firms: list[int], weights: list[float], as_of: date
) -> list[dict]:
    low, high = RATES[compound.mode]
    firm, rate = rng.choices(firms, weights)[0], rng.randint(low, high)
    start = _month_start(compound.acceptance_date, rng.choice((1, 1, 2, 3)))
    chain: list[dict] = []
    if len(firms) > 1 and rng.random() < SHARE_WITH_HISTORY:
        former = rng.choice([f for f in firms if f != firm])
        chain.append(
            _contract(compound, former, start, _years_later(start, rng.choice((1, 2))), rng.randint(low, high))
        )
        start = chain[-1]["end_date"] + timedelta(days=1)
    while not chain or chain[-1]["end_date"] < as_of:
        chain.append(_contract(compound, firm, start, _years_later(start, rng.choice(TERM_YEARS)), rate))
        start = chain[-1]["end_date"] + timedelta(days=1)
        rate = min(high, rate + rng.choice((0, 0, 5, 10)))  # renewals sometimes raise the fee
    if compound.mode == ManagementMode.street_entrusted:  # the street office manages it, not a firm
        chain = [
            dict(row, firm_id=None, street_id=compound.street_id) if row["firm_id"] == firm else row for row in chain
        ]
    return chain


def walkout_compound(run: SeedRun) -> int | None:
    """The first street's professional compound with the last code: the one its firm walks out on."""
    first = run.streets[0].id if run.streets else None
    chosen = [c for c in run.compounds if c.street_id == first and c.mode == ManagementMode.professional]
    return max(chosen, key=lambda c: c.code).id if len(chosen) > 1 else None


def _walked_out(chain: list[dict], as_of: date) -> list[dict]:
    """The chain cut WALKOUT_DAYS before `as_of`: the firm's last contract ends then, nothing follows."""
    last_day = as_of - timedelta(days=WALKOUT_DAYS)
    kept = [dict(row) for row in chain if row["start_date"] <= last_day]
    if not kept:
        return chain
    kept[-1]["end_date"] = min(kept[-1]["end_date"], last_day)
    return kept


def _contract(compound: PlannedCompound, firm_id: int, start: date, end: date, rate: int) -> dict:
    return {
        "compound_id": compound.id,
        "firm_id": firm_id,
        "committee_id": None,
        "street_id": None,
        "start_date": start,
        "end_date": end,
        "fee_rate_fen": rate,
        "billing_cycle": "monthly",
    }


def _month_start(day: date, months_later: int) -> date:
    month = day.month - 1 + months_later
    return date(day.year + month // 12, month % 12 + 1, 1)


def _years_later(start: date, years: int) -> date:
    """The inclusive last day of a term starting on the first of a month."""
    return date(start.year + years, start.month, 1) - timedelta(days=1)
