"""Response headers every answer carries, and the session's lifetime rules (idle and absolute
timeouts, re-checking the account on each request)."""
from __future__ import annotations

import time

from flask import Flask, current_app, request, session
from flask_login import current_user, logout_user

# Plotly draws with inline style attributes; scripts come only from our own static files (chart data
# travels in <script type="application/json"> blocks, which are never executed).
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def register_security(app: Flask) -> None:
    app.before_request(_session_lifetime)
    app.after_request(_headers)


def _headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)  # a view's own stricter policy (photos) stays
    if request.is_secure and current_app.config.get("HSTS_SECONDS"):
        response.headers.setdefault("Strict-Transport-Security",
                                    f"max-age={current_app.config['HSTS_SECONDS']}; includeSubDomains")
    return response


def _session_lifetime():
    """Page sessions end after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS after
    sign-in, whatever the activity; the API's bearer tokens have their own expiry."""
    if request.path.startswith("/api/") or request.endpoint == "static" or "_user_id" not in session:
        return
    now = int(time.time())
    config = current_app.config
    started, seen = session.get("_started", now), session.get("_seen", now)
    if now - seen > config["SESSION_IDLE_MINUTES"] * 60 or now - started > config["SESSION_MAX_HOURS"] * 3600:
        logout_user()
        session.clear()
        return
    session["_started"], session["_seen"] = started, now
    # A disabled account loses its session at its next request: the user loader refuses it.
    if not current_user.is_authenticated:
        session.clear()


def start_session() -> None:
    """Called right after login_user: the clock of both timeouts starts now."""
    session["_started"] = session["_seen"] = int(time.time())


def _login_name() -> str:
    name = (request.form.get("username") or (request.get_json(silent=True) or {}).get("username") or "")
    return "login-user:" + str(name).strip().lower()[:64]


def _failed(response) -> bool:
    # Only failed attempts count: success is a redirect from the page, a token (200) from the API.
    return response.status_code != (200 if request.path.startswith("/api/") else 302)


def login_limits(view):
    """Per username and per client address, failed attempts only (LOGIN_LIMIT_USER/_ADDRESS)."""
    from pm_app.extensions import limiter

    view = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_USER"], key_func=_login_name, methods=["POST"],
                         deduct_when=_failed, scope="login-user")(view)
    return limiter.limit(lambda: current_app.config["LOGIN_LIMIT_ADDRESS"], methods=["POST"],
                         deduct_when=_failed, scope="login-address")(view)
