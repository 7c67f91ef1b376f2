"""Billing periods are calendar months written `YYYY-MM`; they sort as text, so SQL can compare
and group them as strings."""
from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta

from pm_app.common.clock import CITY_TZ

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class PeriodError(ValueError):
    pass


def parse_period(text: str) -> str:
    if not isinstance(text, str) or not PERIOD.match(text) or not 2000 <= int(text[:4]) <= 2099:
        raise PeriodError("must be a month written YYYY-MM, e.g. 2026-09")
    return text


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def first_day(period: str) -> date:
    return date(int(period[:4]), int(period[5:]), 1)


def last_day(period: str) -> date:
    year, month = int(period[:4]), int(period[5:])
    return date(year, month, calendar.monthrange(year, month)[1])


def shift(period: str, months: int) -> str:
    index = int(period[:4]) * 12 + int(period[5:]) - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def period_range(start: str, end: str) -> list[str]:
    """Every period from start to end inclusive (empty when end is before start)."""
    periods = []
    while start <= end:
        periods.append(start)
        start = shift(start, 1)
    return periods


def due_date(period: str, day_of_month: int, months_after: int) -> date:
    """The configurable due-date rule: day `day_of_month` of the month `months_after` months
    after the billed one, clamped to the month's last day (a 31 in February is the 28th/29th)."""
    month = shift(period, months_after)
    return min(first_day(month).replace(day=1) + timedelta(days=day_of_month - 1), last_day(month))


def end_of_day(day: date) -> datetime:
    """The first instant after `day` in the city: "as of 2026-09-30" counts what was paid by then."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=CITY_TZ)
