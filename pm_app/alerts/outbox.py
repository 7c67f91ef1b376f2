"""The outbox relay. Deliveries are rows written with their alert; after commit the relay
queues one job per due delivery. Sending is at most once: a delivery is claimed (pending →
sending) and the claim committed before anything leaves; a worker that dies mid-send leaves it
`sending`, which the relay later marks failed instead of risking a second message."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from pm_app.alerts import channels
from pm_app.alerts.models import Delivery
from pm_app.common.clock import now
from pm_app.extensions import db

MAX_ATTEMPTS = 5
BACKOFF_SECONDS = (30, 120, 600, 1800)
STUCK_AFTER = timedelta(minutes=15)
BATCH = 500
# One relay run hands out at most this many: a backlog left by a Redis outage drains in one run
# (not 500 a minute), while a huge one cannot flood the queue with jobs the next run repeats.
RELAY_MAX = 10 * BATCH
# The relay job in the worker package, by the path RQ stores (pm_app/common/queues.py).
RELAY_JOB = "jobs.alerts.relay_outbox"


def kick_if_dirty() -> None:
    """After a commit that opened alerts, hand their deliveries to the relay."""
    if db.session.info.pop("outbox_dirty", False):
        from pm_app.common.queues import enqueue

        enqueue(RELAY_JOB)


def due_deliveries(at: datetime | None = None, limit: int = BATCH, after_id: int = 0) -> list[int]:
    """Ids of pending deliveries whose time has come, in id order from `after_id` (a page)."""
    at = at or now()
    _fail_stuck(at)
    return list(
        db.session.scalars(
            select(Delivery.id)
            .where(Delivery.state == "pending", Delivery.next_attempt_at <= at, Delivery.id > after_id)
            .order_by(Delivery.id)
            .limit(limit)
        )
    )


def _fail_stuck(at: datetime) -> None:
    db.session.execute(
        update(Delivery)
        .where(Delivery.state == "sending", Delivery.claimed_at < at - STUCK_AFTER)
        .values(state="failed", last_error="worker stopped while sending; not retried so that nobody receives it twice")
    )


def claim(delivery_id: int, at: datetime | None = None) -> bool:
    """pending → sending, for exactly one caller however many relays race for it."""
    at = at or now()
    result = db.session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.state == "pending", Delivery.next_attempt_at <= at)
        .values(state="sending", claimed_at=at, attempts=Delivery.attempts + 1)
    )
    return result.rowcount == 1


def send_claimed(delivery_id: int, at: datetime | None = None) -> str:
    at = at or now()
    delivery = db.session.get(Delivery, delivery_id)
    try:
        channels.send(delivery)
    except channels.DeliveryError as exc:
        delivery.last_error = str(exc)[:2000]
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.state = "failed"
        else:
            delivery.state = "pending"
            delivery.next_attempt_at = at + timedelta(
                seconds=BACKOFF_SECONDS[min(delivery.attempts, len(BACKOFF_SECONDS)) - 1]
            )
    else:
        delivery.state, delivery.sent_at, delivery.last_error = "sent", at, None
    db.session.flush()
    return delivery.state
