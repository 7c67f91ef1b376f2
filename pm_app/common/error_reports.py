"""Error reports to Sentry (or a self-hosted Sentry, which a city's data centre would run), only
when SENTRY_DSN is set: without it sentry_sdk is not even imported. The package comes with the
`sentry` extra (pip install "pm_app[sentry]"; requirements.lock carries it).

What leaves the machine is the error, its stack and the request's method, path and headers, with
the request id (X-Request-ID: the same id as nginx's log, the app's log lines and the audit trail)
as a tag. What never does: request bodies and local variables (they carry residents' names,
phone numbers and addresses), cookies, Authorization and every header, form field or query
parameter whose name says password, token, secret, session or csrf.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from flask import Flask

from pm_app.common import logs

if TYPE_CHECKING:
    from sentry_sdk._types import Event, Hint

log = logging.getLogger(__name__)
FILTERED = "[Filtered]"
# Header, field and parameter names whose values are withheld, whatever else the SDK scrubs.
SECRET_NAMES = re.compile(
    r"authorization|cookie|password|passwd|secret|token|session|csrf|api[-_]?key|dsn", re.IGNORECASE
)


def init_app(app: Flask) -> bool:
    """Start reporting if SENTRY_DSN is set; True when it did."""
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return False
    try:
        import sentry_sdk
        from sentry_sdk.integrations.flask import FlaskIntegration
        from sentry_sdk.integrations.rq import RqIntegration
    except ImportError:
        log.warning(
            "SENTRY_DSN is set but sentry-sdk is not installed (pip install 'pm_app[sentry]'): errors are not reported"
        )
        return False
    # The SDK's default sends no personal data (user ids, client addresses, cookies): not changed.
    sentry_sdk.init(
        dsn=dsn,
        environment=app.config.get("SENTRY_ENVIRONMENT") or "production",
        integrations=[FlaskIntegration(), RqIntegration()],
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=0,  # errors only; latency is /metrics' job
        before_send=scrub,
        transport=app.config.get("SENTRY_TRANSPORT"),  # None: the SDK's own HTTP transport
    )
    return True


def scrub(event: Event, _hint: Hint) -> Event:
    """The last look at an event before it is sent: the request id as a tag, secrets withheld."""
    found = logs.request_id()
    if found:
        event.setdefault("tags", {})["request_id"] = found
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
        request.pop("data", None)
        for part in ("headers", "env"):
            fields = request.get(part)
            if isinstance(fields, dict):
                request[part] = {
                    name: FILTERED if SECRET_NAMES.search(name) else value for name, value in fields.items()
                }
        query = request.get("query_string")
        if isinstance(query, str):
            request["query_string"] = _scrub_query(query)
        url = request.get("url")
        if isinstance(url, str) and "?" in url:
            base, _, query = url.partition("?")
            request["url"] = f"{base}?{_scrub_query(query)}"
    return event


def _scrub_query(query: str) -> str:
    pairs = (pair.partition("=") for pair in query.split("&") if pair)
    return "&".join(
        f"{name}={FILTERED}" if SECRET_NAMES.search(name) else f"{name}{eq}{value}" for name, eq, value in pairs
    )
