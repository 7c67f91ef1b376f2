"""A ticket's tracking code (受理编号), read out over the phone, and the reporter's confirmation
key: handed out once, kept only as a hash, checked in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from pm_app.extensions import db
from pm_app.tickets.models import Ticket

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))


CONFIRM_KEY_CHARS = 12  # 60 random bits; tries are rate limited per address (PUBLIC_REPORT_LIMIT)


def issue_confirm_key(ticket: Ticket) -> str:
    """The reporter's confirmation key: returned once (for the receipt page and the private link),
    only its hash is stored, so no page, API or export can show it to staff."""
    key = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(CONFIRM_KEY_CHARS))
    ticket.confirm_key_hash = _key_hash(ticket.tracking_code, key)
    db.session.flush()
    return key


def holds_confirm_key(ticket: Ticket, key: str | None) -> bool:
    if not ticket.confirm_key_hash or not key:
        return False
    return hmac.compare_digest(ticket.confirm_key_hash, _key_hash(ticket.tracking_code, key))


def _key_hash(tracking_code: str, key: str) -> str:
    # Read out or typed from a receipt: case, blanks and dashes do not matter.
    typed = "".join(ch for ch in key.upper() if ch.isalnum())
    return hashlib.sha256(f"{tracking_code}:{typed}".encode()).hexdigest()
