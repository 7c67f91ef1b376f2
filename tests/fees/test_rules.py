"""The fee alert rules: a low or sharply dropping collection rate in the last closed month reaches
the compound's street office and the firm that billed it, once, and clears when late payments
lift the rate."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from pm_app.alerts.models import AlertRecipient
from pm_app.alerts.rules import RULES
from pm_app.auth.models import Role
from pm_app.common.clock import CITY_TZ, now
from pm_app.extensions import db
from pm_app.fees.models import Bill, PaymentMethod
from pm_app.fees.payments import record_payment, status_of
from pm_app.fees.periods import last_day
from pm_app.fees.rules import closed_period
from tests.alerts.helpers import alerts, sweep
from tests.factories import BuildingFactory, CompoundFactory, ContractFactory, HouseholdFactory, UserFactory
from tests.helpers import count_statements

AS_OF = date(2026, 10, 10)  # judges 2026-09 against 2026-06, -07 and -08
PERIODS = ("2026-06", "2026-07", "2026-08", "2026-09")
DUE = 10_000  # every bill 100.00 yuan, so ten households make rates in whole percent


def households(compound, n: int = 10) -> list:
    building = BuildingFactory(compound_id=compound.id)
    return [HouseholdFactory(building=building, unit=f"1-{101 + i}") for i in range(n)]


def bill_month(contract, homes: list, period: str, rate: str) -> list[Bill]:
    """Bills of one month whose amount rate is `rate`: full payments first, then one partial."""
    left = int(Decimal(rate) * DUE * len(homes))
    bills = []
    for home in homes:
        paid, left = min(DUE, left), left - min(DUE, left)
        bills.append(
            Bill(
                household_id=home.id,
                compound_id=contract.compound_id,
                firm_id=contract.firm_id,
                contract_id=contract.id,
                period=period,
                fee_type="property",
                amount_due_fen=DUE,
                due_date=last_day(period),
                paid_fen=paid,
                waived_fen=0,
                status=status_of(DUE, paid, 0),
            )
        )
    db.session.add_all(bills)
    db.session.flush()
    return bills


def history(contract, homes: list, rates: tuple[str, ...], periods=PERIODS) -> dict[str, list[Bill]]:
    return {period: bill_month(contract, homes, period, rate) for period, rate in zip(periods, rates, strict=True)}


def pay_late(bill: Bill, amount_fen: int, day: date = date(2026, 10, 9)):
    admin = UserFactory(role=Role.admin)
    record_payment(
        admin,
        bill_id=bill.id,
        amount_fen=amount_fen,
        method=PaymentMethod.wechat,
        paid_at=datetime(day.year, day.month, day.day, 10, tzinfo=CITY_TZ),
        key=f"late:{bill.id}:{day}",
    )
    db.session.commit()


@pytest.fixture
def dropping(city):
    """city.compound: 90 %, 90 %, 90 %, then 65 %; city.other (another street and firm): a steady 90 %."""
    bills = history(city.contract, households(city.compound), ("0.90", "0.90", "0.90", "0.65"))
    history(city.other_contract, households(city.other), ("0.90",) * 4)
    return bills


def inbox(api, user) -> list[int]:
    response = api.as_(user).get("/api/v1/alerts?rule=fee_collection_drop")
    assert response.status_code == 200, response.json
    return [a["compound_id"] for a in response.json]


def test_the_closed_period_is_the_month_before_the_sweep():
    assert closed_period(date(2026, 10, 1)) == closed_period(date(2026, 10, 31)) == "2026-09"
    assert closed_period(date(2026, 1, 5)) == "2025-12"


def test_a_drop_from_90_to_65_opens_one_alert_for_its_street_office_and_firm_only(city, dropping, api):
    assert sweep("fee_collection_drop", AS_OF).opened == 1
    [alert] = alerts("fee_collection_drop")
    assert (alert.subject_type, alert.subject_id, alert.stage, alert.severity) == (
        "compound",
        city.compound.id,
        "2026-09",
        "warning",
    )
    assert alert.firm_id == city.firm.id
    assert alert.dedup_key == f"fee_collection_drop:compound:{city.compound.id}:2026-09"
    assert "65.0%" in alert.title and "90.0%" in alert.title and "25.0" in alert.title
    recipients = set(
        db.session.execute(
            select(AlertRecipient.audience, AlertRecipient.org_id).where(AlertRecipient.alert_id == alert.id)
        ).all()
    )
    assert recipients == {("street", city.street.id), ("committee", city.compound.id), ("firm", city.firm.id)}

    assert inbox(api, city.users["street_officer"]) == [city.compound.id]
    assert inbox(api, city.users["firm_staff"]) == [city.compound.id]
    assert inbox(api, UserFactory(role=Role.street_officer, streets=[city.other_street])) == []
    assert inbox(api, UserFactory(role=Role.firm_staff, firm=city.other_firm)) == []


def test_a_repeated_sweep_adds_nothing(city, dropping):
    sweep("fee_collection_drop", AS_OF)
    assert (sweep("fee_collection_drop", AS_OF).opened, len(alerts())) == (0, 1)


def test_late_payments_that_lift_the_rate_resolve_the_drop(city, dropping):
    sweep("fee_collection_drop", AS_OF)
    partial, unpaid, other_unpaid = dropping["2026-09"][6:9]
    pay_late(partial, DUE // 2)  # 70 %: still 20 points down
    pay_late(unpaid, DUE)  # 80 %: exactly 10 points down is still a drop
    assert sweep("fee_collection_drop", AS_OF).resolved == 0
    pay_late(other_unpaid, DUE)  # 90 %: back to normal
    assert sweep("fee_collection_drop", AS_OF).resolved == 1
    [alert] = alerts("fee_collection_drop")
    assert (alert.state, alert.resolution) == ("resolved", "cleared")


def test_a_payment_after_the_sweep_date_does_not_count_for_it(city, dropping):
    for bill in dropping["2026-09"][6:]:
        pay_late(bill, bill.outstanding_fen, day=date(2026, 10, 11))
    assert sweep("fee_collection_drop", AS_OF).opened == 1
    assert sweep("fee_collection_drop", date(2026, 10, 11)).resolved == 1


def test_the_alert_goes_to_the_firm_that_billed_the_closed_month(city):
    homes = households(city.compound)
    history(city.contract, homes, ("0.90", "0.90", "0.90"), PERIODS[:3])
    city.contract.end_date = date(2026, 8, 31)
    successor = ContractFactory(compound=city.compound, firm=city.other_firm, start_date=date(2026, 9, 1))
    bill_month(successor, homes, "2026-09", "0.60")
    sweep("fee_collection_drop", AS_OF)
    [alert] = alerts("fee_collection_drop")
    assert alert.firm_id == city.other_firm.id
    assert ("firm", city.other_firm.id) in {(r.audience, r.org_id) for r in alert.recipients}
    assert ("firm", city.firm.id) not in {(r.audience, r.org_id) for r in alert.recipients}


def test_no_drop_without_three_billed_months_before(city):
    history(city.contract, households(city.compound), ("0.90", "0.90", "0.50"), PERIODS[1:])
    assert sweep("fee_collection_drop", AS_OF).opened == 0
    assert sweep("fee_collection_low", AS_OF).opened == 1  # low is judged on the month alone


def test_a_small_dip_is_not_a_drop(city):
    history(city.contract, households(city.compound), ("0.95", "0.90", "0.94", "0.8301"))  # 9.99 points
    assert sweep("fee_collection_drop", AS_OF).opened == 0


@pytest.mark.parametrize(
    "rate,severity", [("0.80", None), ("0.79", "warning"), ("0.60", "warning"), ("0.59", "critical")]
)
def test_low_threshold_boundaries(city, rate, severity):
    history(city.contract, households(city.compound), (rate,), PERIODS[3:])
    sweep("fee_collection_low", AS_OF)
    assert [(a.stage, a.severity) for a in alerts("fee_collection_low")] == (
        [("2026-09", severity)] if severity else []
    )


def test_the_low_threshold_comes_from_the_configuration(app, city, monkeypatch):
    history(city.contract, households(city.compound), ("0.90",), PERIODS[3:])
    monkeypatch.setitem(app.config, "FEE_COLLECTION_LOW_THRESHOLD", "0.95")
    assert sweep("fee_collection_low", AS_OF).opened == 1


def test_a_month_still_low_when_the_next_closes_moves_the_alert_to_it(city):
    history(city.contract, households(city.compound), ("0.70", "0.70"), ("2026-09", "2026-10"))
    sweep("fee_collection_low", AS_OF)
    result = sweep("fee_collection_low", date(2026, 11, 3))
    assert (result.opened, result.resolved) == (1, 1)
    old, new = alerts("fee_collection_low")
    assert (old.stage, old.resolution, new.stage, new.state) == ("2026-09", "superseded", "2026-10", "open")


def _add_compounds(street, n: int) -> None:
    """n compounds of two households: every other one drops from 100 % to 50 % (low and dropped)."""
    for i in range(n):
        contract = ContractFactory(compound=CompoundFactory(street=street))
        history(contract, households(contract.compound, 2), ("1.00",) * 3 + (("0.50",) if i % 2 else ("1.00",)))


def _statements_and_findings() -> tuple[int, int]:
    with count_statements() as sent:
        findings = [f for rule in ("fee_collection_low", "fee_collection_drop") for f in RULES[rule].find(AS_OF, now())]
    return len(sent), len(findings)


def test_the_number_of_statements_does_not_grow_with_the_compounds():
    street = CompoundFactory().street
    _add_compounds(street, 2)
    few, found = _statements_and_findings()
    # per rule: the rates (totals; for as_of, the bills touched since and their correction), and the
    # flagged compounds' names
    assert found == 2 and 0 < few <= 8
    _add_compounds(street, 18)
    assert _statements_and_findings() == (few, 20)
