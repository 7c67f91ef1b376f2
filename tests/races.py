"""Requests that really run at once, for the check-then-insert tests of issue 23.

Each request runs in its own thread with its own test client (so its own app context and
database session); a barrier lets them all go together, which on PostgreSQL puts them inside
the database side by side, where a read-then-write without a lock lets two of them through.
The test must be marked `commits` (the rows have to be committed for other sessions to see)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from pm_app.auth.services import issue_token
from pm_app.extensions import db


def tokens(*users) -> list[str]:
    """Bearer tokens for the users, committed with everything built so far."""
    issued = [issue_token(user) for user in users]
    db.session.commit()
    return issued


def race(app, calls: list[tuple[str, str, str, dict]]) -> list[tuple[int, dict | None]]:
    """(method, url, token, keyword arguments of the client call) each sent at the same moment;
    (status, JSON body) for each, in order."""
    barrier = threading.Barrier(len(calls))

    def send(call):
        method, url, token, kwargs = call
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        with app.test_client() as client:
            barrier.wait()
            response = getattr(client, method)(url, headers=headers, **kwargs)
            return response.status_code, response.get_json(silent=True)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        results = list(pool.map(send, calls))
    db.session.expire_all()
    return results
