"""An alert is visible to the organisations it was addressed to (admin sees all)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, select, true

from pm_app.alerts.models import Alert, AlertRecipient, Delivery, NotificationEndpoint, SweepRun
from pm_app.alerts.services import recipient_clause
from pm_app.auth.models import Role
from pm_app.auth.scope import scope_rule


@scope_rule(Alert)
def _alert(user) -> ColumnElement[bool]:
    if user.role == Role.admin:
        return true()
    clause = recipient_clause(user)
    if clause is None:
        return false()
    return exists(select(AlertRecipient.id).where(AlertRecipient.alert_id == Alert.id, clause))


@scope_rule(Delivery)
def _delivery(user) -> ColumnElement[bool]:
    # Delivery details (endpoints, errors) are an operator's concern.
    return true() if user.role == Role.admin else false()


@scope_rule(NotificationEndpoint)
def _endpoint(user) -> ColumnElement[bool]:
    return true() if user.role == Role.admin else false()


@scope_rule(SweepRun)
def _sweep_run(user) -> ColumnElement[bool]:
    return true() if user.role in (Role.admin, Role.regulator) else false()
