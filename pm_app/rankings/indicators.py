"""The five indicators of every property firm in a period, measured in SQL aggregates.

What a firm is measured on is the compounds it served: those of its service contracts that
overlap the period, weighted by their households. Each measure is one GROUP BY (by firm, or by
firm and compound), whatever the number of firms, bills or tickets:

- fee collection: received ÷ receivable of the bills the firm issued for the period's months
  (`fees.rates.rates_by_firm`, payments recorded up to the moment of computing);
- on time: tickets assigned to the firm as property firm and resolved in the period, the share
  resolved by their resolve-by deadline;
- satisfaction: mean rating (1–5) of the firm's tickets closed in the period with a rating given
  by the reporter (with their confirmation key): a rating entered by staff is not the residents';
- complaints: 12345 hotline tickets reported in the period at the firm's compounds whose
  responsible party is the firm, per 100 households (a compound that changed hands in the period
  counts for both firms); those routed elsewhere are counted beside them as left out;
- inspection: mean joint-inspection score of each compound over the days the firm held it,
  averaged over the compounds weighted by households (compounds not inspected drop out).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, case, func, select

from pm_app.common.clock import CITY_TZ
from pm_app.extensions import db
from pm_app.fees.services import any_fee_bills, end_of_day, period_of, rates_by_firm, ratio
from pm_app.org.models import Firm, FirmKind, Household, ServiceContract
from pm_app.tickets.models import BY_REPORTER, ResponsibleParty, Ticket, TicketSource
from pm_app.warranties.models import Inspection

# The parties a hotline complaint can be routed to other than the property firm: not charged to it.
LEFT_OUT = tuple(party for party in ResponsibleParty if party != ResponsibleParty.property_firm)


@dataclass
class Measured:
    firm_id: int
    firm_name: str
    compounds: dict[int, int] = field(default_factory=dict)  # compound id → households
    receivable: int = 0
    received: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    ratings: int = 0
    rating_sum: int = 0
    complaints: int = 0
    # The hotline complaints at its compounds charged to another party: party → count (issue 25).
    complaints_left_out: dict[str, int] = field(default_factory=dict)
    inspections: int = 0
    inspection_weighted: Decimal | None = None  # Σ households × compound mean, over inspected compounds
    inspected_households: int = 0

    @property
    def households(self) -> int:
        return sum(self.compounds.values())

    def values(self) -> dict[str, Decimal | None]:
        """Each indicator's value, None where the firm has nothing to measure it on."""
        return {
            "fee_collection": ratio(self.received, self.receivable),
            "on_time": ratio(self.resolved_on_time, self.resolved),
            "satisfaction": _places(Decimal(self.rating_sum) / self.ratings) if self.ratings else None,
            "complaints": _places(Decimal(self.complaints) * 100 / self.households) if self.households else None,
            "inspection": (
                _places(self.inspection_weighted / self.inspected_households) if self.inspected_households else None
            ),
        }

    def counts(self) -> dict[str, dict]:
        """The figures behind each value, shown beside it so a reader can redo the division."""
        return {
            "fee_collection": {"receivable_fen": self.receivable, "received_fen": self.received},
            "on_time": {"resolved": self.resolved, "on_time": self.resolved_on_time},
            "satisfaction": {"ratings": self.ratings, "rating_sum": self.rating_sum},
            "complaints": {
                "complaints": self.complaints,
                "households": self.households,
                "left_out": {
                    party.value: self.complaints_left_out.get(party.value, 0)
                    for party in ResponsibleParty
                    if party in LEFT_OUT
                },
            },
            "inspection": {"inspections": self.inspections, "inspected_households": self.inspected_households},
        }


