"""Acknowledgement is per person: each reader marks what they have seen, recorded (who, when).

Semantics (docs/alerts.md, "Acknowledging"): for a reader an alert is `open` (unread) until they
acknowledge it, then `acknowledged`; a colleague who has not acknowledged it still sees it unread.
The alert's own state stays open until the condition clears (a sweep) or an owner of the
condition resolves it (services.resolve_by_hand); a resolved alert cannot be acknowledged.
Reopening a resolved alert forgets its acknowledgements: the condition is back, everyone reads it.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import and_, delete, exists, not_, select, update

from pm_app.alerts.models import Alert, AlertAck
from pm_app.auth.models import User
from pm_app.auth.scope import visible
from pm_app.common.clock import now
from pm_app.errors import Conflict, DomainError, NotFound
from pm_app.extensions import db

MAX_IDS = 1000  # one request; a filter acknowledges more


def acked_by(user):
    return exists(select(AlertAck.id).where(AlertAck.alert_id == Alert.id, AlertAck.user_id == user.id))


def state_clause(state: str, user):
    """A reader's state as a WHERE clause: open = not resolved and not acknowledged by them."""
    if state == "resolved":
        return Alert.state == "resolved"
    if state == "acknowledged":
        return and_(Alert.state != "resolved", acked_by(user))
    return and_(Alert.state != "resolved", not_(acked_by(user)))


def reader_states(alerts, user) -> None:
    """Set `reader_state` on each alert (what the API's `state` and the page show to this user)."""
    ids = [a.id for a in alerts]
    mine = (
        set(
            db.session.scalars(select(AlertAck.alert_id).where(AlertAck.user_id == user.id, AlertAck.alert_id.in_(ids)))
        )
        if ids
        else set()
    )
    for alert in alerts:
        alert.reader_state = "resolved" if alert.state == "resolved" else "acknowledged" if alert.id in mine else "open"


def acknowledgements(alert_ids) -> dict[int, list[tuple[str, object]]]:
    """alert id → [(who, when)] in the order they acknowledged, for the rows shown (one query)."""
    found: dict[int, list] = {}
    if not alert_ids:
        return found
    rows = db.session.execute(
        select(AlertAck.alert_id, User.display_name, User.username, AlertAck.at)
        .join(User, User.id == AlertAck.user_id)
        .where(AlertAck.alert_id.in_(list(alert_ids)))
        .order_by(AlertAck.at, AlertAck.id)
    )
    for alert_id, display_name, username, at in rows:
        found.setdefault(alert_id, []).append((display_name or username, at))
    return found


def acknowledged_by(alert_id: int) -> list[tuple[int, str, object]]:
    """(user id, name, when) of each acknowledgement of one alert, first first."""
    return [
        (user_id, display_name or username, at)
        for user_id, display_name, username, at in db.session.execute(
            select(User.id, User.display_name, User.username, AlertAck.at)
            .join(User, User.id == AlertAck.user_id)
            .where(AlertAck.alert_id == alert_id)
            .order_by(AlertAck.at, AlertAck.id)
        )
    ]


def acknowledge(alert: Alert, user) -> Alert:
    if alert.state == "resolved":
        raise Conflict(_("The alert is already resolved."), {"state": [_("A resolved alert cannot be acknowledged.")]})
    _record([alert.id], user)
    db.session.flush()
    alert.reader_state = "acknowledged"
    return alert


def acknowledge_ids(ids: list[int], user) -> dict:
    """All of them or none: an id the user does not see (or that does not exist) is a 404 naming
    it, and nothing is acknowledged. Resolved ones are left as they are and counted."""
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_IDS:
        raise DomainError(_("Too many alerts in one request."), {"ids": [_("At most %(n)s ids.", n=MAX_IDS)]})
    rows = (
        dict(
            db.session.execute(
                visible(Alert, user).with_only_columns(Alert.id, Alert.state).where(Alert.id.in_(ids)).order_by(None)
            ).all()
        )
        if ids
        else {}
    )
    missing = [i for i in ids if i not in rows]
    if missing:
        error = NotFound(_("Some of these alerts do not exist or are not yours to see."))
        error.errors = {"ids": [str(i) for i in missing]}
        raise error
    return _acknowledge_rows(rows, user)


def acknowledge_matching(query, user) -> dict:
    """Every alert of a filtered, scoped query that is unread for the user (an inbox group)."""
    rows = dict(
        db.session.execute(
            query.with_only_columns(Alert.id, Alert.state).where(state_clause("open", user)).order_by(None)
        ).all()
    )
    return _acknowledge_rows(rows, user)


def _acknowledge_rows(rows: dict[int, str], user) -> dict:
    live = [alert_id for alert_id, state in rows.items() if state != "resolved"]
    added = _record(live, user)
    db.session.flush()
    return {"acknowledged": added, "already": len(live) - added, "resolved": len(rows) - len(live)}


def _record(alert_ids: list[int], user) -> int:
    """Insert the user's acknowledgements that are missing; how many were new."""
    if not alert_ids:
        return 0
    have = set(
        db.session.scalars(
            select(AlertAck.alert_id).where(AlertAck.user_id == user.id, AlertAck.alert_id.in_(alert_ids))
        )
    )
    new = [i for i in alert_ids if i not in have]
    at = now()
    if new:
        from pm_app.alerts.services import _insert

        db.session.execute(
            _insert(AlertAck.__table__).on_conflict_do_nothing(index_elements=["alert_id", "user_id"]),
            [{"alert_id": i, "user_id": user.id, "at": at} for i in new],
        )
        # The first acknowledgement stays on the alert for clients of the single-ack API.
        db.session.execute(
            update(Alert)
            .where(Alert.id.in_(new), Alert.acknowledged_at.is_(None))
            .values(acknowledged_at=at, acknowledged_by_id=user.id)
        )
    return len(new)


def forget(alert: Alert) -> None:
    """The condition came back: everyone reads it again."""
    db.session.execute(delete(AlertAck).where(AlertAck.alert_id == alert.id))
