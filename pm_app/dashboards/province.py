"""The home of a viewer who sees several cities (a province's regulator, or the admin of a
deployment that serves one: issue 30).

A city's home scores every compound live and adds its streets up from those scores. At a
province's ~11,000 compounds that cost grew with the compounds (1.8 s at two cities), so here the
same figures are added up in the database by street — last month's collection from bill_total,
tickets, committee status and management mode by grouped statements — and the worst compounds and
the households come from the morning run (dashboards.snapshot), which the page dates. The other
figures stay live: a payment made a minute ago is in the city's rate."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import case, func, select

from pm_app.auth.scope import scope_clause
from pm_app.committees import coverage
from pm_app.dashboards import figures
from pm_app.dashboards.models import CompoundHealth
from pm_app.extensions import db
from pm_app.fees import rates
from pm_app.fees.models import BillTotal
from pm_app.fees.periods import period_of, shift
from pm_app.org.models import City, Compound, Household, ManagementMode, Street
from pm_app.tickets import sla
from pm_app.tickets.models import Ticket
from pm_app.tickets.workflow import OPEN


def serves_province(user) -> bool:
    """Whether the user's home is the province's: they see every city, and there are several."""
    return user.sees_whole_city and (db.session.scalar(select(func.count()).select_from(City)) or 0) > 1


def street_rows(user, as_of: date, at: datetime) -> tuple[list[dict], tuple[figures.Tickets, list[tuple]]]:
    """figures.streets' rows, each figure one grouped statement over the viewer's compounds; and
    the tickets' tile and chart rows (figures.tickets_and_categories), read in the same pass over
    the tickets as the streets' counts (a province has some 500,000)."""
    seen = scope_clause(Compound, user)
    rows: dict[int, dict] = {}
    # Households: as the morning run counted them (they change with the registry, not by the
    # minute), counted now for a compound registered since: 2 million rows otherwise.
    households = func.coalesce(
        CompoundHealth.households,
        select(func.count(Household.id)).where(Household.compound_id == Compound.id).scalar_subquery(),
    )
    for sid, name, compounds, counted in db.session.execute(
        select(Street.id, Street.name, func.count(Compound.id), func.sum(households))
        .join(Compound, Compound.street_id == Street.id)
        .outerjoin(CompoundHealth, CompoundHealth.compound_id == Compound.id)
        .where(seen)
        .group_by(Street.id, Street.name)
        .order_by(Street.name, Street.id)
    ):
        rows[sid] = figures.street_row(sid, name) | {"compounds": int(compounds), "households": int(counted or 0)}
    last = shift(period_of(as_of), -1)
    bills = rates.fee_bills(user)(BillTotal) & (BillTotal.period == last) & (BillTotal.compound_id == Compound.id)
    by_street = rates.sums_by_key(db.session.execute(rates.grouped([Compound.street_id], bills)).all(), 1)
    for sid, rate in rates.rates_of(by_street).items():
        if sid in rows:
            rows[sid]["rate"] = rate
    return list(rows.values()), _tickets(user, at, rows)


def _tickets(user, at: datetime, rows: dict[int, dict]) -> tuple[figures.Tickets, list[tuple]]:
    """One pass over the tickets grouped by street, category and status: the streets' open and
    overdue counts, the tile, and the chart's (category, status, count) rows."""
    tile, categories = figures.Tickets(), dict[tuple, int]()
    for sid, category, status, n, overdue in db.session.execute(
        select(
            Compound.street_id,
            Ticket.category,
            Ticket.status,
            func.count(),
            func.count(case((sla.overdue_clause(at), 1))),
        )
        .join(Compound, Compound.id == Ticket.compound_id)
        .where(scope_clause(Compound, user), scope_clause(Ticket, user))
        .group_by(Compound.street_id, Ticket.category, Ticket.status)
    ):
        is_open = status in OPEN
        if sid in rows:
            rows[sid]["open"] += n if is_open else 0
            rows[sid]["overdue"] += overdue
        tile.open += n if is_open else 0
        tile.overdue += overdue
        categories[category, status] = categories.get((category, status), 0) + n
    return tile, [(category, status, n) for (category, status), n in sorted(categories.items(), key=_order)]


def _order(item) -> tuple:
    (category, status), _n = item
    return (category, getattr(status, "value", status))


def modes(user) -> dict[str, int]:
    """Compounds by management mode, every mode present (zeros included)."""
    found = {mode.value: 0 for mode in ManagementMode}
    for mode, n in db.session.execute(
        select(Compound.management_mode, func.count())
        .where(scope_clause(Compound, user))
        .group_by(Compound.management_mode)
    ):
        found[getattr(mode, "value", mode)] += int(n)
    return found


def committee_coverage(user, as_of: date) -> coverage.Coverage:
    """Every compound by committee status and street, as the city's home counts them (all
    compounds, not only the renovated ones the coverage page's audit base takes)."""
    return coverage.coverage(user, as_of, base="all")