def _places(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def measure(starts_on: date, ends_on: date) -> dict[int, Measured]:
    """firm id → what it is measured on in [starts_on, ends_on]: every property firm with a
    contract overlapping the period."""
    start, end = datetime.combine(starts_on, time(0), tzinfo=CITY_TZ), end_of_day(ends_on)
    served = _served(starts_on, ends_on)
    firms = {
        firm_id: Measured(firm_id, name)
        for firm_id, name in db.session.execute(select(Firm.id, Firm.name).where(Firm.id.in_(select(served.c.firm_id))))
    }
    for firm_id, compound_id, households in db.session.execute(
        select(served.c.firm_id, served.c.compound_id, func.count(Household.id))
        .join(Household, Household.compound_id == served.c.compound_id, isouter=True)
        .group_by(served.c.firm_id, served.c.compound_id)
    ):
        firms[firm_id].compounds[compound_id] = households
    _fees(firms, starts_on, ends_on)
    _tickets(firms, start, end)
    _complaints(firms, served, start, end)
    _inspections(firms, starts_on, ends_on)
    return firms


def _served(starts_on: date, ends_on: date):
    return (
        select(ServiceContract.firm_id, ServiceContract.compound_id)
        .distinct()
        .join(Firm, Firm.id == ServiceContract.firm_id)
        .where(
            Firm.kind == FirmKind.property, ServiceContract.start_date <= ends_on, ServiceContract.end_date >= starts_on
        )
        .subquery()
    )


def _fees(firms: dict[int, Measured], starts_on: date, ends_on: date) -> None:
    for firm_id, rate in rates_by_firm(any_fee_bills, period_of(starts_on), period_of(ends_on)).items():
        if firm_id in firms:
            firms[firm_id].receivable, firms[firm_id].received = rate.receivable, rate.received


def _tickets(firms: dict[int, Measured], start: datetime, end: datetime) -> None:
    mine = and_(Ticket.assignee_firm_id.in_(list(firms)), Ticket.responsible_party == ResponsibleParty.property_firm)
    resolved = and_(Ticket.resolved_at >= start, Ticket.resolved_at < end)
    closed = and_(
        Ticket.closed_at >= start,
        Ticket.closed_at < end,
        Ticket.satisfaction.is_not(None),
        Ticket.satisfaction_by == BY_REPORTER,
    )
    rows = db.session.execute(
        select(
            Ticket.assignee_firm_id,
            func.count(case((resolved, 1))),
            func.count(case((and_(resolved, Ticket.resolved_at <= Ticket.resolve_by), 1))),
            func.count(case((closed, 1))),
            func.coalesce(func.sum(case((closed, Ticket.satisfaction))), 0),
        )
        .where(mine, (resolved | closed))
        .group_by(Ticket.assignee_firm_id)
    )
    for firm_id, n_resolved, on_time, ratings, rating_sum in rows:
        firm = firms[firm_id]
        firm.resolved, firm.resolved_on_time, firm.ratings, firm.rating_sum = (
            n_resolved,
            on_time,
            ratings,
            int(rating_sum),
        )


def _complaints(firms: dict[int, Measured], served, start: datetime, end: datetime) -> None:
    # A firm answers for its own complaints only: one routed to the contractor under warranty or to
    # a utility is not the firm's (issue 25), but it is counted beside them as left out, so the
    # firm and the regulator see what was not charged and why. A complaint counts in the quarter
    # the citizen called (reported_at), not the day it was typed in, so a late-entered 12345 order
    # keeps its quarter. One GROUP BY (firm, party) for every firm.
    rows = db.session.execute(
        select(served.c.firm_id, Ticket.responsible_party, func.count(Ticket.id))
        .join(Ticket, Ticket.compound_id == served.c.compound_id)
        .where(Ticket.source == TicketSource.hotline_12345, Ticket.reported_at >= start, Ticket.reported_at < end)
        .group_by(served.c.firm_id, Ticket.responsible_party)
    )
    for firm_id, party, complaints in rows:
        if party == ResponsibleParty.property_firm:
            firms[firm_id].complaints = complaints
        else:
            firms[firm_id].complaints_left_out[party.value] = complaints


def _inspections(firms: dict[int, Measured], starts_on: date, ends_on: date) -> None:
    # Only the days the firm held the compound: a predecessor's last inspection is not its own.
    rows = db.session.execute(
        select(ServiceContract.firm_id, Inspection.compound_id, func.count(Inspection.id), func.sum(Inspection.score))
        .join(Inspection, Inspection.compound_id == ServiceContract.compound_id)
        .where(
            ServiceContract.firm_id.in_(list(firms)),
            Inspection.inspected_on >= starts_on,
            Inspection.inspected_on <= ends_on,
            Inspection.inspected_on >= ServiceContract.start_date,
            Inspection.inspected_on <= ServiceContract.end_date,
        )
        .group_by(ServiceContract.firm_id, Inspection.compound_id)
    )
    for firm_id, compound_id, count, total in rows:
        firm = firms[firm_id]
        households = firm.compounds.get(compound_id, 0)
        firm.inspections += count
        firm.inspected_households += households
        firm.inspection_weighted = (firm.inspection_weighted or Decimal(0)) + Decimal(households) * Decimal(
            total
        ) / count
