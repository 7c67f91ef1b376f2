"""Response headers every answer carries, and the session's lifetime rules (idle and absolute
timeouts, re-checking the account on each request)."""

from __future__ import annotations

import time

from flask import Flask, current_app, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_limiter.util import get_remote_address
from flask_login import current_user, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix

# Plotly draws with inline style attributes; scripts come only from our own static files (chart data
# travels in <script type="application/json"> blocks, which are never executed).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def register_security(app: Flask) -> None:
    hops = app.config["TRUSTED_PROXY_COUNT"]
    if hops:
        # Behind that many proxies (nginx: 1), the client's address and scheme are what the
        # nearest proxy says (X-Forwarded-For, X-Forwarded-Proto); further left is client-made.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.session_interface = _SessionInterface()
    app.before_request(_session_lifetime)
    app.after_request(_headers)


class _SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS (behind the proxy too),
    not only when SESSION_COOKIE_SECURE says so."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(super().get_cookie_secure(app) or request.is_secure)


def _headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)  # a view's own stricter policy (photos) stays
    if not _shared_cacheable():
        # Owners' names, phones and arrears must not stay in a browser's cache or a proxy's.
        response.headers.setdefault("Cache-Control", "no-store")
    if request.is_secure and current_app.config.get("HSTS_SECONDS"):
        response.headers.setdefault(
            "Strict-Transport-Security", f"max-age={current_app.config['HSTS_SECONDS']}; includeSubDomains"
        )
    return response


# What a browser or proxy may keep: static files, and the pages and API everyone reads alike
# without signing in (a compound's report page and its QR poster, the published rankings).
CACHEABLE_BLUEPRINTS = ("static", "assets")
PUBLIC_BLUEPRINTS = ("rankings_public", "public_rankings_api")
PUBLIC_ENDPOINTS = ("tickets_public.report", "tickets_public.qr", "tickets_public.poster")


def _shared_cacheable() -> bool:
    endpoint = request.endpoint or ""
    if endpoint.split(".")[0] in CACHEABLE_BLUEPRINTS:
        return True
    public = endpoint in PUBLIC_ENDPOINTS or endpoint.split(".")[0] in PUBLIC_BLUEPRINTS
    return public and "_user_id" not in session and "Authorization" not in request.headers


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
    name = request.form.get("username") or (request.get_json(silent=True) or {}).get("username") or ""
    if not name and current_user.is_authenticated:
        name = current_user.username  # a password change: guesses of the current password count too
    return str(name).strip().casefold()[:64]


def _address_and_name() -> str:
    return f"{get_remote_address()}|{_login_name()}"


_FAILED = "pm_app.failed_sign_in"


def note_failed_sign_in() -> None:
    """A wrong password was given (sign-in, or the current password of a change): it counts."""
    request.environ[_FAILED] = True  # the request's, not g: an app context can outlive a request


def _failed(_response) -> bool:
    return bool(request.environ.get(_FAILED))


def login_limits(view):
    """Failed password attempts, counted together for the sign-in page, the token API and the
    password change (one shared scope, one store: the limiter's Redis, or memory without it):
    LOGIN_LIMIT_USER per (client address, username), so whoever guesses from elsewhere cannot
    lock the real user out of their own address, and LOGIN_LIMIT_ADDRESS per client address,
    across all usernames. The address is the client's own once ProxyFix has read the proxy's
    X-Forwarded-For (TRUSTED_PROXY_COUNT)."""
    from pm_app.extensions import limiter

    view = limiter.shared_limit(
        lambda: current_app.config["LOGIN_LIMIT_USER"],
        "login-address-user",
        key_func=_address_and_name,
        methods=["POST"],
        deduct_when=_failed,
    )(view)
    return limiter.shared_limit(
        lambda: current_app.config["LOGIN_LIMIT_ADDRESS"],
        "login-address",
        key_func=get_remote_address,
        methods=["POST"],
        deduct_when=_failed,
    )(view)
