"""Complaint statistics (issue 25): how many tickets were reported in a period, by category, by
responsible party, by source and by street, each with its share of the total as a four-place
ratio (seed 003: "投诉件约116件，其中施工管理、质量安全等方面投诉件约45件，占总数39%").
One GROUP BY per breakdown, each over the caller's tickets (tickets.scope) and the filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from pm_app.auth.scope import scope_clause
from pm_app.extensions import db
from pm_app.org.models import Compound, Street
from pm_app.tickets import queries
from pm_app.tickets.labels import CATEGORIES
from pm_app.tickets.models import ResponsibleParty, Ticket, TicketSource

# Seed 003's question is "其中施工管理、质量安全等方面投诉件约45件，占总数39%": the complaints about
# how the renovation was built and whether it was built well. They are the construction-phase
# category itself (施工扰民及施工损坏) and the categories whose defects are the renovated works'
# own quality: roads and paving, walls and facades, roofs, and leaks through them. Safety in use
# (fire, gas, elevators, wiring) is the managing firm's or a utility's, not the works'. The one
# place this is decided: the page's sentence, the export's row and the docs read it from here.
CONSTRUCTION_QUALITY = ("construction", "roads", "walls", "roof", "water_leak")


def share(count: int, total: int) -> str:
    """count ÷ total with four places, half up, as committees.coverage writes it ("0.3879")."""
    if not total:
        return "0.0000"
    return str((Decimal(count) / Decimal(total)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


@dataclass
class Breakdown:
    counts: dict[str, int]

    def shares(self, total: int) -> dict[str, dict]:
        return {key: {"count": n, "share": share(n, total)} for key, n in self.counts.items()}


def _grouped(user, filters: queries.Filters, at: datetime, column) -> dict:
    query = (
        select(column, func.count()).where(scope_clause(Ticket, user), *queries.clauses(filters, at)).group_by(column)
    )
    return {key: int(n) for key, n in db.session.execute(query)}


def complaint_stats(user, filters: queries.Filters, at: datetime) -> dict:
    """Every known category, party and source is listed (0 when none); streets, those with tickets."""
    by_category = _grouped(user, filters, at, Ticket.category)
    total = sum(by_category.values())
    categories = {**dict.fromkeys(CATEGORIES, 0), **by_category}  # a retired category still counts
    parties = {p.value: 0 for p in ResponsibleParty}
    parties.update({p.value: n for p, n in _grouped(user, filters, at, Ticket.responsible_party).items()})
    sources = {s.value: 0 for s in TicketSource}
    sources.update({s.value: n for s, n in _grouped(user, filters, at, Ticket.source).items()})
    streets = _streets(user, filters, at)
    return {
        "tickets": total,
        "by_category": Breakdown(categories).shares(total),
        "by_responsible_party": Breakdown(parties).shares(total),
        "by_source": Breakdown(sources).shares(total),
        "by_street": {
            str(sid): {"name": name, "count": n, "share": share(n, total)} for sid, (name, n) in streets.items()
        },
    }


def construction_quality(found: dict) -> dict:
    """Seed 003's figure from a statistics result: tickets in CONSTRUCTION_QUALITY and their share."""
    count = sum(found["by_category"].get(code, {}).get("count", 0) for code in CONSTRUCTION_QUALITY)
    return {"count": count, "share": share(count, found["tickets"])}


def _streets(user, filters: queries.Filters, at: datetime) -> dict[int, tuple[str, int]]:
    query = (
        select(Street.id, Street.name, func.count())
        .select_from(Ticket)
        .join(Compound, Compound.id == Ticket.compound_id)
        .join(Street, Street.id == Compound.street_id)
        .where(scope_clause(Ticket, user), *queries.clauses(filters, at))
        .group_by(Street.id, Street.name)
        .order_by(Street.name)
    )
    return {sid: (name, int(n)) for sid, name, n in db.session.execute(query)}


def quarter_presets(day: date, count: int = 4) -> list[tuple[str, date, date]]:
    """The quarter of `day` and the ones before it, newest first: ("2026Q1", first day, last day)."""
    found, year, quarter = [], day.year, (day.month - 1) // 3 + 1
    for _ in range(count):
        first = date(year, 3 * quarter - 2, 1)
        following = date(year + quarter // 4, 3 * quarter % 12 + 1, 1)
        found.append((f"{year}Q{quarter}", first, following - timedelta(days=1)))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return found
