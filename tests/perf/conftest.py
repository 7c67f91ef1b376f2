"""Two seeded cities for the statement-count guards: one street of 10 compounds and one of 100,
each with every domain's rows (3 months of bills, works, tickets, committees and ledgers,
rankings, and the alerts the sweeps open), and each role's demo account.

Each city is built once per module in its own transaction, rolled back at the end, and every
page and list is requested on both; the tests then compare what was counted. A city is seeded
rather than made with factories so that every list has rows of every kind to load lazily."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import event, select
from sqlalchemy.orm import scoped_session, sessionmaker

from pm_app.alerts.rules import RULES
from pm_app.alerts.sweeps import apply_rule
from pm_app.committees.fund import record_vote
from pm_app.committees.models import FundVote
from pm_app.common.clock import now, today
from pm_app.extensions import db
from pm_app.fees import seed_bills
from pm_app.fees.periods import period_of, shift
from pm_app.org.demo import DEMO_PASSWORD, create_demo_accounts, demo_accounts
from pm_app.org.models import Compound, ServiceContract, Street
from pm_app.org.seed_run import Scale
from pm_app.org.services import compound_counts
from pm_app.rankings.models import RankingPeriod
from pm_app.seeding import seed_city
from pm_app.tickets.models import Priority, ResponsibleParty, Ticket, TicketSource, TicketStatus
from pm_app.warranties.models import RenovationProject, WarrantyCategory, WarrantyClaim, WarrantyItem
from tests.helpers import ApiClient

# Enough months for every fee figure to have bills (the last closed month and the one before);
# more only slows the seed: statement counts do not depend on it.
MONTHS = 3
# A statement that reads bill or payment rows without aggregating them may return one page of
# them (lists show 50), never a scope's worth: the 100-compound street holds ~25,000 bills.
ROW_LIMIT = 100
_READS_FEES = re.compile(r'^\s*(SELECT|WITH)\b.*\b(FROM|JOIN)\s+"?(bill|payment)"?(\s|$)', re.I | re.S)


@dataclass
class Measure:
    status: int
    statements: int
    # the largest row count of a statement reading bill or payment rows without GROUP BY
    fee_rows: int
    fee_statement: str = ""
    sent: list[str] = field(default_factory=list)
    body: str = ""  # kept when the status is not 200, to say why


@dataclass
class City:
    compounds: int
    ids: dict = field(default_factory=dict)
    measures: dict = field(default_factory=dict)  # (role, url) → Measure


def scale(compounds: int) -> Scale:
    # One district with one street, so the street office sees every compound; the same firms
    # either way, so a firm's share grows with the street.
    return Scale(f"perf{compounds}", 1, 1, compounds, compounds * 24, 4, 2, 1)


@contextmanager
def seeded(compounds: int) -> Iterator[City]:
    """A city of one street of `compounds` compounds in a transaction of its own, rolled back."""
    connection = db.engine.connect()
    outer = connection.begin()
    original = db.session
    db.session = scoped_session(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
    months, seed_bills.MONTHS = seed_bills.MONTHS, MONTHS
    try:
        day = today()
        seed_city(scale(compounds), as_of=day)
        for rule in sorted(RULES):
            apply_rule(rule, day)
        create_demo_accounts()
        db.session.flush()
        ids = _ids(day)
        _rows_in_every_list(ids, day)
        yield City(compounds, ids=ids)
    finally:
        seed_bills.MONTHS = months
        db.session.remove()
        db.session = original
        outer.rollback()
        connection.close()


def _ids(day) -> dict:
    users = {u.username: u for u in demo_accounts()}
    compound_id = users["committee"].compound_id
    last = shift(period_of(day), -1)
    return {
        "users": users,
        "street": db.session.scalar(select(Street.id).order_by(Street.id).limit(1)),
        "compound": compound_id,
        "firm": users["firm"].firm_id,
        "project": db.session.scalar(select(RenovationProject.id).where(RenovationProject.compound_id == compound_id)),
        "period": db.session.scalar(select(RankingPeriod.id).order_by(RankingPeriod.id.desc()).limit(1)),
        "last": last,
        "first": shift(last, -11),
    }


def _rows_in_every_list(ids: dict, day) -> None:
    """The seed leaves a few lists empty for one size of city and not the other (the busiest
    firm's overdue tickets, the contractor's open claims): add one row to each, so that both
    cities load every list's related rows and only a per-row query can tell them apart."""
    users = ids["users"]
    firm_compound = db.session.scalar(
        select(ServiceContract.compound_id)
        .where(
            ServiceContract.firm_id == users["firm"].firm_id,
            ServiceContract.start_date <= day,
            ServiceContract.end_date >= day,
        )
        .order_by(ServiceContract.compound_id)
        .limit(1)
    )
    project = db.session.scalar(
        select(RenovationProject)
        .where(RenovationProject.contractor_id == users["contractor"].firm_id)
        .order_by(RenovationProject.id)
        .limit(1)
    )
    category = db.session.scalar(select(WarrantyCategory.id).order_by(WarrantyCategory.id).limit(1))
    end = day + timedelta(days=30)
    for compound_id, project_id in ((firm_compound, None), (project.compound_id, project.id)):
        project_id = project_id or db.session.scalar(
            select(RenovationProject.id).where(RenovationProject.compound_id == compound_id)
        )
        db.session.add(
            WarrantyItem(
                project_id=project_id,
                compound_id=compound_id,
                category_id=category,
                description="雨水管",
                warranty_years=5,
                warranty_start=end.replace(year=end.year - 5),
                warranty_end=end,
            )
        )
    db.session.flush()
    item = db.session.scalar(
        select(WarrantyItem).where(WarrantyItem.project_id == project.id).order_by(WarrantyItem.id.desc()).limit(1)
    )
    claim = WarrantyClaim(warranty_item_id=item.id, project_id=project.id, description="渗水")
    db.session.add(claim)
    db.session.flush()
    late = now() - timedelta(days=2)
    for n, (compound_id, firm_id, party) in enumerate(
        (
            (firm_compound, users["firm"].firm_id, ResponsibleParty.property_firm),
            (project.compound_id, users["contractor"].firm_id, ResponsibleParty.contractor_warranty),
        )
    ):
        db.session.add(
            Ticket(
                tracking_code=f"PERF{n:08d}",
                compound_id=compound_id,
                category="water_leak",
                source=TicketSource.phone,
                priority=Priority.normal,
                description="漏水",
                responsible_party=party,
                assignee_firm_id=firm_id,
                status=TicketStatus.assigned,
                respond_by=late,
                resolve_by=late,
                claim_id=claim.id if n else None,
            )
        )
    db.session.flush()
    # …and the claim names its ticket, as a claim a resident's report opened does: the pages then
    # look its tracking code up (claim_codes) in both cities, not only in the one whose seed has such claims.
    claim.ticket_id = db.session.scalar(select(Ticket.id).where(Ticket.claim_id == claim.id))
    db.session.flush()
    # The seed draws on the fund in about one compound in five, by the day: the committee's own
    # compound may have no vote in one city and votes in the other (the list then loads their
    # ledger entries in one statement more, whatever their number).
    compound = db.session.get(Compound, ids["compound"])
    if db.session.scalar(select(FundVote.id).where(FundVote.compound_id == compound.id).limit(1)) is None:
        counts = compound_counts([compound.id])[compound.id]
        record_vote(
            users["committee"],
            compound,
            {
                "purpose": "屋面防水",
                "amount_fen": 100000,
                "voted_on": day - timedelta(days=10),
                "participating_area_dm2": counts["floor_area_dm2"],
                "participating_households": counts["households"],
                "approving_area_dm2": counts["floor_area_dm2"],
                "approving_households": counts["households"],
            },
        )
    # Which compound the committee account gets depends on the contracts (the street office's and
    # 自管会 arrangements are not firms', issue 26), and so whether its inbox is empty: one alert
    # addressed to it in both cities, so the inbox loads its rows' related rows in both.
    from pm_app.alerts.rules import Finding, compound_audiences
    from pm_app.alerts.services import open_alerts

    open_alerts(
        "contract_expiring",
        {
            f"perf:compound:{compound.id}": Finding(
                "compound",
                compound.id,
                f"{compound.name}: 合同将于 30 天后到期",
                compound_id=compound.id,
                audiences=compound_audiences(compound.street_id, compound.id),
            )
        },
    )


