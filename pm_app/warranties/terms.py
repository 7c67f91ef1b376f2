"""How long a warranty runs: whole years for most works, heating seasons (采暖期) for heating.

《建设工程质量管理条例》第四十条 sets the minimums "自竣工验收合格之日起计算", and for heating and
cooling counts seasons, not years: "供热与供冷系统，为2个采暖期、供冷期". A category's `term_unit`
says which (`year` or `heating_season`); its `min_years` is then the number of that unit.

The season rule, kept simple and on the owners' side: only whole seasons count. A heating system
accepted in summer is guaranteed through the next two seasons; one accepted in the middle of a
season is guaranteed through the two seasons after it, since it has not been through a whole one
yet. The guarantee ends (the first day it no longer covers) the day after the last season's
end. The season runs HEATING_SEASON (month, day) to (month, day) of the next year; the default,
15 October to 15 April, is the usual northern one — a city sets its own statutory period in the
app's config.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app, has_app_context

from pm_app.warranties.dates import add_years

YEAR, HEATING_SEASON = "year", "heating_season"
TERM_UNITS = (YEAR, HEATING_SEASON)
DEFAULT_SEASON = ((10, 15), (4, 15))


def season() -> tuple[tuple[int, int], tuple[int, int]]:
    configured = current_app.config.get("HEATING_SEASON") if has_app_context() else None
    return configured or DEFAULT_SEASON


def after_heating_seasons(start: date, seasons: int) -> date:
    """The first day no longer covered after `seasons` whole heating seasons beginning on or after `start`."""
    (start_month, start_day), (end_month, end_day) = season()
    first = start.year if start <= date(start.year, start_month, start_day) else start.year + 1
    return date(first + seasons, end_month, end_day) + timedelta(days=1)


def warranty_end(term_unit: str, start: date, count: int) -> date:
    if term_unit == HEATING_SEASON:
        return after_heating_seasons(start, count)
    return add_years(start, count)


def term_text(term_unit: str, count: int) -> str:
    """ "5 years" or "2 heating seasons", in the reader's language."""
    from flask_babel import gettext as _

    if term_unit == HEATING_SEASON:
        return _("%(num)d heating seasons", num=count)
    return _("%(num)d years", num=count)
