"""Deliveries that were sent long ago only say "sent": removed after PM_APP_OUTBOX_KEEP_DAYS.
Failed ones are kept (job health lists them until someone looks), and so are pending ones."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from pm_app.alerts.models import Delivery
from pm_app.extensions import db


def purge_sent_deliveries(before: datetime) -> int:
    return db.session.execute(delete(Delivery).where(Delivery.state == "sent", Delivery.sent_at < before)).rowcount or 0