@contextmanager
def watching() -> Iterator[list]:
    """Count the statements sent and, for each one reading fee rows, how many rows it returns
    (counted by running it again wrapped in a COUNT on the same connection and transaction)."""
    sent: list[str] = []
    fee_rows: list[tuple[int, str]] = []

    def before(_conn, _cursor, statement, *_args):
        sent.append(statement)

    def after(_conn, cursor, statement, parameters, _context, executemany):
        if executemany or not _READS_FEES.match(statement) or re.search(r"\bGROUP\s+BY\b", statement, re.I):
            return
        counter = cursor.connection.cursor()
        try:
            counter.execute(f"SELECT count(*) FROM ({statement}) AS counted", parameters)
            fee_rows.append((counter.fetchone()[0], statement))
        finally:
            counter.close()

    event.listen(db.engine, "before_cursor_execute", before)
    event.listen(db.engine, "after_cursor_execute", after)
    try:
        yield sent, fee_rows
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
        event.remove(db.engine, "after_cursor_execute", after)


def measure_all(app, city: City, requests: list[tuple[str, str]]) -> None:
    """Sign each role in once, then request every (role, url) and keep what was counted."""
    clients = {}
    for role, template in requests:
        user = city.ids["users"][role]
        url = template.format(**city.ids)
        if url.startswith("/api/"):
            client = clients.setdefault(("api", role), ApiClient(app.test_client()).as_(user))
        else:
            client = clients.get(("page", role))
            if client is None:
                client = clients[("page", role)] = app.test_client()
                response = client.post("/login", data={"username": user.username, "password": DEMO_PASSWORD})
                assert response.status_code == 302, response.text
        with watching() as (sent, fee_rows):
            response = client.get(url)
        biggest = max(fee_rows, default=(0, ""))
        city.measures[(role, template)] = Measure(
            response.status_code,
            len(sent),
            biggest[0],
            biggest[1],
            sent,
            "" if response.status_code == 200 else response.get_data(as_text=True)[:500],
        )
