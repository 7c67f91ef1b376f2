"""Turning column values into the JSON of an audit row: money stays integer fen, dates ISO 8601,
enums their value, secrets masked."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from pm_app.audit.registry import SECRET, Audited


def plain(value):
    if value is None or isinstance(value, bool | int | float) or type(value) is str:
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


def shown(rule: Audited, key: str, value):
    """The value as the trail keeps it."""
    if value is None:
        return None
    if key in rule.secret:
        return SECRET
    if key in rule.personal:
        text = str(value)
        return "*" * max(len(text) - 4, 0) + text[-4:]
    return plain(value)
