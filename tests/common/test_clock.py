"""Pages show moments on the city's clock: a moment kept in UTC is shown in Asia/Shanghai, so an
alert opened at 17:30 UTC reads as 01:30 the next day, the day a street officer saw it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pm_app.common.clock import city_day, city_seconds, city_time


def test_a_utc_moment_is_shown_on_the_citys_clock_and_day():
    late = datetime(2026, 12, 6, 17, 30, 5, tzinfo=UTC)
    assert city_time(late) == "2026-12-07 01:30"
    assert city_day(late) == "2026-12-07"
    assert city_seconds(late) == "2026-12-07 01:30:05"


def test_a_naive_moment_is_utc_and_a_day_is_already_the_citys():
    assert city_time(datetime(2026, 12, 6, 17, 30)) == "2026-12-07 01:30"
    assert city_day(date(2026, 12, 6)) == "2026-12-06"
    assert city_time(None) == city_day(None) == ""
