"""Billing periods are calendar months written `YYYY-MM` (2000-01..2099-12); they sort as text,
so SQL can compare and group them as strings. There is one spelling of each: what a caller writes
is read through common.inputs (NFKC, then ASCII digits only), so "２０２６-11" is "2026-11" and
"٢٠٢٦-11" is refused, and every range of periods is at most FIRST..LAST long."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta

from pm_app.common.clock import CITY_TZ
from pm_app.common.inputs import InputError, token

PERIOD = re.compile(r"(20[0-9]{2})-(0[1-9]|1[0-2])", re.ASCII)
WRITTEN = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])", re.ASCII)  # what shift() may produce
FIRST, LAST = "2000-01", "2099-12"  # as text: every stored period sorts between them
MESSAGE = "must be a month written YYYY-MM, e.g. 2026-09"


class PeriodError(InputError):
    pass


def parse_period(text: str) -> str:
    """The period in its one spelling, or PeriodError."""
    try:
        return token(text, PERIOD, "period", MESSAGE)
    except InputError as exc:
        raise PeriodError(str(exc)) from None


def _index(period: str) -> int:
    """Months since year 0 of a period already in its one spelling (anything else: PeriodError,
    so a row written before this discipline cannot make a range run on for ever)."""
    if not isinstance(period, str) or not WRITTEN.fullmatch(period):
        raise PeriodError(MESSAGE)
    return int(period[:4]) * 12 + int(period[5:]) - 1


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def first_day(period: str) -> date:
    return date(int(period[:4]), int(period[5:]), 1)


def last_day(period: str) -> date:
    year, month = int(period[:4]), int(period[5:])
    return date(year, month, calendar.monthrange(year, month)[1])


def shift(period: str, months: int) -> str:
    index = _index(period) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def period_range(start: str, end: str) -> list[str]:
    """Every period from start to end inclusive (empty when end is before start), counted, not
    looped until a comparison of texts fails: at most the 1,200 months of FIRST..LAST."""
    first, last = max(_index(start), _index(FIRST)), min(_index(end), _index(LAST))
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(first, last + 1)]


def due_date(period: str, day_of_month: int, months_after: int) -> date:
    """The configurable due-date rule: day `day_of_month` of the month `months_after` months
    after the billed one, clamped to the month's last day (a 31 in February is the 28th/29th)."""
    month = shift(period, months_after)
    return min(first_day(month).replace(day=1) + timedelta(days=day_of_month - 1), last_day(month))


def end_of_day(day: date) -> datetime:
    """The first instant after `day` in the city: "as of 2026-09-30" counts what was paid by then."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=CITY_TZ)
