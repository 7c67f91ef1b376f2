"""The numbers of the homes, each one scoped statement (or a fixed few) for the whole scope of
the viewer, whatever the number of compounds: every query starts from pm_app.auth.scope, so an
object out of the viewer's sight is never counted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, case, func, select

from pm_app.alerts.models import Alert
from pm_app.alerts.services import unread
from pm_app.auth.scope import count_visible, scope_clause
from pm_app.extensions import db
from pm_app.fees import rates
from pm_app.fees.periods import period_of, shift
from pm_app.org.models import City, Compound, District, ManagementMode, Street
from pm_app.tickets import sla
from pm_app.tickets.models import Ticket
from pm_app.tickets.workflow import OPEN
from pm_app.warranties.dates import EXPIRING_DAYS
from pm_app.warranties.models import WarrantyItem

TREND_MONTHS = 12
ENDING_DAYS = 90


@dataclass
class Tickets:
    open: int = 0
    overdue: int = 0


def compound_ids(user) -> list[int]:
    """The ids of the compounds the user sees: with the ids in hand health runs its prebuilt
    statements (one short statement here saves building three long ones)."""
    return list(db.session.scalars(select(Compound.id).where(scope_clause(Compound, user))))


def visible_compound_ids(user) -> Select:
    """The same ids as a subquery, for a filter that must not grow with the number of compounds."""
    return select(Compound.id).where(scope_clause(Compound, user))


def collection_trend(user, as_of: date) -> list[rates.PeriodRate]:
    """Both rates for each of the last twelve closed months, oldest first (the last is the tile's)."""
    last = shift(period_of(as_of), -1)
    return rates.rates_by_period(rates.fee_bills(user), shift(last, 1 - TREND_MONTHS), last)


def collection_trend_and_health_rates(user, as_of: date, city_wide: bool):
    """The trend above and, city-wide, its last month by compound from the same pass over the
    bills (the health's collection part: the last closed month is the trend's last); for a
    street None, and health reads that month itself (see rates.trend_and_last_by_compound)."""
    if not city_wide:
        return collection_trend(user, as_of), None
    last = shift(period_of(as_of), -1)
    return rates.trend_and_last_by_compound(rates.fee_bills(user), shift(last, 1 - TREND_MONTHS), last)


def tickets(user, at: datetime, *criteria) -> Tickets:
    row = db.session.execute(
        select(func.count(case((Ticket.status.in_(OPEN), 1))), func.count(case((sla.overdue_clause(at), 1)))).where(
            scope_clause(Ticket, user), *criteria
        )
    ).one()
    return Tickets(int(row[0]), int(row[1]))


def tickets_and_categories(user, at: datetime) -> tuple[Tickets, list[tuple]]:
    """The tickets tile and the (category, status, count) rows of its chart from one grouped
    statement: the tile's open count is the sum of the open statuses' rows, its overdue count
    rides along as a filtered count (one statement on the tickets instead of two)."""
    rows = db.session.execute(
        select(Ticket.category, Ticket.status, func.count(), func.count(case((sla.overdue_clause(at), 1))))
        .where(scope_clause(Ticket, user))
        .group_by(Ticket.category, Ticket.status)
        .order_by(Ticket.category, Ticket.status)
    ).all()
    tile = Tickets(sum(int(n) for _c, status, n, _o in rows if status in OPEN), sum(int(o) for *_r, o in rows))
    return tile, [(category, status, n) for category, status, n, _o in rows]


def warranties_ending(user, as_of: date, days: int = ENDING_DAYS) -> int:
    return count_visible(
        WarrantyItem, user, WarrantyItem.warranty_end > as_of, WarrantyItem.warranty_end <= as_of + timedelta(days=days)
    )


def warranty_ends(user, as_of: date, days: int = ENDING_DAYS) -> tuple[list[dict], int]:
    """Items whose warranty ends in each month of the coming year (365 days), month order, and
    how many of them end within `days` (the tile), from the same grouped statement."""
    month = _month(WarrantyItem.warranty_end)
    soon = func.count().filter(WarrantyItem.warranty_end <= as_of + timedelta(days=days))
    rows = db.session.execute(
        select(month, func.count(), soon)
        .where(
            scope_clause(WarrantyItem, user),
            WarrantyItem.warranty_end > as_of,
            WarrantyItem.warranty_end <= as_of + timedelta(days=365),
        )
        .group_by(month)
        .order_by(month)
    ).all()
    return [{"month": m, "items": int(n)} for m, n, _soon in rows], sum(int(n) for *_rest, n in rows)


def items_by_state(user, as_of: date) -> dict[str, int]:
    """active / expiring / expired, as warranties.dates.state reads them."""
    state = case(
        (WarrantyItem.warranty_end <= as_of, "expired"),
        (WarrantyItem.warranty_end <= as_of + timedelta(days=EXPIRING_DAYS), "expiring"),
        else_="active",
    )
    found = dict(
        db.session.execute(select(state, func.count()).where(scope_clause(WarrantyItem, user)).group_by(state)).all()
    )
    return {name: int(found.get(name, 0)) for name in ("active", "expiring", "expired")}


def modes(health: dict) -> dict[str, int]:
    """Compounds by management mode, counted from their health (which read the mode already)."""
    found = {mode.value: 0 for mode in ManagementMode}
    for compound in health.values():
        found[compound.parts["management"][0]] += 1
    return found


def open_alerts(user, listed: int) -> tuple[int, list[Alert]]:
    """The open alerts the user sees: how many (the tile and the header's count) and the newest
    `listed`, in one statement: the count rides along as a window (the scope clause built and
    planned once, not twice)."""
    rows = db.session.execute(
        select(Alert, func.count().over())
        .where(unread(user))
        .order_by(Alert.opened_at.desc(), Alert.id.desc())
        .limit(listed)
    ).all()
    return (rows[0][1] if rows else 0), [alert for alert, _count in rows]


def streets(user, at: datetime, health: dict) -> list[dict]:
    """Per street the viewer sees: compounds, households, last closed month's rates, open and
    overdue tickets. The households and rates are added up from the compounds' `health` (the
    home has just computed it for the same compounds: counting the city's households and
    grouping its month of bills a second time was a third of the regulator's home), so two
    statements for the whole city. (A province's home adds them up in the database instead:
    dashboards.province.)"""
    seen = scope_clause(Compound, user)
    rows: dict[int, dict] = {}
    for cid, sid, name in db.session.execute(
        select(Compound.id, Street.id, Street.name)
        .join(Street, Street.id == Compound.street_id)
        .where(seen)
        .order_by(Street.name, Street.id)
    ):
        row = rows.setdefault(sid, street_row(sid, name))
        row["compounds"] += 1
        if cid in health:
            row["households"] += health[cid].households
            if health[cid].rate is not None:
                row["rate"].add(health[cid].rate)
    for sid, n_open, n_overdue in db.session.execute(
        select(
            Compound.street_id,
            func.count(case((Ticket.status.in_(OPEN), 1))),
            func.count(case((sla.overdue_clause(at), 1))),
        )
        .join(Ticket, Ticket.compound_id == Compound.id)
        .where(seen, scope_clause(Ticket, user))
        .group_by(Compound.street_id)
    ):
        rows[sid]["open"], rows[sid]["overdue"] = int(n_open), int(n_overdue)
    return list(rows.values())


def street_row(street_id: int, name: str) -> dict:
    """A street's row of the homes' table, before anything is counted."""
    return {
        "street_id": street_id,
        "name": name,
        "compounds": 0,
        "households": 0,
        "open": 0,
        "overdue": 0,
        "rate": rates.Rate(),
    }


def cities(street_rows: list[dict]) -> list[dict]:
    """Per city, its streets' rows (above) added up, with each city's committee coverage to add by
    the caller: the province regulator's home (issue 30). Empty when the viewer sees one city."""
    ids = [row["street_id"] for row in street_rows]
    city_of = {
        sid: (cid, name)
        for sid, cid, name in db.session.execute(
            select(Street.id, City.id, City.name)
            .join(District, District.id == Street.district_id)
            .join(City, City.id == District.city_id)
            .where(Street.id.in_(ids))
        )
    }
    rows: dict[int, dict] = {}
    for street in street_rows:
        city_id, name = city_of[street["street_id"]]
        row = rows.setdefault(
            city_id,
            {
                "city_id": city_id,
                "name": name,
                "streets": [],
                "compounds": 0,
                "households": 0,
                "open": 0,
                "overdue": 0,
                "rate": rates.Rate(),
            },
        )
        row["streets"].append(street["street_id"])
        for key in ("compounds", "households", "open", "overdue"):
            row[key] += street[key]
        row["rate"].add(street["rate"])
    return sorted(rows.values(), key=lambda row: row["name"]) if len(rows) > 1 else []


def _month(column):
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)
