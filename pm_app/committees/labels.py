"""How committee and ledger values read on pages: kinds, member roles, accounts, directions,
statuses. The API keeps the English values; templates use the `committee_label` filter."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from pm_app.committees.majorities import MATTERS
from pm_app.committees.models import Account, CommitteeKind, Direction, FundMatter, MemberRole
from pm_app.committees.statements import ACCOUNTS
from pm_app.committees.status import STATUSES

KINDS = {
    CommitteeKind.owners_committee: _l("Owners' committee"),
    CommitteeKind.management_committee: _l("Property management committee"),
    CommitteeKind.self_management: _l("Self-management committee"),
    CommitteeKind.temporary_committee: _l("Temporary owners' committee"),
    CommitteeKind.supervision_committee: _l("Renovation supervision committee"),
}
# The short names alerts use in their titles, which are written in Chinese when raised (rules.py).
SHORT_KINDS = {
    CommitteeKind.owners_committee: "业委会",
    CommitteeKind.management_committee: "物管会",
    CommitteeKind.self_management: "自管会",
    CommitteeKind.temporary_committee: "临时业委会",
    CommitteeKind.supervision_committee: "改造工作监督委员会",
}
ROLES = {MemberRole.chair: _l("Chair"), MemberRole.vice_chair: _l("Vice chair"), MemberRole.member: _l("Member")}
DIRECTIONS = {Direction.in_: _l("In"), Direction.out: _l("Out")}

_BY_ENUM = {CommitteeKind: KINDS, MemberRole: ROLES, Account: ACCOUNTS, Direction: DIRECTIONS, FundMatter: MATTERS}


def committee_label(value) -> str:
    """An enum's label, a status key's label ("re_election_due"), or "—" for none."""
    if value is None:
        return "—"
    if isinstance(value, enum.Enum):
        return str(_BY_ENUM.get(type(value), {}).get(value, value.value))
    if value in STATUSES:
        return str(STATUSES[value])
    kind = next((text for member, text in KINDS.items() if member.value == value), None)
    return str(kind) if kind else str(value)
