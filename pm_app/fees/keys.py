"""Idempotency keys as they are stored: the caller's key never goes into the column as sent.

A key a client sends (up to `payments.KEY_MAX` printable characters) is stored as the SHA-256
of (kind, the caller's organisation, the part, the key), 64 hex digits. That gives three things
the raw key in one shared column did not (issue 23, finding 6):

- the caller's keys live in their organisation's own space: the same key sent by another firm is
  another key, so no answer (replay, 409 or 201) tells one tenant anything about another's keys;
- every valid key fits, also on a payment spread over several bills, whose n-th row is part n;
- the keys the server makes itself keep their readable form (`reversal:<payment id>`,
  `import:…`, `seed:<bill id>`): those hold a colon and are never 64 hex digits, so no caller
  key can ever take one. A reversal is found by `reversal_of_id` (unique), not by its key.
"""

from __future__ import annotations

import hashlib

from pm_app.auth.models import Role


def organisation(user) -> str:
    """Whose key space a user writes in: the city (admin, regulator), one firm, one committee's
    compound, one street office; an officer serving several streets keeps a space of their own,
    so nobody with fewer streets shares it."""
    if user.sees_whole_city:
        return "city"
    if user.role in (Role.firm_staff, Role.contractor_staff) and user.firm_id is not None:
        return f"firm:{user.firm_id}"
    if user.role == Role.committee_member and user.compound_id is not None:
        return f"compound:{user.compound_id}"
    streets = user.street_ids if user.role == Role.street_officer else []
    if len(streets) == 1:
        return f"street:{streets[0]}"
    return f"user:{user.id}"


def stored(user, key: str, *, part: int = 0, kind: str = "payment") -> str:
    """The column value for the caller's `key` (already checked by `payments.check_key`)."""
    return digest(kind, organisation(user), part, key)


def digest(kind: str, space: str, part: int, key: str) -> str:
    return hashlib.sha256("\x1f".join((kind, space, str(part), key)).encode()).hexdigest()
