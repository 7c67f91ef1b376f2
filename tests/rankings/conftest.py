"""A small city measured in 2026Q2, with figures chosen so every indicator can be redone by hand.

firm A (`city.firm`): compounds A1 (`city.compound`, 60 households) and A2 (40) — 100 households
  bills 2026-04..06, 100.00 each: 300 bills, 255 paid in full        → fee collection 0.8500
  4 tickets resolved in the quarter, 3 by their deadline               → on time 0.7500
  3 tickets closed with ratings 5, 4, 3                                → satisfaction 4.0000
  3 hotline complaints of its own reported in the quarter (one typed in after it; one more routed
  to the contractor is not counted)                                    → 3.0000 per 100 households
  inspections A1: 80 and 90 (mean 85), A2: 70 → (60×85 + 40×70) / 100 → inspection 79.0000
firm B (`city.other_firm`): compound B1 (`city.other`, 50 households)
  150 bills, 120 paid → 0.8000; 2 resolved on time → 1.0000; one rating 2 → 2.0000;
  no hotline ticket → 0.0000; no inspection → left out
firm C: compound C1 with 10 households → not rated (too few households)
Outside the quarter (ignored): a July bill, a ticket resolved in July, a March inspection.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy import insert

from pm_app.common.clock import CITY_TZ
from pm_app.extensions import db
from pm_app.fees.models import Bill, BillStatus
from pm_app.org.models import Household
from pm_app.tickets.models import Priority, ResponsibleParty, Ticket, TicketSource, TicketStatus
from pm_app.warranties.models import Inspection
from tests.factories import BuildingFactory, CompoundFactory, ContractFactory, FirmFactory
from tests.org.conftest import City, city  # noqa: F401  (the fixture, shared)

_codes = itertools.count(1)


def login(client, user):
    response = client.post("/login", data={"username": user.username, "password": "password123"})
    assert response.status_code == 302, response.text
    return client


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=CITY_TZ)


def households(compound_id: int, n: int, skip: int = 0) -> list[int]:
    building = BuildingFactory(compound_id=compound_id, name=f"R{next(_codes)}号楼")
    rows = [
        {"compound_id": compound_id, "building_id": building.id, "unit": f"{i}", "floor_area_dm2": 8000}
        for i in range(skip, skip + n)
    ]
    db.session.execute(insert(Household), rows)
    from sqlalchemy import select

    return list(db.session.scalars(select(Household.id).where(Household.compound_id == compound_id)))


def bills(firm_id: int, compound_id: int, household_ids: list[int], months: list[str], paid: int) -> None:
    """100.00 a bill; the first `paid` bills (months first) are paid in full."""
    rows = []
    for n, (month, hid) in enumerate((m, h) for m in months for h in household_ids):
        settled = n < paid
        rows.append(
            {
                "household_id": hid,
                "compound_id": compound_id,
                "firm_id": firm_id,
                "period": month,
                "fee_type": "property",
                "amount_due_fen": 10000,
                "due_date": date(2026, 7, 31),
                "paid_fen": 10000 if settled else 0,
                "waived_fen": 0,
                "status": BillStatus.paid if settled else BillStatus.unpaid,
                "source": "seed",
            }
        )
    db.session.execute(insert(Bill), rows)


def ticket(
    compound_id: int,
    firm_id: int | None,
    created: date,
    *,
    resolved: date | None = None,
    late=False,
    closed: date | None = None,
    rating: int | None = None,
    source=TicketSource.phone,
) -> Ticket:
    deadline = at(resolved or created, 18)
    row = Ticket(
        tracking_code=f"RK{next(_codes):08d}",
        compound_id=compound_id,
        category="water_leak",
        source=source,
        priority=Priority.normal,
        description="漏水",
        responsible_party=ResponsibleParty.property_firm,
        assignee_firm_id=firm_id,
        status=TicketStatus.closed if closed else (TicketStatus.resolved if resolved else TicketStatus.new),
        respond_by=at(created, 12),
        resolve_by=deadline,
        created_at=at(created, 9),
        reported_at=at(created, 9),
        resolved_at=(at(resolved, 20) if late else at(resolved, 15)) if resolved else None,
        closed_at=at(closed) if closed else None,
        satisfaction=rating,
        satisfaction_by="reporter" if rating else None,
    )  # what a reporter's confirmation records
    db.session.add(row)
    return row


def inspection(compound_id: int, day: date, score: int) -> None:
    db.session.add(Inspection(compound_id=compound_id, inspected_on=day, participants="街道办、物业", score=score))


@dataclass
class Quarter:
    city: City
    a2: object
    firm_c: object
    c1: object


@pytest.fixture
def quarter(city) -> Quarter:
    months = ["2026-04", "2026-05", "2026-06"]
    a1, b1 = city.compound, city.other
    a2 = CompoundFactory(code="GL-0002", name="东门二村", street=city.street)
    ContractFactory(compound=a2, firm=city.firm, start_date=date(2024, 1, 1), end_date=date(2035, 12, 31))
    firm_c = FirmFactory(name="丁物业")
    c1 = CompoundFactory(code="TJ-0009", name="小丁小区", street=city.other_street)
    ContractFactory(compound=c1, firm=firm_c, start_date=date(2026, 5, 1), end_date=date(2027, 4, 30))

    a1_homes = households(a1.id, 59, skip=1)  # plus the city's one household: 60
    a2_homes = households(a2.id, 40)
    b1_homes = households(b1.id, 49, skip=1)
    c1_homes = households(c1.id, 10)
    # Firm A: 180 + 120 bills, the 255 paid are all of A1's and 75 of A2's.
    bills(city.firm.id, a1.id, a1_homes, months, paid=180)
    bills(city.firm.id, a2.id, a2_homes, months, paid=75)
    bills(city.firm.id, a1.id, a1_homes[:10], ["2026-07"], paid=0)
    bills(city.other_firm.id, b1.id, b1_homes, months, paid=120)
    bills(firm_c.id, c1.id, c1_homes, months[1:], paid=20)

    f, g = city.firm.id, city.other_firm.id
    ticket(a1.id, f, date(2026, 4, 2), resolved=date(2026, 4, 3))
    ticket(a1.id, f, date(2026, 4, 9), resolved=date(2026, 4, 10))
    ticket(a2.id, f, date(2026, 5, 9), resolved=date(2026, 5, 10))
    ticket(a2.id, f, date(2026, 6, 1), resolved=date(2026, 6, 2), late=True)
    ticket(a1.id, f, date(2026, 6, 20), resolved=date(2026, 7, 2), late=True)  # resolved after the quarter
    ticket(a1.id, f, date(2026, 3, 1), closed=date(2026, 4, 5), rating=5)
    ticket(a1.id, f, date(2026, 3, 2), closed=date(2026, 5, 5), rating=4)
    ticket(a2.id, f, date(2026, 3, 3), closed=date(2026, 6, 5), rating=3)
    ticket(a2.id, f, date(2026, 3, 4), closed=date(2026, 6, 6))  # no rating
    ticket(a1.id, f, date(2026, 3, 5), closed=date(2026, 7, 6), rating=1)  # closed after the quarter
    for day in (date(2026, 4, 15), date(2026, 5, 15)):
        ticket(a2.id, None, day, source=TicketSource.hotline_12345)
    # Called in on 30 June, typed in on 3 July: counts in the quarter of the call (reported_at).
    ticket(a2.id, None, date(2026, 7, 3), source=TicketSource.hotline_12345).reported_at = at(date(2026, 6, 30), 9)
    ticket(a1.id, None, date(2026, 3, 31), source=TicketSource.hotline_12345)  # before the quarter
    # Complaints routed to the contractor under warranty or to a utility are not the firm's.
    ticket(
        a2.id, None, date(2026, 5, 20), source=TicketSource.hotline_12345
    ).responsible_party = ResponsibleParty.contractor_warranty
    ticket(
        a2.id, None, date(2026, 5, 21), source=TicketSource.hotline_12345
    ).responsible_party = ResponsibleParty.utility
    ticket(b1.id, g, date(2026, 4, 1), resolved=date(2026, 4, 1))
    ticket(b1.id, g, date(2026, 5, 1), resolved=date(2026, 5, 2), closed=date(2026, 5, 3), rating=2)
    inspection(a1.id, date(2026, 4, 20), 80)
    inspection(a1.id, date(2026, 6, 20), 90)
    inspection(a2.id, date(2026, 5, 20), 70)
    inspection(b1.id, date(2026, 3, 31), 10)  # before the quarter
    db.session.flush()
    return Quarter(city, a2, firm_c, c1)
