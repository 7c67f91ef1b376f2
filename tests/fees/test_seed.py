"""The seeded bills and payments: the same every time, consistent with the rules billing and
payments enforce, and with the patterns the alerts and dashboards are there to show."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import case, func, select

from pm_app.alerts.models import Alert
from pm_app.common.clock import CITY_TZ
from pm_app.extensions import db
from pm_app.fees import seed_bills
from pm_app.fees.billing import bill_amount, generate_for_city
from pm_app.fees.models import Bill, Payment
from pm_app.fees.payments import check_totals
from pm_app.org.models import Building, Compound, Household, ManagementMode, ServiceContract
from pm_app.seeding import seed_city
from tests.alerts.helpers import sweep

AS_OF = date(2026, 6, 30)  # bills 2025-06 … 2026-05 with MONTHS = 12


@pytest.fixture
def months(monkeypatch):
    """Twelve months instead of 36: the same pattern per month, a quarter of the rows."""
    monkeypatch.setattr(seed_bills, "MONTHS", 12)
    return 12


@pytest.fixture
def street_city(months):
    return seed_city("street", as_of=AS_OF)


def _snapshot() -> dict:
    per_period = db.session.execute(
        select(Bill.period, func.count(), func.sum(Bill.amount_due_fen), func.sum(Bill.paid_fen))
        .group_by(Bill.period)
        .order_by(Bill.period)
    ).all()
    payments = db.session.execute(
        select(
            Compound.code,
            Building.name,
            Household.unit,
            Bill.period,
            Payment.amount_fen,
            Payment.method,
            Payment.paid_at,
        )
        .join(Bill, Bill.id == Payment.bill_id)
        .join(Household, Household.id == Bill.household_id)
        .join(Building, Building.id == Household.building_id)
        .join(Compound, Compound.id == Bill.compound_id)
        .order_by(Compound.code, Building.name, Household.unit, Bill.period)
        .limit(300)
    ).all()
    return {"per_period": per_period, "payments": payments}


def test_the_bills_and_payments_are_the_same_every_time(months):
    first_run = db.session.begin_nested()
    seed_city("street", as_of=AS_OF)
    first = _snapshot()
    first_run.rollback()

    seed_city("street", as_of=AS_OF)
    assert _snapshot() == first
    assert [p for p, *_ in first["per_period"]] == [f"2025-{m:02d}" for m in range(6, 13)] + [
        f"2026-{m:02d}" for m in range(1, 6)
    ]


def test_running_totals_agree_with_the_payment_rows_and_the_statuses(street_city):
    assert check_totals() == []
    wrong_status = (
        select(func.count())
        .select_from(Bill)
        .where(
            Bill.status
            != case((Bill.paid_fen >= Bill.amount_due_fen, "paid"), (Bill.paid_fen > 0, "partial"), else_="unpaid")
        )
    )
    assert db.session.scalar(wrong_status) == 0
    keys = db.session.execute(select(Payment.idempotency_key, Payment.bill_id, Payment.paid_at)).all()
    assert all(key == f"seed:{bill_id}" for key, bill_id, _ in keys)
    assert max(at for *_, at in keys) < datetime.combine(AS_OF, time(0), tzinfo=CITY_TZ)
    assert street_city.rows["bill"] == db.session.scalar(select(func.count()).select_from(Bill))
    assert street_city.rows["payment"] == len(keys)


def test_amounts_follow_the_billing_rule_and_nothing_is_left_to_generate(street_city):
    rows = db.session.execute(
        select(Bill.amount_due_fen, ServiceContract.fee_rate_fen, Household.floor_area_dm2)
        .join(ServiceContract, ServiceContract.id == Bill.contract_id)
        .join(Household, Household.id == Bill.household_id)
        .limit(500)
    ).all()
    assert all(due == bill_amount(rate, area) for due, rate, area in rows)
    assert generate_for_city("2026-05").created == 0
    unmanaged = select(Compound.id).where(
        Compound.management_mode.in_([ManagementMode.none, ManagementMode.self_managed])
    )
    assert db.session.scalar(select(func.count()).where(Bill.compound_id.in_(unmanaged))) == 0


def test_most_households_pay_and_arrears_sit_with_a_few(street_city):
    paid, due = db.session.execute(
        select(func.sum(Bill.paid_fen), func.sum(Bill.amount_due_fen)).where(Bill.period < "2026-03")
    ).one()  # months whose late payers have paid
    assert 0.85 < int(paid) / int(due) < 0.97
    owing = sorted(
        (
            int(fen)
            for fen in db.session.scalars(
                select(func.sum(Bill.amount_due_fen - Bill.paid_fen)).group_by(Bill.household_id)
            )
        ),
        reverse=True,
    )
    worst_tenth = owing[: len(owing) // 10]
    assert sum(worst_tenth) > 0.6 * sum(owing)
    statuses = dict(db.session.execute(select(Bill.status, func.count()).group_by(Bill.status)).all())
    assert statuses.keys() == {"paid", "partial", "unpaid"}


def test_progress_reports_the_bills_month_by_month(months):
    reports = []
    seed_city("street", as_of=AS_OF, progress=lambda step, done, total: reports.append((step, done, total)))
    assert [r for r in reports if r[0] == "bills"] == [("bills", n, 12) for n in range(1, 13)]


def test_the_demo_city_has_a_declining_compound_that_raises_a_drop_alert(monkeypatch):
    monkeypatch.setattr(seed_bills, "MONTHS", 4)  # all the drop rule reads
    run = seed_city("demo", as_of=AS_OF)
    declining = seed_bills.declining_compounds(run)
    assert len(declining) == 2
    assert run.streets[0].id in {c.street_id for c in run.compounds if c.id in declining}
    sweep("fee_collection_drop", AS_OF)
    dropped = set(db.session.scalars(select(Alert.compound_id).where(Alert.rule == "fee_collection_drop")))
    assert set(declining) <= dropped
    assert len(dropped) <= 4  # a declining compound stands out; the city is not all alarms
