"""The two-street city on 2026-05-15 (last closed month 2026-04) with a few of each domain's
objects, built straight into the tables so every figure is known by hand:

city.compound (东街街道, professional, 甲物业): 4 households; April bills of 100.00 each, paid
100.00, 100.00, 50.00 and 0 (rate 62.5 %); one overdue ticket (new, respond-by passed) and one
on time; warranty items ending in 30, 60 and 200 days, no inspection; an owners' committee
elected 2024-03-01 for 5 years (active); one open alert and one resolved.

city.other (南街街道, quasi, 乙物业): 1 household, no bills, no tickets, no committee, one open
alert. Everything of `other` is foreign to the street office, the firm and the committee.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from pm_app.alerts.models import Alert, AlertRecipient
from pm_app.committees.models import Committee, CommitteeKind
from pm_app.extensions import db
from pm_app.fees.models import Bill, BillStatus
from pm_app.org.models import ManagementMode
from pm_app.tickets.models import Priority, ResponsibleParty, Ticket, TicketSource, TicketStatus
from pm_app.warranties.models import RenovationProject, WarrantyCategory, WarrantyItem
from tests.factories import HouseholdFactory
from tests.org.conftest import City, city  # noqa: F401  (the fixture, shared)

TODAY = date(2026, 5, 15)
NOW = datetime(2026, 5, 15, 2, 0, tzinfo=UTC)  # 10:00 in the city
PASSWORD = "password123"
_codes = itertools.count()


@dataclass
class World:
    city: object
    overdue: Ticket
    on_time: Ticket
    items: list
    alert: Alert
    other_alert: Alert


def add_ticket(compound, status=TicketStatus.new, hours_left=24, firm_id=None, category="water_leak", **extra):
    deadline = NOW + timedelta(hours=hours_left)
    ticket = Ticket(
        tracking_code=f"DASH{next(_codes):08d}",
        compound_id=compound.id,
        category=category,
        source=TicketSource.phone,
        priority=Priority.normal,
        description="漏水",
        responsible_party=ResponsibleParty.property_firm,
        assignee_firm_id=firm_id,
        status=status,
        respond_by=deadline,
        resolve_by=deadline + timedelta(days=6),
        created_at=NOW - timedelta(days=2),
        **extra,
    )
    db.session.add(ticket)
    db.session.flush()
    return ticket


def add_alert(compound, street_id, state="open", audience="street", org_id=None, subject=("ticket", 0)):
    alert = Alert(
        rule="ticket_overdue",
        subject_type=subject[0],
        subject_id=subject[1],
        compound_id=compound.id,
        severity="warning",
        title=f"{compound.name}: 工单超时",
        dedup_key=f"dash:{next(_codes)}",
        state=state,
    )
    alert.recipients.append(AlertRecipient(audience=audience, org_id=street_id if org_id is None else org_id))
    db.session.add(alert)
    db.session.flush()
    return alert


def add_item(compound, contractor, days_left, description="雨水管"):
    project = db.session.scalar(select(RenovationProject).where(RenovationProject.compound_id == compound.id))
    if project is None:
        project = RenovationProject(
            compound_id=compound.id,
            name="改造工程",
            year=2021,
            contractor_id=contractor.id,
            acceptance_date=date(2021, 6, 30),
            deposit_fen=0,
        )
        db.session.add(project)
        db.session.flush()
    category = db.session.scalar(select(WarrantyCategory).order_by(WarrantyCategory.id).limit(1))
    end = TODAY + timedelta(days=days_left)
    item = WarrantyItem(
        project_id=project.id,
        compound_id=compound.id,
        category_id=category.id,
        description=description,
        warranty_years=5,
        warranty_start=end.replace(year=end.year - 5),
        warranty_end=end,
    )
    db.session.add(item)
    db.session.flush()
    return item


def add_bills(compound, firm, households, period, due_fen, paid):
    for household, paid_fen in zip(households, paid):
        status = BillStatus.paid if paid_fen >= due_fen else (BillStatus.partial if paid_fen else BillStatus.unpaid)
        db.session.add(
            Bill(
                household_id=household.id,
                compound_id=compound.id,
                firm_id=firm.id,
                period=period,
                amount_due_fen=due_fen,
                due_date=date(2026, 4, 30),
                paid_fen=paid_fen,
                status=status,
            )
        )
    db.session.flush()


@pytest.fixture
def world(city) -> World:
    compound, other = city.compound, city.other
    compound.management_mode = ManagementMode.professional
    other.management_mode = ManagementMode.quasi
    building = city.household.building
    households = [city.household] + [HouseholdFactory(building=building, unit=f"1-{n}") for n in (102, 103, 104)]
    add_bills(compound, city.firm, households, "2026-04", 10_000, [10_000, 10_000, 5_000, 0])
    overdue = add_ticket(compound, hours_left=-1, firm_id=city.firm.id)
    on_time = add_ticket(
        compound,
        status=TicketStatus.in_progress,
        hours_left=24,
        firm_id=city.firm.id,
        category="lighting",
        responded_at=NOW - timedelta(days=1),
    )
    items = [add_item(compound, city.contractor, days) for days in (30, 60, 200)]
    db.session.add(
        Committee(
            compound_id=compound.id,
            kind=CommitteeKind.owners_committee,
            elected_on=date(2024, 3, 1),
            term_years=5,
            term_end=date(2029, 3, 1),
        )
    )
    alert = add_alert(compound, city.street.id, subject=("ticket", overdue.id))
    add_alert(compound, city.street.id, state="resolved")
    other_alert = add_alert(other, city.other_street.id)
    db.session.flush()
    return World(city, overdue, on_time, items, alert, other_alert)


def login(client, user):
    """Sign `user` in on this client (signing out whoever was signed in)."""
    client.post("/logout")
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return client
