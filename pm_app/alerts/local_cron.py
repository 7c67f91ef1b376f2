"""The schedule on a background thread, for the embedded default (no Redis): `pm-app demo`
runs the same SCHEDULE that `pm-app cron` gives RQ, in Asia/Shanghai time."""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from croniter import croniter

from pm_app.alerts.schedule import SCHEDULE
from pm_app.common.clock import CITY_TZ
from pm_app.common.queues import enqueue

log = logging.getLogger(__name__)


def due_entries(last: datetime, current: datetime):
    """Entries with a scheduled time in (last, current]."""
    for entry in SCHEDULE:
        if croniter(entry.cron, last).get_next(datetime) <= current:
            yield entry


def start(app, stop: threading.Event | None = None, catch_up: bool = True) -> threading.Thread:
    stop = stop or threading.Event()

    def loop():
        last = datetime.now(CITY_TZ)
        if catch_up:  # a laptop that was off: run every sweep once now, they are idempotent
            with app.app_context():
                for entry in SCHEDULE:
                    _run(entry)
        while not stop.wait(20):
            current = datetime.now(CITY_TZ)
            with app.app_context():
                for entry in due_entries(last, current):
                    _run(entry)
            last = current

    thread = threading.Thread(target=loop, name="pm-local-cron", daemon=True)
    thread.start()
    return thread


def _run(entry) -> None:
    try:
        enqueue(entry.job, **{**entry.kwargs, **({"trigger": "thread"} if "rule" in entry.kwargs else {})})
    except Exception:
        log.exception("scheduled job %s failed to start", entry.name)
