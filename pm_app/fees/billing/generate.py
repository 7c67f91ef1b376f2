"""Bill generation: a period's bills for a compound (or the whole city) from the contract in
force, in one INSERT … SELECT, so a compound of 2,000 households or a city of 200,000 costs one
statement and a repeated run inserts nothing (the unique (household, period, fee type) key).

The amount is the one rounding step of the fee domain: rate (fen/m²/month) × area (dm², i.e.
0.01 m²) ÷ 100, rounded half up to the fen. In SQL that is (rate × area + 50) // 100 on
non-negative integers, which equals `money.round_fen(rate × area, 100)`; a property test holds
the two together.

Who bills which months (issue 23): the street office and the city any month; a firm only the
months its own contract bills, and only while it still serves the compound (a contract of its
there that has not ended). A firm whose contract ended cannot back-bill the compound. A
self-managed compound's 自管会 bills the same way as a firm, under its own arrangement (issue 24,
org.parties); its bills carry no firm. A month
bills only the households registered by its end (`Household.registered_on`); the ones registered
later are reported as not billed, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, literal, select
from sqlalchemy.orm import aliased

from pm_app.common.clock import now
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.fees.models import Bill, BillStatus
from pm_app.fees.periods import due_date, first_day, last_day
from pm_app.org import parties
from pm_app.org.models import Building, Compound, Household, ServiceContract
from pm_app.org.services import can_manage_compound, ensure

FEE_TYPE = "property"
REPORT_LIMIT = 200  # skipped households named one by one; the count is always complete


@dataclass
class GenerateResult:
    period: str
    created: int = 0
    existing: int = 0
    skipped: int = 0
    problems: list[dict] = field(default_factory=list)
    compound_id: int | None = None
    contract_id: int | None = None


# A bill's columns as the bulk INSERT … SELECT writes them (here and in the seed, fees/seed_bills.py).
BILL_COLUMNS = [
    "household_id",
    "compound_id",
    "firm_id",
    "contract_id",
    "period",
    "fee_type",
    "amount_due_fen",
    "due_date",
    "paid_fen",
    "waived_fen",
    "status",
    "source",
]


def bill_amount(rate_fen: int, area_dm2: int) -> int:
    """What one household owes for one month, in fen (see the module docstring)."""
    return (rate_fen * area_dm2 + 50) // 100


def contract_for_period(period: str):
    """A correlated select of the contract that bills `period` for ServiceContract's compound:
    of the contracts overlapping the month, the earliest (in force on the 1st, or else the first
    to start). Contracts of a compound never overlap each other, so that is at most one."""
    earlier = aliased(ServiceContract)
    start, end = first_day(period), last_day(period)
    overlapping = and_(ServiceContract.start_date <= end, ServiceContract.end_date >= start)
    return overlapping & ~exists(
        select(earlier.id).where(
            earlier.compound_id == ServiceContract.compound_id,
            earlier.start_date <= end,
            earlier.end_date >= start,
            earlier.start_date < ServiceContract.start_date,
        )
    )


def can_bill(user, compound: Compound, contract: ServiceContract | None) -> bool:
    """The compound's street office and the city, or whoever acts for the contract's collecting
    party (a firm, the compound's 自管会, the street office for 托管) while that party still
    serves the compound (org.parties)."""
    if can_manage_compound(user, compound):
        return True
    party = parties.of_contract(contract)
    return parties.acts_for(user, party, compound.id) and parties.still_serves(party, compound.id)


def registered_by(period: str):
    """Households on record by the end of `period` (None: registered before the day was kept)."""
    return Household.registered_on.is_(None) | (Household.registered_on <= last_day(period))


def generate_for_compound(user, compound: Compound, period: str) -> GenerateResult:
    contract = db.session.scalar(
        select(ServiceContract).where(ServiceContract.compound_id == compound.id, contract_for_period(period))
    )
    ensure(can_bill(user, compound, contract), _l("generate bills for this compound"))
    result = GenerateResult(period=period, compound_id=compound.id, contract_id=contract and contract.id)
    if contract is None or contract.fee_rate_fen == 0:
        reason = (
            _("no service contract in force in %(period)s", period=period)
            if contract is None
            else _("the service contract's fee rate is zero")
        )
        _report(result, compound.id, reason)
        if result.skipped == 0:
            raise DomainError(
                _("This compound has no households to bill."), {"compound_id": [_("has no households registered")]}
            )
        return result
    # Seeds and the CLI generate too, with no request to pick a language from: they get English.
    late = _("registered after %(period)s", period=period) if has_request_context() else f"registered after {period}"
    _report(result, compound.id, late, ~registered_by(period))
    result.created = _insert(period, Household.compound_id == compound.id)
    billed = (
        db.session.scalar(
            select(func.count())
            .select_from(Bill)
            .where(Bill.compound_id == compound.id, Bill.period == period, Bill.fee_type == FEE_TYPE)
        )
        or 0
    )
    result.existing = billed - result.created
    return result


def generate_for_city(period: str) -> GenerateResult:
    """Every household of every compound with a contract billing `period`: one statement.
    For the CLI and jobs (the caller is the system, not a user)."""
    result = GenerateResult(period=period)
    result.created = _insert(period, None)
    billed = db.session.scalar(select(func.count()).select_from(Bill).where(Bill.period == period)) or 0
    result.existing = billed - result.created
    unbilled = select(Household.id).where(
        ~exists(
            select(Bill.id).where(Bill.household_id == Household.id, Bill.period == period, Bill.fee_type == FEE_TYPE)
        )
    )
    result.skipped = db.session.scalar(select(func.count()).select_from(unbilled.subquery())) or 0
    return result


def _insert(period: str, households_where) -> int:
    settings = current_app.config
    due = due_date(period, settings["FEE_DUE_DAY_OF_MONTH"], settings["FEE_DUE_MONTHS_AFTER"])
    rows = (
        select(
            Household.id,
            Household.compound_id,
            ServiceContract.firm_id,
            ServiceContract.id,
            literal(period),
            literal(FEE_TYPE),
            (ServiceContract.fee_rate_fen * Household.floor_area_dm2 + 50) // 100,
            literal(due),
            literal(0),
            literal(0),
            literal(BillStatus.unpaid.value),
            literal("generated"),
            literal(now(), type_=Bill.__table__.c.created_at.type),
        )
        .join(ServiceContract, ServiceContract.compound_id == Household.compound_id)
        .where(contract_for_period(period), ServiceContract.fee_rate_fen > 0, registered_by(period))
    )
    if households_where is not None:
        rows = rows.where(households_where)
    columns = [*BILL_COLUMNS, "created_at"]
    statement = (
        _dialect_insert()(Bill)
        .from_select(columns, rows)
        .on_conflict_do_nothing(index_elements=["household_id", "period", "fee_type"])
    )
    # psycopg's rowcount is gone once SQLAlchemy closes the cursor, unless asked to keep it.
    return db.session.execute(statement.execution_options(preserve_rowcount=True)).rowcount


def _dialect_insert():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _report(result: GenerateResult, compound_id: int, reason: str, only=None) -> None:
    """The compound's households (those matching `only`) counted as not billed, the first
    REPORT_LIMIT named with the reason."""
    query = (
        select(Household.id, Building.name, Household.unit)
        .join(Building, Building.id == Household.building_id)
        .where(Household.compound_id == compound_id)
        .order_by(Building.name, Household.unit)
    )
    if only is not None:
        query = query.where(only)
    result.skipped += db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    for household_id, building, unit in db.session.execute(query.limit(REPORT_LIMIT - len(result.problems))):
        result.problems.append({"household_id": household_id, "building": building, "unit": unit, "reason": reason})
