"""Dates as the city sees them: the business day is the Asia/Shanghai one, not the server's."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

CITY_TZ = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(timezone.utc)


def today() -> date:
    return datetime.now(CITY_TZ).date()
