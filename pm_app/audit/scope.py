"""Who reads the trail. The admin reads all of it. The regulator reads the trail of the city's
business (money, books, committees, rankings) but not the accounts' records nor the refused
requests and sign-ins: those are about people's accounts and the system's security, the admin's
concern. A city's regulator (issue 30) reads nothing: the trail's rows name no city, and the
province's business is the province regulator's. Every other role reads nothing, and the pages
answer it 404."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from pm_app.audit.models import LOGIN, REQUEST, AuditEvent
from pm_app.auth.models import Role
from pm_app.auth.scope import scope_rule

READERS = (Role.admin, Role.regulator)
ADMIN_ONLY_KINDS = ("user", REQUEST, LOGIN)


@scope_rule(AuditEvent)
def _audit_event(user) -> ColumnElement[bool]:
    if user.role == Role.admin:
        return true()
    if user.role == Role.regulator and not user.city_regulator:
        return AuditEvent.kind.not_in(ADMIN_ONLY_KINDS)
    return false()
