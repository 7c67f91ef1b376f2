"""Reading the trail: one filtered, scoped query shared by the page and the API."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select

from pm_app.audit.models import AuditEvent
from pm_app.auth.scope import visible
from pm_app.common.inputs import InputError, parse_int


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def search(user, args: dict) -> Select:
    """Newest first. `actor` is a username or a user id; `since`/`until` are whole UTC days,
    both included."""
    query = visible(AuditEvent, user)
    actor = str(args.get("actor") or "").strip()
    if actor:
        actor_id = _user_id(actor)
        query = query.where(AuditEvent.actor_id == actor_id if actor_id is not None else AuditEvent.actor_name == actor)
    for field in ("kind", "object_id", "action"):
        if args.get(field):
            query = query.where(getattr(AuditEvent, field) == str(args[field]))
    if args.get("since"):
        query = query.where(AuditEvent.at >= _utc_midnight(args["since"]))
    if args.get("until"):
        query = query.where(AuditEvent.at < _utc_midnight(args["until"] + timedelta(days=1)))
    return query.order_by(AuditEvent.id.desc())


def _user_id(actor: str) -> int | None:
    """A user id (ASCII digits within the column), or None: then `actor` is a username."""
    try:
        return parse_int(actor, "actor", 0)
    except InputError:
        return None
