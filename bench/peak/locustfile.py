"""The peak hour's people, for locust (bench/peak_hour.py runs it; headless, one step of load at
a time). Each role's user plays that role's daily journeys (roles.py) with 5–15 s of thought
between clicks, so one user sends about one request per 10 s, as a person at a desk does.

Every request and every acknowledged write is kept and written at the end to PEAK_RECORD (JSON),
which bench/peak_hour.py reads: the latencies per step of load, and the writes it then looks for
in the database. PEAK_PLAN names the file of accounts and work (plan.py).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from locust import events

sys.path.insert(0, str(Path(__file__).resolve().parent))

from roles import EXAMPLES, WRITES, Committee, FirmStaff, Regulator, Resident, StreetOffice  # noqa: E402,F401

REQUESTS: list[tuple[float, str, float, int]] = []  # (start, name, milliseconds, ok)


@events.request.add_listener
def _keep(name, response_time, exception, start_time=None, **_kwargs):
    REQUESTS.append((round(start_time or time.time(), 3), name, round(response_time, 1), int(exception is None)))


@events.quitting.add_listener
def _write(**_kwargs):
    Path(os.environ["PEAK_RECORD"]).write_text(
        json.dumps({"requests": REQUESTS, "writes": WRITES, "examples": EXAMPLES})
    )
