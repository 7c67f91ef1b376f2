"""Fee charts are plain dicts built from aggregated rows, checked as dicts and by plotly itself."""

from __future__ import annotations

from decimal import Decimal

import plotly.graph_objects as go
import pytest

from pm_app.fees.labels import percent, percent_number
from pm_app.fees.rates import PeriodRate
from pm_app.fees.reports.charts import rate_trend


@pytest.fixture
def english(app):
    """Trace names and axis titles are translated: the page's language comes with its request."""
    with app.test_request_context("/?lang=en"):
        yield


@pytest.fixture
def rows():
    return [
        PeriodRate(period="2026-07"),  # nothing billed: no rate
        PeriodRate(period="2026-08", receivable=46000, received=40000, households_billed=3, households_paid=2),
        PeriodRate(period="2026-09", receivable=100, received=100, households_billed=1, households_paid=1),
    ]


def test_both_rates_per_period_as_percentages_with_gaps_where_nothing_was_billed(english, rows):
    figure = rate_trend(rows, "东门新村")
    amount, household = figure["data"]
    assert amount["x"] == household["x"] == ["2026-07", "2026-08", "2026-09"]
    assert amount["y"] == [None, 87.0, 100.0]  # 0.8696 → 87.0 %
    assert household["y"] == [None, 66.7, 100.0]  # 0.6667 → 66.7 %
    assert (amount["name"], household["name"]) == ("By amount", "By household")
    assert amount["connectgaps"] is False and figure["layout"]["title"]["text"] == "东门新村"
    assert figure["layout"]["xaxis"]["type"] == "category" and figure["layout"]["yaxis"]["ticksuffix"] == " %"


def test_a_threshold_draws_a_dashed_line_at_its_level(english, rows):
    figure = rate_trend(rows, "city", threshold=Decimal("0.80"))
    (line,) = figure["layout"]["shapes"]
    assert line["y0"] == line["y1"] == 80.0 and line["line"]["dash"] == "dash"
    assert "shapes" not in rate_trend(rows, "city")["layout"]


def test_the_figure_is_valid_for_plotly_and_json(english, rows):
    import json

    figure = rate_trend(rows, "x", threshold=Decimal("0.8"))
    go.Figure(data=figure["data"], layout=figure["layout"])  # raises on an unknown property
    assert json.loads(json.dumps(figure)) == figure


def test_an_empty_range_is_an_empty_chart(english):
    figure = rate_trend([], "x")
    assert [trace["x"] for trace in figure["data"]] == [[], []]


@pytest.mark.parametrize(
    "rate,text,number",
    [
        (Decimal("0.8125"), "81.3 %", 81.3),
        (Decimal("0.8124"), "81.2 %", 81.2),
        (Decimal("1.0000"), "100.0 %", 100.0),
        (Decimal("0"), "0.0 %", 0.0),
        (Decimal("0.99995"), "100.0 %", 100.0),
        (None, "—", None),
    ],
)
def test_rates_read_as_percentages_with_one_decimal_half_up(rate, text, number):
    assert percent(rate) == text and percent_number(rate) == number
