"""Opening, acknowledging and resolving alerts; who receives them and through which channels."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import and_, func, insert, select

from pm_app.alerts.models import Alert, AlertRecipient, Delivery, NotificationEndpoint
from pm_app.alerts.rules import Finding
from pm_app.auth.models import Role
from pm_app.auth.scope import scope_clause
from pm_app.common.clock import now
from pm_app.errors import DomainError
from pm_app.extensions import db


def open_alert(rule: str, key: str, finding: Finding) -> Alert | None:
    """One alert, its recipients and their deliveries, in the caller's transaction (the outbox);
    None if that key is already open."""
    opened = open_alerts(rule, {key: finding})
    return db.session.get(Alert, opened[0]) if opened else None


def open_alerts(rule: str, findings: dict[str, Finding]) -> list[int]:
    """Open an alert per new finding (dedup key → finding) with its recipients and their deliveries,
    in the caller's transaction (the outbox), and return the ids opened.

    Three bulk INSERTs whatever the number: a first sweep of a city opens thousands, and one round
    trip per row made that minutes. A key another sweep opened meanwhile is skipped by the unique
    dedup key (ON CONFLICT DO NOTHING), so racing sweeps never open an alert twice."""
    if not findings:
        return []
    at = now()
    alert_rows = [
        {
            "rule": rule,
            "dedup_key": key,
            "subject_type": f.subject_type,
            "subject_id": f.subject_id,
            "compound_id": f.compound_id,
            "firm_id": f.firm_id,
            "stage": f.stage,
            "severity": f.severity,
            "title": f.title,
            "due_on": f.due_on,
            "state": "open",
        }
        for key, f in findings.items()
    ]
    table = Alert.__table__
    opened = dict(
        db.session.execute(
            _insert(table)
            .on_conflict_do_nothing(index_elements=["dedup_key"])
            .returning(table.c.dedup_key, table.c.id),
            alert_rows,
        ).all()
    )
    if not opened:
        return []
    recipient_rows = [
        {"alert_id": opened[key], "audience": audience, "org_id": org_id}
        for key, finding in findings.items()
        if key in opened
        for audience, org_id in dict.fromkeys(finding.audiences)
    ]
    recipients = AlertRecipient.__table__
    endpoints = _endpoints({a for f in findings.values() for a in f.audiences})
    delivery_rows = []
    if recipient_rows:
        for recipient_id, alert_id, audience, org_id in db.session.execute(
            insert(recipients).returning(
                recipients.c.id, recipients.c.alert_id, recipients.c.audience, recipients.c.org_id
            ),
            recipient_rows,
        ):
            # The inbox is the alert list itself: delivered the moment the alert exists.
            delivery_rows.append(_delivery(alert_id, recipient_id, "inbox", None, "sent", sent_at=at))
            # A daily-digest endpoint's deliveries are held for the digest job (pm_app/alerts/digest.py).
            delivery_rows += [
                _delivery(alert_id, recipient_id, endpoint.channel, endpoint.id, "pending", next_attempt_at=at)
                if endpoint.digest == "none"
                else _delivery(alert_id, recipient_id, endpoint.channel, endpoint.id, "held")
                for endpoint in endpoints.get((audience, org_id), [])
            ]
    if delivery_rows:
        db.session.execute(insert(Delivery.__table__), delivery_rows)
    db.session.info["outbox_dirty"] = True
    return list(opened.values())


def _delivery(
    alert_id: int,
    recipient_id: int,
    channel: str,
    endpoint_id: int | None,
    state: str,
    sent_at=None,
    next_attempt_at=None,
) -> dict:
    return {
        "alert_id": alert_id,
        "recipient_id": recipient_id,
        "channel": channel,
        "endpoint_id": endpoint_id,
        "state": state,
        "attempts": 0,
        "sent_at": sent_at,
        "next_attempt_at": next_attempt_at,
    }


def _insert(table):
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(table)


def _endpoints(audiences) -> dict[tuple[str, int], list[NotificationEndpoint]]:
    if not audiences:
        return {}
    rows = db.session.scalars(
        select(NotificationEndpoint).where(
            NotificationEndpoint.active.is_(True), NotificationEndpoint.audience.in_({a for a, _ in audiences})
        )
    )
    found: dict[tuple[str, int], list[NotificationEndpoint]] = {}
    for endpoint in rows:
        found.setdefault((endpoint.audience, endpoint.org_id), []).append(endpoint)
    return found


def reopen(alert: Alert) -> None:
    # The condition came back: the same alert opens again; its deliveries were already sent once.
    from pm_app.alerts import acks

    alert.state, alert.resolved_at, alert.resolution = "open", None, None
    alert.acknowledged_at = alert.acknowledged_by_id = None
    acks.forget(alert)


def resolve(alert: Alert, resolution: str) -> None:
    alert.state, alert.resolved_at, alert.resolution = "resolved", now(), resolution


def acknowledge(alert: Alert, user) -> Alert:
    """This user has read it (per person: pm_app/alerts/acks.py)."""
    from pm_app.alerts import acks

    return acks.acknowledge(alert, user)


# Audiences that own a condition's follow-up: an alert addressed to one of them is resolved by them.
OWNERS = ("street", "regulator", "admin")


def can_resolve(user, alert: Alert) -> bool:
    """An alert shared with the street office or the regulator is theirs to close (they asked for
    the condition to be watched); one addressed only to a firm, a contractor or a committee is its
    recipients'. Callers have already checked that the user sees the alert."""
    if user.role in (Role.admin, Role.regulator, Role.street_officer):
        return True
    return not any(recipient.audience in OWNERS for recipient in alert.recipients)


