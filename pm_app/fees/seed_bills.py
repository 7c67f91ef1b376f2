"""Seed step for bills and payments: the last `MONTHS` months of property fees, up to the month
before the run's as-of day, for every household whose compound has a contract billing the month.

Per month, two INSERT … SELECT statements do all the work inside the database (the city scale
is ~200,000 households × 36 months): the bills, with what was paid already on them, and then one
payment row per bill that received something. Who pays is decided by `seed_pattern` from the
ids, so the same scale gives the same bills and payments every time, and the bills' running
totals equal their payment rows (`payments.check_totals()` finds nothing) without an UPDATE pass
over millions of rows. A payment that would fall on or after the as-of day has not happened yet:
its bill is still unpaid, so the last months look as they would in a real city mid-collection.

Amounts follow `billing.bill_amount` and the contract `billing.contract_for_period` picks, the
rules `generate_for_city` applies; `source` is "seed". Payments have the idempotency key
`seed:<bill id>`, no recording user (the system) and the request digest "seed": a client that
sent such a key would get a conflict, never a replay.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, time

from flask import current_app
from sqlalchemy import String, case, cast, column, func, insert, literal, literal_column, select, table

from pm_app.common.clock import CITY_TZ
from pm_app.extensions import db
from pm_app.fees import seed_pattern as pattern
from pm_app.fees.billing import FEE_TYPE, contract_for_period
from pm_app.fees.billing.generate import BILL_COLUMNS
from pm_app.fees.models import Bill, Payment
from pm_app.fees.periods import due_date, first_day, period_of, period_range, shift
from pm_app.org import seed_contracts
from pm_app.org.models import Household, ServiceContract
from pm_app.org.seed_run import SeedRun

MONTHS = 36
DECLINING_PER_COMPOUNDS = 40  # one declining compound per this many (at least one)
DECLINING_MIN_HOUSEHOLDS = 100  # big enough that the drop is the trend, not chance
PAYMENT_COLUMNS = ["bill_id", "amount_fen", "method", "paid_at", "idempotency_key", "request_digest"]


def seed_bills(run: SeedRun) -> None:
    last = shift(period_of(run.as_of), -1)
    periods = period_range(shift(last, -(MONTHS - 1)), last)
    keys = _keys(run)
    # Payments happen before the as-of day begins in the city, never in its future.
    cutoff = datetime.combine(run.as_of, time(0), tzinfo=CITY_TZ)
    connection = db.session.connection()
    partitioned = _payments_partitioned(connection)
    if partitioned and _has_payment_key(connection):
        # A key to a partitioned table is checked row by row through the parent (0.3 ms a payment
        # on a tiny database, growing with the partition): off while the seed writes the payments
        # it has just read from their bills, and validated in one pass over them at the end.
        connection.exec_driver_sql(f"ALTER TABLE payment_part DROP CONSTRAINT {PAYMENT_KEY}")
    for done, period in enumerate(periods, 1):
        start = datetime.combine(first_day(period), time(0), tzinfo=CITY_TZ)
        horizon = int((cutoff - start).total_seconds() // 60)
        months_before_last = len(periods) - done
        bills = _run(connection, _insert_bills(period, keys, months_before_last, horizon))
        payments = _run(connection, _insert_payments(period, start, keys, partitioned))
        if partitioned:  # the keys' own table keeps them unique across the partitions
            _run(connection, _insert_payment_keys(period, keys))
        run.count(Bill.__tablename__, bills)
        run.count(Payment.__tablename__, payments)
        run.report("bills", done, len(periods))
    if partitioned and run.city_id is None:
        # A province's city leaves the key off: validating it reads every payment of the province
        # (32 s and growing at the sixth city); the province puts it back once, after its last.
        restore_payment_key(connection)


PAYMENT_KEY = "fk_payment_bill_id_bill"


def _has_payment_key(connection) -> bool:
    return (
        connection.exec_driver_sql(
            f"SELECT 1 FROM pg_constraint WHERE conname = '{PAYMENT_KEY}' AND conrelid = 'payment_part'::regclass"
        ).scalar()
        is not None
    )


def restore_payment_key(connection) -> None:
    """The key from each payment to its bill, validated in one pass, where the seed took it off."""
    if _payments_partitioned(connection) and not _has_payment_key(connection):
        connection.exec_driver_sql(
            f"ALTER TABLE payment_part ADD CONSTRAINT {PAYMENT_KEY} "
            "FOREIGN KEY (bill_id, bill_period) REFERENCES bill (id, period)"
        )


@dataclass(frozen=True)
class Keys:
    """What the pattern hashes: ids relative to the run's first household and compound."""

    first_household: int
    first_compound: int
    declining: list[int]  # relative compound ids

    def household(self, column):
        return column - self.first_household

    def compound(self, column):
        return column - self.first_compound


def _keys(run: SeedRun) -> Keys:
    first_compound = min((c.id for c in run.compounds), default=0)
    first_household = (
        db.session.scalar(
            select(func.min(Household.id)).where(Household.compound_id.in_([c.id for c in run.compounds]))
        )
        or 0
    )
    return Keys(first_household, first_compound, [c - first_compound for c in declining_compounds(run)])


def _run(connection, statement) -> int:
    # psycopg's rowcount is gone once SQLAlchemy closes the cursor, unless asked to keep it.
    return connection.execute(statement.execution_options(preserve_rowcount=True)).rowcount


