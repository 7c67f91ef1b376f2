"""How ticket values read on pages and exports (漏水, 处理中, 12345热线); the API keeps the English
values. Templates use the `ticket_label` filter; categories are plain strings, the rest enums."""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from pm_app.tickets.models import Priority, ResponsibleParty, TicketSource, TicketStatus

CATEGORIES = {
    "water_leak": _l("Water leak"),
    "drainage": _l("Drainage and sewers"),
    "roads": _l("Roads and paving"),
    "walls": _l("Walls and facades"),
    "roof": _l("Roof and waterproofing"),
    "lighting": _l("Lighting"),
    "elevator": _l("Lift"),
    "fire_safety": _l("Fire safety"),
    "greenery": _l("Greenery"),
    "sanitation": _l("Rubbish and cleaning"),
    "security": _l("Gates and security"),
    "accessibility": _l("Accessibility facilities"),
    "other": _l("Other"),
}

STATUSES = {
    TicketStatus.new: _l("New"),
    TicketStatus.assigned: _l("Assigned"),
    TicketStatus.in_progress: _l("In progress"),
    TicketStatus.resolved: _l("Resolved"),
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
    TicketSource.public_link: _l("Public report page"),
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
    ResponsibleParty.utility: _l("Utility company"),
}

_BY_ENUM: dict[type, dict] = {TicketStatus: STATUSES, Priority: PRIORITIES, TicketSource: SOURCES,
                              ResponsibleParty: PARTIES}


def ticket_label(value) -> str:
    """The display name of a ticket enum member, a category, or a status value ("in_progress")."""
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(_BY_ENUM.get(type(value), {}).get(value, value.value))
    if value in CATEGORIES:
        return str(CATEGORIES[value])
    status = next((s for s in TicketStatus if s.value == value), None)
    return str(STATUSES[status]) if status else str(value)
