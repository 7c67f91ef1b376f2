"""The fee domain as the other domains call it: one entry point, so the inside of fees (its
counter/ package and the modules beside it) can be rearranged without touching them. They read
fees.models and fees.labels directly, as every domain's models and labels are read; anything else
they need from fees comes through here, and is added here first."""

from __future__ import annotations

from pm_app.fees.billing import FEE_TYPE
from pm_app.fees.periods import (
    PeriodError,
    end_of_day,
    first_day,
    last_day,
    parse_period,
    period_of,
    period_range,
    shift,
)
from pm_app.fees.rates import (
    PeriodRate,
    Rate,
    any_fee_bills,
    fee_bills,
    grouped,
    rates_by_firm,
    rates_by_period,
    rates_of,
    ratio,
    sums_by_key,
    trend_and_last_by_compound,
)
from pm_app.fees.reports.charts import rate_trend
from pm_app.fees.reports.exports import download

__all__ = [
    # Bills: the fee type the city's property fees are billed under.
    "FEE_TYPE",
    # Billing periods: months written YYYY-MM, and the days that bound them.
    "PeriodError",
    "end_of_day",
    "first_day",
    "last_day",
    "parse_period",
    "period_of",
    "period_range",
    "shift",
    # Collection rates (收缴率), both definitions, and the queries they are summed from.
    "PeriodRate",
    "Rate",
    "any_fee_bills",
    "fee_bills",
    "grouped",
    "rates_by_firm",
    "rates_by_period",
    "rates_of",
    "ratio",
    "sums_by_key",
    "trend_and_last_by_compound",
    # The fee pages' chart of a rate over months, and their CSV/XLSX download.
    "rate_trend",
    "download",
]
