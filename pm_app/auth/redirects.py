"""Where a redirect may go when the target comes from the request (`?next=`, the Referer).

Only a path on this site: it starts with one "/" and holds no backslash and no control
character. Browsers drop tabs and line breaks from URLs and read "\\" as "/", so `/\\t/evil`
and `/\\evil` would both become `//evil`, another site; a line break would also be refused by
the server as a header value (a 500). Anything else goes to the fallback, the home page."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import request, url_for

MAX_TARGET = 2048


def safe_path(target: object) -> str | None:
    """The target when it is a same-site path, else None."""
    if not isinstance(target, str) or not target or len(target) > MAX_TARGET:
        return None
    if "\\" in target or any(unicodedata.category(ch)[0] in "CZ" and ch != " " for ch in target):
        return None  # control, format and separator characters (tab, CR/LF, NUL, U+2028...)
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def redirect_target(target: object, fallback: str | None = None) -> str:
    """What every redirect with a user-supplied target sends: the target if safe, else home."""
    return safe_path(target) or fallback or url_for("home.index")


def referrer_target(fallback: str | None = None) -> str:
    """Back to the page the user came from, when that page is on this site."""
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if parts.scheme in ("http", "https") and parts.netloc == request.host:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return redirect_target(path, fallback)
    return redirect_target(None, fallback)
