"""Warranty date arithmetic, in whole calendar years and days of the city."""

from __future__ import annotations

from datetime import date, timedelta

EXPIRING_DAYS = 180  # an item is "expiring" from the first alert stage (T−180) to its end


def add_years(start: date, years: int) -> date:
    """The same day `years` later; 29 February lands on 28 February in a common year."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def state(end: date, as_of: date) -> str:
    """active / expiring / expired as of a day. An item ending on `as_of` is expired: its last
    covered day was the day before (the end date is the first day it no longer covers)."""
    if end <= as_of:
        return "expired"
    if end <= as_of + timedelta(days=EXPIRING_DAYS):
        return "expiring"
    return "active"