def resolve_by_hand(alert: Alert, user) -> Alert:
    """Resolve it, recording who and when."""
    if not can_resolve(user, alert):
        raise DomainError(
            _("This alert is shared with the street office or the regulator: they resolve it."), status=403
        )
    if alert.state != "resolved":
        resolve(alert, "manual")
        alert.resolved_by_id = user.id
    db.session.flush()
    return alert


def unread(user):
    """Alerts in the user's scope that are not resolved and that this user has not acknowledged
    (a colleague's acknowledgement does not count): what the page header counts."""
    from pm_app.alerts import acks

    return and_(acks.state_clause("open", user), scope_clause(Alert, user))


def unread_count(user) -> int:
    return db.session.scalar(select(func.count()).select_from(Alert).where(unread(user))) or 0


def recipient_clause(user):
    """Which recipient rows stand for this user: their organisation's, and those naming them
    (audience `user`: a notice for one person, such as a ticket dispatched to them)."""
    clause = _organisation_clause(user)
    named = (AlertRecipient.audience == "user") & (AlertRecipient.org_id == user.id)
    return named if clause is None else clause | named


def _organisation_clause(user):
    audience = AlertRecipient.audience
    if user.city_regulator:  # the regulator's and street offices' alerts about its city's compounds
        from pm_app.org.models import Compound
        from pm_app.org.scope import streets_of_city

        in_city = (
            select(Alert.id)
            .join(Compound, Compound.id == Alert.compound_id)
            .where(Compound.street_id.in_(streets_of_city(user.city_id)))
        )
        return audience.in_(("regulator", "street")) & AlertRecipient.alert_id.in_(in_city)
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
    endpoint = db.session.scalar(
        select(NotificationEndpoint).where(
            NotificationEndpoint.audience == data["audience"],
            NotificationEndpoint.org_id == data["org_id"],
            NotificationEndpoint.channel == data["channel"],
        )
    )
    if endpoint is None:
        endpoint = NotificationEndpoint(audience=data["audience"], org_id=data["org_id"], channel=data["channel"])
        db.session.add(endpoint)
    endpoint.target, endpoint.format, endpoint.active = data["target"], data["format"], data["active"]
    if "digest" in data:  # a form that does not offer the choice keeps what was set
        endpoint.digest = data["digest"]
    db.session.flush()
    return endpoint
