"""Complaint statistics (issue 25) on a known quarter: seed 003's question — how many 12345
complaints, by category, and what share was construction — answered with exact counts and
four-place shares, within the caller's scope and the period of the day reported."""

from __future__ import annotations

from datetime import datetime

import pytest

from pm_app.common.clock import CITY_TZ
from pm_app.extensions import db
from pm_app.tickets.models import ResponsibleParty
from tests.tickets.pages import build

Q1 = "created_from=2026-01-01&created_to=2026-03-31"


@pytest.fixture
def quarter(city):
    """Q1 2026 on the hotline: 7 in city.compound (3 construction, 2 roads, 1 gas routed to the
    utility, 1 parking), 1 in the other street's compound; plus one phoned in (other source), one
    called on 2025-12-31 23:59 and one on 2026-04-01 00:00 (city time: outside the quarter)."""

    def hotline(day, category, compound=None, **fields):
        return build(
            city,
            datetime(2026, *day, tzinfo=CITY_TZ),
            compound=compound,
            source="hotline_12345",
            category=category,
            **fields,
        )

    for month in (1, 2, 3):
        hotline((month, 10, 9), "construction")
    hotline((1, 5, 9), "roads")
    hotline((3, 31, 23, 59), "roads")
    hotline((2, 1, 9), "gas", responsible_party=ResponsibleParty.utility)
    hotline((1, 1, 0, 0), "parking")
    hotline((2, 2, 9), "construction", compound=city.other)
    build(city, datetime(2026, 2, 3, 9, tzinfo=CITY_TZ), source="phone", category="construction")
    build(city, datetime(2025, 12, 31, 23, 59, tzinfo=CITY_TZ), source="hotline_12345", category="construction")
    build(city, datetime(2026, 4, 1, 0, 0, tzinfo=CITY_TZ), source="hotline_12345", category="construction")
    db.session.flush()


def _stats(api, user, query):
    reply = api.as_(user).get(f"/api/v1/tickets/stats?{query}")
    assert reply.status_code == 200, reply.json
    return reply.json


def test_the_regulator_reads_the_citys_quarter_exactly(api, city, quarter):
    found = _stats(api, city.users["regulator"], f"source=hotline_12345&{Q1}")
    assert found["tickets"] == 8
    assert found["by_category"]["construction"] == {"count": 4, "share": "0.5000"}
    assert found["by_category"]["roads"] == {"count": 2, "share": "0.2500"}
    assert found["by_category"]["gas"] == {"count": 1, "share": "0.1250"}
    assert found["by_category"]["heating"] == {"count": 0, "share": "0.0000"}
    assert found["by_responsible_party"]["utility"] == {"count": 1, "share": "0.1250"}
    assert found["by_responsible_party"]["property_firm"] == {"count": 7, "share": "0.8750"}
    assert found["by_source"]["hotline_12345"] == {"count": 8, "share": "1.0000"}
    assert found["by_source"]["phone"]["count"] == 0
    assert found["by_street"] == {
        str(city.street.id): {"name": city.street.name, "count": 7, "share": "0.8750"},
        str(city.other_street.id): {"name": city.other_street.name, "count": 1, "share": "0.1250"},
    }


def test_the_street_office_reads_its_streets_only_and_shares_round_half_up(api, city, quarter):
    found = _stats(api, city.users["street_officer"], f"source=hotline_12345&{Q1}")
    assert found["tickets"] == 7
    assert found["by_category"]["construction"] == {"count": 3, "share": "0.4286"}  # 3/7 = 0.428571…
    assert found["by_category"]["roads"] == {"count": 2, "share": "0.2857"}
    assert found["by_category"]["parking"] == {"count": 1, "share": "0.1429"}
    assert set(found["by_street"]) == {str(city.street.id)}
    # Out of its scope, a street or compound filter finds nothing rather than another street's tickets.
    assert _stats(api, city.users["street_officer"], f"street_id={city.other_street.id}")["tickets"] == 0


def test_every_source_and_the_compound_filter(api, city, quarter):
    found = _stats(api, city.users["admin"], f"{Q1}&compound_id={city.compound.id}")
    assert found["tickets"] == 8 and found["by_source"]["phone"] == {"count": 1, "share": "0.1250"}


def test_nothing_to_count_is_zero_not_a_division_error(api, city):
    found = _stats(api, city.users["regulator"], "created_from=2030-01-01")
    assert found["tickets"] == 0 and found["by_category"]["construction"] == {"count": 0, "share": "0.0000"}


@pytest.mark.parametrize(
    "query,field",
    [
        ("quarter=2026Q1", "quarter"),
        ("category=roads", "category"),
        ("source=fax", "source"),
        ("created_from=2026-03-01&created_to=2026-02-01", "created_to"),
    ],
)
def test_an_unknown_or_bad_parameter_is_a_422_naming_it(api, city, query, field):
    reply = api.as_(city.users["regulator"]).get(f"/api/v1/tickets/stats?{query}")
    assert reply.status_code == 422 and field in str(reply.json["errors"])


def test_one_statement_per_breakdown(api, city, quarter):
    from tests.helpers import count_statements

    with count_statements() as seen:
        _stats(api, city.users["regulator"], Q1)
    assert len([s for s in seen if "GROUP BY" in s and "FROM ticket" in s]) == 4


def test_the_street_office_reads_the_quarter_on_the_page(client, city, quarter):
    import time_machine

    from tests.tickets.pages import login, page

    with time_machine.travel(datetime(2026, 5, 6, 9, tzinfo=CITY_TZ), tick=False):
        login(client, city.users["street_officer"])
        board = page(client, "/tickets")
        assert 'href="/tickets/stats"' in board
        body = page(client, f"/tickets/stats?source=hotline_12345&{Q1}")
        assert client.get("/tickets/stats?created_from=nonsense").status_code == 400
    assert 'data-preset="2026Q2"' in body and 'data-preset="2026Q1"' in body and 'data-preset="2025Q3"' in body
    assert "created_from=2026-01-01&amp;created_to=2026-03-31" in body
    assert "投诉统计" in body and "施工扰民及施工损坏" in body
    assert '<tr data-key="construction"><th scope="row">施工扰民及施工损坏</th><td class="num">3</td>' in body
    assert "42.9%" in body


def test_quarter_presets_cross_the_year():
    from datetime import date

    from pm_app.tickets.stats import quarter_presets

    assert quarter_presets(date(2026, 2, 14), 2) == [
        ("2026Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2025Q4", date(2025, 10, 1), date(2025, 12, 31)),
    ]
