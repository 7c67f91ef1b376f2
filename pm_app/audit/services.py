"""Reading the trail: one filtered, scoped query shared by the page and the API."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import Select

from pm_app.audit.models import AuditEvent
from pm_app.auth.scope import visible


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=timezone.utc)


def search(user, args: dict) -> Select:
    """Newest first. `actor` is a username or a user id; `since`/`until` are whole UTC days,
    both included."""
    query = visible(AuditEvent, user)
    actor = str(args.get("actor") or "").strip()
    if actor:
        query = query.where(AuditEvent.actor_id == int(actor) if actor.isdigit() else AuditEvent.actor_name == actor)
    for field in ("kind", "object_id", "action"):
        if args.get(field):
            query = query.where(getattr(AuditEvent, field) == str(args[field]))
    if args.get("since"):
        query = query.where(AuditEvent.at >= _utc_midnight(args["since"]))
    if args.get("until"):
        query = query.where(AuditEvent.at < _utc_midnight(args["until"] + timedelta(days=1)))
    return query.order_by(AuditEvent.id.desc())
