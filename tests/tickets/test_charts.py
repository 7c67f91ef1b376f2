"""The board's charts: the figures as dicts from hand-made rows, the SQL aggregates behind them
on a small city (scoped, months in city time, only real resolutions), and the page's tables
carrying the same numbers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pm_app.common.clock import now
from pm_app.tickets import charts, queries
from pm_app.tickets.models import TicketStatus as S
from tests.tickets.pages import build, login, page


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


def test_tickets_by_category_stack_the_statuses_largest_category_first(english):
    rows = [("water_leak", S.new, 1), ("roads", S.new, 2), ("roads", S.closed, 1)]
    figure = charts.by_category(rows, "T")
    assert figure["layout"]["barmode"] == "stack" and figure["layout"]["title"]["text"] == "T"
    assert [(t["name"], t["x"], t["y"]) for t in figure["data"]] == [
        ("New", ["Roads and paving", "Water leak"], [2, 1]),
        ("Closed", ["Roads and paving", "Water leak"], [1, 0]),
    ]


def test_no_tickets_draw_no_bars(english):
    assert charts.by_category([], "T")["data"] == []


def test_the_on_time_rate_is_resolved_by_the_deadline_over_resolved_per_month(english):
    rows = [{"month": "2026-01", "resolved": 4, "on_time": 3}, {"month": "2026-02", "resolved": 3, "on_time": 1}]
    (trace,) = charts.on_time_rate(rows, "T")["data"]
    assert (trace["x"], trace["y"], trace["text"]) == (["2026-01", "2026-02"], [75.0, 33.3], ["3/4", "1/3"])
    assert charts.on_time_rate(rows, "T")["layout"]["xaxis"]["type"] == "category"


@pytest.fixture
def resolved(city):
    """Resolutions with fixed times (UTC; the city is UTC+8):
    on_time — resolved 2026-01-10 02:00, due 2026-01-12: January, on time (closed);
    late    — resolved 2026-01-31 17:00 = 1 Feb 01:00 in the city, due an hour earlier: February, late;
    feb     — resolved 2026-02-15, due 2026-02-20: February, on time (still resolved);
    undone  — resolved 2026-02-10 then reopened: not counted;
    other   — the other street's, January, on time: only the city-wide roles count it."""
    return {
        "on_time": build(
            city,
            utc(2026, 1, 5),
            status="closed",
            resolved_at=utc(2026, 1, 10, 2),
            resolve_by=utc(2026, 1, 12),
            category="roads",
        ),
        "late": build(
            city, utc(2026, 1, 20), status="resolved", resolved_at=utc(2026, 1, 31, 17), resolve_by=utc(2026, 1, 31, 16)
        ),
        "feb": build(
            city, utc(2026, 2, 10), status="resolved", resolved_at=utc(2026, 2, 15), resolve_by=utc(2026, 2, 20)
        ),
        "undone": build(
            city, utc(2026, 2, 1), status="reopened", resolved_at=utc(2026, 2, 10), resolve_by=utc(2026, 2, 20)
        ),
        "other": build(
            city,
            utc(2026, 1, 1),
            compound=city.other,
            status="closed",
            resolved_at=utc(2026, 1, 5),
            resolve_by=utc(2026, 1, 8),
        ),
    }


def test_on_time_per_month_is_scoped_in_city_months_and_counts_only_real_resolutions(city, resolved):
    street = queries.on_time_by_month(city.users["street_officer"], queries.Filters(), now())
    assert street == [
        {"month": "2026-01", "resolved": 1, "on_time": 1},
        {"month": "2026-02", "resolved": 2, "on_time": 1},
    ]
    city_wide = queries.on_time_by_month(city.users["regulator"], queries.Filters(), now())
    assert city_wide == [
        {"month": "2026-01", "resolved": 2, "on_time": 2},
        {"month": "2026-02", "resolved": 2, "on_time": 1},
    ]
    roads = queries.on_time_by_month(city.users["regulator"], queries.Filters(category="roads"), now())
    assert roads == [{"month": "2026-01", "resolved": 1, "on_time": 1}]


def test_category_and_status_counts_are_scoped_and_filtered(city, resolved):
    street = queries.by_category_and_status(city.users["street_officer"], queries.Filters(), now())
    assert sorted(street) == [("roads", S.closed, 1), ("water_leak", S.reopened, 1), ("water_leak", S.resolved, 2)]
    contractor = queries.by_category_and_status(city.users["contractor_staff"], queries.Filters(), now())
    assert contractor == []
    closed = queries.by_category_and_status(city.users["admin"], queries.Filters(status=S.closed), now())
    assert sorted(closed) == [("roads", S.closed, 1), ("water_leak", S.closed, 1)]


def test_the_board_shows_both_charts_with_tables_of_the_same_numbers(client, city, resolved):
    body = page(login(client, city.users["street_officer"]), "/tickets?lang=en")
    assert body.count('<script type="application/json" data-chart>') == 2 and "plotly.min.js" in body
    assert '"barmode": "stack"' in body
    assert (
        '<tr data-month="2026-02"><th scope="row">2026-02</th><td class="num">2</td>\n        <td class="num">1</td><td class="num">50.0 %</td>'
        in body
    )
    assert '"y": [100.0, 50.0]' in body
    roads = body.split('<tr data-category="roads">')[1].split("</tr>")[0]
    assert roads.count('<td class="num">1</td>') == 2  # closed 1, total 1
