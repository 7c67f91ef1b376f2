"""Display names of the enum values pages and exports show, in one place.

The database and the API keep the English values (`street_entrusted`); people read the label
(街道社区托管 in Chinese). Templates use the `label` filter: `{{ compound.management_mode|label }}`.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from pm_app.auth.models import Role
from pm_app.org.models import FirmKind, ManagementMode, RenovationType

MANAGEMENT_MODES = {
    ManagementMode.professional: _l("Professional property service"),
    ManagementMode.street_entrusted: _l("Entrusted to the street or community"),
    ManagementMode.quasi: _l("Quasi property service"),
    ManagementMode.self_managed: _l("Self-managed"),
    ManagementMode.none: _l("No property service"),
}

RENOVATION_TYPES = {
    RenovationType.basic: _l("Basic renovation"),
    RenovationType.improvement: _l("Improvement renovation"),
    RenovationType.upgrade: _l("Upgrade renovation"),
}

FIRM_KINDS = {
    FirmKind.property: _l("Property-service firm"),
    FirmKind.contractor: _l("Construction contractor"),
    FirmKind.supervisor: _l("Construction supervisor"),
}

ROLES = {
    Role.admin: _l("Administrator"),
    Role.regulator: _l("City regulator"),
    Role.street_officer: _l("Street officer"),
    Role.firm_staff: _l("Property firm staff"),
    Role.contractor_staff: _l("Contractor staff"),
    Role.committee_member: _l("Owners' committee member"),
}

_BY_ENUM: dict[type, dict] = {
    ManagementMode: MANAGEMENT_MODES,
    RenovationType: RENOVATION_TYPES,
    FirmKind: FIRM_KINDS,
    Role: ROLES,
}


def label(value: enum.Enum | None) -> str:
    """The display name of an enum member; empty for None, the raw value for an unknown enum."""
    if value is None:
        return ""
    labels = _BY_ENUM.get(type(value), {})
    return str(labels[value]) if value in labels else str(getattr(value, "value", value))


def choices(labels: dict) -> list[tuple[str, str]]:
    """(value, label) pairs for a select, in the enum's own order."""
    return [(member.value, text) for member, text in labels.items()]
