"""Dates as the city sees them: the business day is the Asia/Shanghai one, not the server's."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func

from pm_app.extensions import db

CITY_TZ = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return datetime.now(CITY_TZ).date()


# How a page shows a moment: always the city's wall clock, whatever the database or server keep
# (moments are stored in UTC). A naive datetime is taken as UTC, as UTCDateTime hands it back.
def city_time(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CITY_TZ).strftime(fmt)


def city_day(moment: datetime | date | None) -> str:
    """The city's day of a moment (a date is already one)."""
    if isinstance(moment, datetime):
        return city_time(moment, "%Y-%m-%d")
    return moment.isoformat() if moment else ""


def city_seconds(moment: datetime | None) -> str:
    return city_time(moment, "%Y-%m-%d %H:%M:%S")


def city_month_sql(column):
    """SQL for the YYYY-MM of a stored (UTC) moment in city time: Asia/Shanghai keeps +8 h all
    year, which SQLite's modifier says and PostgreSQL's zone rules agree with."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone(CITY_TZ.key, column), "YYYY-MM")
    return func.strftime("%Y-%m", column, "+8 hours")
