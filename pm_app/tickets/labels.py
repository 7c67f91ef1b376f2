"""How ticket values read on pages and in exports: statuses, priorities, sources, parties and
categories, and the time left before a deadline. The API keeps the English values; people read
处理中 and 还剩 3 小时. Templates use the `ticket_label` filter."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from flask_babel import get_locale, lazy_pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pm_app.tickets import sla
from pm_app.tickets.models import Priority, ResponsibleParty, Ticket, TicketSource, TicketStatus
from pm_app.tickets.workflow import OPEN

STATUSES = {
    TicketStatus.new: _l("New"),
    TicketStatus.assigned: _l("Assigned"),
    TicketStatus.in_progress: _l("In progress"),
    # An alert is "resolved" when its condition clears (已解除); a ticket when the repair is done.
    TicketStatus.resolved: lazy_pgettext("ticket", "Resolved"),
    TicketStatus.closed: _l("Closed"),
    TicketStatus.reopened: _l("Reopened"),
    TicketStatus.rejected: _l("Rejected"),
}

PRIORITIES = {
    Priority.emergency: _l("Emergency"),
    Priority.high: _l("High"),
    Priority.normal: _l("Normal"),
    Priority.low: _l("Low"),
}

SOURCES = {
    TicketSource.public_link: _l("Public page"),
    TicketSource.phone: _l("Phone"),
    TicketSource.hotline_12345: _l("12345 hotline"),
    TicketSource.inspection: _l("Inspection"),
    TicketSource.committee: _l("Owners' committee"),
    TicketSource.street: _l("Street office"),
    TicketSource.firm: _l("Property firm"),
}

PARTIES = {
    ResponsibleParty.property_firm: _l("Property firm"),
    ResponsibleParty.contractor_warranty: _l("Contractor (warranty)"),
    ResponsibleParty.maintenance_fund: _l("Maintenance fund"),
    ResponsibleParty.utility: _l("Utility"),
}

# The ticket categories, in the order forms offer them: the one list (schemas.CATEGORIES is its
# keys). A city extends it with a code and its label (the column is text: no migration), before
# "other". The complaint categories after accessibility are the 12345 hotline's (issue 25).
CATEGORIES = {
    "water_leak": _l("Water leak"),
    "drainage": _l("Drainage"),
    "roads": _l("Roads and paving"),
    "walls": _l("Walls and facades"),
    "roof": _l("Roof"),
    "lighting": _l("Lighting"),
    "elevator": _l("Elevator"),
    "fire_safety": _l("Fire safety"),
    "greenery": _l("Greenery"),
    "sanitation": _l("Sanitation"),
    "security": _l("Security"),
    "accessibility": _l("Accessibility"),
    "electrical": _l("Electrical wiring"),
    "gas": _l("Gas"),
    "heating": _l("Heating"),
    "construction": _l("Construction nuisance and damage"),
    "illegal_occupation": _l("Illegal building, occupied common space"),
    "parking": _l("Parking"),
    "other": _l("Other"),
}

_BY_ENUM = {TicketStatus: STATUSES, Priority: PRIORITIES, TicketSource: SOURCES, ResponsibleParty: PARTIES}


def ticket_label(value) -> str:
    """The display name of a ticket enum member, a status value stored as text (events), or a category."""
    if value is None:
        return ""
    return _label(str(get_locale()), value)


@lru_cache(maxsize=1024)
def _label(_locale: str, value) -> str:
    # Per language and value, once per process: a home or an export of thousands of tickets asks
    # for the same few dozen labels, and each Babel lookup walks the request's context.
    if isinstance(value, enum.Enum):
        return str(_BY_ENUM.get(type(value), {}).get(value, value.value))
    if value in CATEGORIES:
        return str(CATEGORIES[value])
    try:
        return str(STATUSES[TicketStatus(value)])
    except ValueError:
        return str(value)


def time_left(delta: timedelta) -> str:
    """ "2 d 3 h left" before a deadline, "overdue by 5 h" after it; minutes only under an hour."""
    late = delta < timedelta(0)
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        span = _("%(days)d d %(hours)d h", days=days, hours=hours)
    elif hours:
        span = _("%(hours)d h", hours=hours)
    else:
        span = _("%(minutes)d min", minutes=minutes)
    return _("overdue by %(span)s", span=span) if late else _("%(span)s left", span=span)


def choices(labels: dict) -> list[tuple[str, str]]:
    # The labels stay lazy: forms declare their choices at import, outside any request, and a
    # str() there froze them in English on every page (the re-route and report selects did).
    return [(getattr(key, "value", key), text) for key, text in labels.items()]


@dataclass
class Deadlines:
    """How a ticket stands against its deadlines at one moment, as lists and the ticket page show it."""

    respond_late: bool
    resolve_late: bool
    racing: datetime | None  # the deadline it races now; None once resolved, closed or rejected
    left: str  # "3 h left", "overdue by 2 d 1 h", or "" when not racing

    @property
    def late(self) -> bool:
        return self.respond_late or self.resolve_late


def deadlines_of(ticket: Ticket, at: datetime) -> Deadlines:
    respond_late, resolve_late = sla.respond_overdue(ticket, at), sla.resolve_overdue(ticket, at)
    if ticket.status not in OPEN:
        return Deadlines(False, False, None, "")
    waiting = ticket.status in (TicketStatus.new, TicketStatus.assigned) and ticket.responded_at is None
    racing = ticket.respond_by if waiting else ticket.resolve_by
    return Deadlines(respond_late, resolve_late, racing, time_left(racing - at))


def rated_by(value: str | None) -> str:
    """Who gave a ticket's rating: the reporter (the one that counts in the rankings) or a staff role."""
    from pm_app.auth.models import Role
    from pm_app.org.labels import ROLES
    from pm_app.tickets.models import BY_REPORTER

    if not value:
        return ""
    if value == BY_REPORTER:
        return str(_l("the reporter"))
    return _("staff: %(role)s", role=ROLES.get(Role(value), value)) if value in Role._value2member_map_ else value
