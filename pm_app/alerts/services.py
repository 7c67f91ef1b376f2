"""Opening, acknowledging and resolving alerts; who receives them and through which channels."""
from __future__ import annotations

from sqlalchemy import func, select

from pm_app.alerts.models import Alert, AlertRecipient, Delivery, NotificationEndpoint
from pm_app.alerts.rules import Finding
from pm_app.auth.models import Role
from pm_app.auth.scope import scope_clause
from pm_app.common.clock import now
from pm_app.errors import Conflict
from pm_app.extensions import db


def open_alert(rule: str, key: str, finding: Finding) -> Alert:
    """The alert, its recipients and their deliveries, in the caller's transaction (the outbox)."""
    alert = Alert(rule=rule, dedup_key=key, subject_type=finding.subject_type, subject_id=finding.subject_id,
                  compound_id=finding.compound_id, firm_id=finding.firm_id, stage=finding.stage,
                  severity=finding.severity, title=finding.title, due_on=finding.due_on, state="open")
    db.session.add(alert)
    db.session.flush()
    endpoints = _endpoints(finding.audiences)
    for audience, org_id in dict.fromkeys(finding.audiences):
        recipient = AlertRecipient(alert_id=alert.id, audience=audience, org_id=org_id)
        db.session.add(recipient)
        db.session.flush()
        # The inbox is the alert list itself: delivered the moment the alert exists.
        db.session.add(Delivery(alert_id=alert.id, recipient_id=recipient.id, channel="inbox",
                                state="sent", sent_at=now()))
        for endpoint in endpoints.get((audience, org_id), []):
            db.session.add(Delivery(alert_id=alert.id, recipient_id=recipient.id, endpoint_id=endpoint.id,
                                    channel=endpoint.channel, state="pending", next_attempt_at=now()))
    db.session.flush()
    db.session.info["outbox_dirty"] = True
    return alert


def _endpoints(audiences) -> dict[tuple[str, int], list[NotificationEndpoint]]:
    if not audiences:
        return {}
    rows = db.session.scalars(select(NotificationEndpoint).where(
        NotificationEndpoint.active.is_(True),
        NotificationEndpoint.audience.in_({a for a, _ in audiences})))
    found: dict[tuple[str, int], list[NotificationEndpoint]] = {}
    for endpoint in rows:
        found.setdefault((endpoint.audience, endpoint.org_id), []).append(endpoint)
    return found


def reopen(alert: Alert) -> None:
    # The condition came back: the same alert opens again; its deliveries were already sent once.
    alert.state, alert.resolved_at, alert.resolution = "open", None, None
    alert.acknowledged_at = alert.acknowledged_by_id = None


def resolve(alert: Alert, resolution: str) -> None:
    alert.state, alert.resolved_at, alert.resolution = "resolved", now(), resolution


def acknowledge(alert: Alert, user) -> Alert:
    if alert.state == "resolved":
        raise Conflict("the alert is already resolved", {"state": ["resolved alerts cannot be acknowledged"]})
    if alert.state == "open":
        alert.state, alert.acknowledged_at, alert.acknowledged_by_id = "acknowledged", now(), user.id
    db.session.flush()
    return alert


def resolve_by_hand(alert: Alert) -> Alert:
    if alert.state != "resolved":
        resolve(alert, "manual")
    db.session.flush()
    return alert


def unread_count(user) -> int:
    """Open (not yet acknowledged) alerts in the user's scope: the number in the page header."""
    query = select(func.count()).select_from(Alert).where(Alert.state == "open", scope_clause(Alert, user))
    return db.session.scalar(query) or 0


def recipient_clause(user):
    """Which recipient rows stand for this user's organisation."""
    audience = AlertRecipient.audience
    if user.role == Role.regulator:
        return audience.in_(("regulator", "street"))
    if user.role == Role.street_officer:
        return (audience == "street") & AlertRecipient.org_id.in_(user.street_ids)
    if user.role == Role.firm_staff:
        return (audience == "firm") & (AlertRecipient.org_id == user.firm_id)
    if user.role == Role.contractor_staff:
        return (audience == "contractor") & (AlertRecipient.org_id == user.firm_id)
    if user.role == Role.committee_member:
        return (audience == "committee") & (AlertRecipient.org_id == user.compound_id)
    return None


def save_endpoint(data: dict) -> NotificationEndpoint:
    """One endpoint per organisation and channel; saving again replaces its target."""
    if data["channel"] == "webhook" and not data["target"].startswith(("http://", "https://")):
        from pm_app.errors import DomainError

        raise DomainError("target: not a URL", {"target": ["a webhook needs an http(s) URL"]})
    endpoint = db.session.scalar(select(NotificationEndpoint).where(
        NotificationEndpoint.audience == data["audience"], NotificationEndpoint.org_id == data["org_id"],
        NotificationEndpoint.channel == data["channel"]))
    if endpoint is None:
        endpoint = NotificationEndpoint(audience=data["audience"], org_id=data["org_id"], channel=data["channel"])
        db.session.add(endpoint)
    endpoint.target, endpoint.format, endpoint.active = data["target"], data["format"], data["active"]
    db.session.flush()
    return endpoint