def declining_compounds(run: SeedRun) -> list[int]:
    """The compounds whose collection falls over the last months: one in the first street (the
    demo street office sees it), the rest anywhere; managed, billed for a year at least, big."""
    rng = run.rng("bills:declining")
    year_ago = run.as_of.replace(year=run.as_of.year - 1)
    candidates = [
        c
        for c in run.compounds
        if c.mode in seed_contracts.RATES and c.acceptance_date < year_ago and c.households >= DECLINING_MIN_HOUSEHOLDS
    ]
    if not candidates:
        return []
    wanted = min(len(candidates), math.ceil(len(run.compounds) / DECLINING_PER_COMPOUNDS))
    first_street = run.streets[0].id if run.streets else None
    local = [c for c in candidates if c.street_id == first_street]
    chosen = [rng.choice(local)] if local else []
    rest = [c for c in candidates if c not in chosen]
    chosen += rng.sample(rest, min(len(rest), wanted - len(chosen)))
    return sorted(c.id for c in chosen)


def _insert_bills(period: str, keys: Keys, months_before_last: int, horizon: int):
    settings = current_app.config
    month = pattern.month_number(period)
    household = keys.household(Household.id)
    amount = (ServiceContract.fee_rate_fen * Household.floor_area_dm2 + 50) // 100  # billing.bill_amount
    paid_now = pattern.pays(
        household, keys.compound(Household.compound_id), month, keys.declining, months_before_last
    ) & (pattern.minutes_after_month_start(household, month) < horizon)
    rows = (
        select(
            Household.id.label("household_id"),
            Household.compound_id,
            ServiceContract.firm_id,
            ServiceContract.id.label("contract_id"),
            amount.label("amount"),
            case((paid_now, amount // pattern.paid_share(household, month)), else_=0).label("paid"),
        )
        .join(ServiceContract, ServiceContract.compound_id == Household.compound_id)
        .where(
            contract_for_period(period), ServiceContract.fee_rate_fen > 0, Household.compound_id >= keys.first_compound
        )  # this run's city: a province seeds several
    ).subquery()
    status = _status(rows.c.amount, rows.c.paid)
    select_bills = select(
        rows.c.household_id,
        rows.c.compound_id,
        rows.c.firm_id,
        rows.c.contract_id,
        literal(period),
        literal(FEE_TYPE),
        rows.c.amount,
        literal(due_date(period, settings["FEE_DUE_DAY_OF_MONTH"], settings["FEE_DUE_MONTHS_AFTER"])),
        rows.c.paid,
        literal(0),
        status,
        literal("seed"),
    )
    return insert(Bill.__table__).from_select(BILL_COLUMNS, select_bills)


def _status(amount, paid):
    """payments.status_of for a bill without waivers."""
    return case((paid >= amount, "paid"), (paid > 0, "partial"), else_="unpaid")


def _payments_partitioned(connection) -> bool:
    """Whether bench/partition_bills.py has made `payment` a view over the partitioned
    `payment_part` (a province's database, partitioned before its seed, PostgreSQL only)."""
    return (
        connection.dialect.name == "postgresql"
        and connection.exec_driver_sql("SELECT to_regclass('payment_part')").scalar() is not None
    )


def _insert_payments(period: str, start: datetime, keys: Keys, partitioned: bool = False):
    month = pattern.month_number(period)
    household = keys.household(Bill.household_id)
    minutes = pattern.minutes_after_month_start(household, month)
    select_payments = select(
        Bill.id,
        Bill.paid_fen,
        pattern.method(household, month),
        _plus_minutes(start, minutes),
        literal("seed:") + cast(Bill.id, String),
        literal("seed"),
    ).where(
        Bill.period == period,
        Bill.fee_type == FEE_TYPE,
        Bill.source == "seed",
        Bill.paid_fen > 0,
        Bill.compound_id >= keys.first_compound,
    )
    if partitioned:
        # Straight into the month's partition: the view's INSTEAD OF trigger would run three
        # statements a row (a province seeds some 60 million payments).
        part = table("payment_part", *(column(name) for name in [*PAYMENT_COLUMNS, "bill_period"]))
        return insert(part).from_select([*PAYMENT_COLUMNS, "bill_period"], select_payments.add_columns(literal(period)))
    return insert(Payment.__table__).from_select(PAYMENT_COLUMNS, select_payments)


def _insert_payment_keys(period: str, keys: Keys):
    part = table("payment_part", column("idempotency_key"), column("bill_period"), column("bill_id"))
    bills = select(Bill.id).where(Bill.period == period, Bill.compound_id >= keys.first_compound)
    return insert(table("payment_key", column("idempotency_key"))).from_select(
        ["idempotency_key"],
        select(part.c.idempotency_key).where(part.c.bill_period == period, part.c.bill_id.in_(bills)),
    )


def _plus_minutes(start: datetime, minutes):
    """A timestamp `minutes` after `start`, in the form each database keeps timestamps in."""
    if db.session.get_bind().dialect.name == "postgresql":
        return literal(start, Payment.__table__.c.paid_at.type) + minutes * literal_column("INTERVAL '1 minute'")
    # SQLAlchemy's SQLite DATETIME text form, in UTC (what UTCDateTime binds), microseconds included.
    base = start.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    return func.strftime("%Y-%m-%d %H:%M:%S.000000", base, literal("+") + cast(minutes, String) + " minutes")
