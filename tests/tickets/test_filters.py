"""The ticket list filters what it is asked to (issue 25): each filter of GET /api/v1/tickets
narrows to exactly the tickets it names; the day filters read the day the citizen reported it
(city time); an unknown filter is a 422 naming it, never ignored; the board does the same."""

from __future__ import annotations

from datetime import datetime

import pytest

from pm_app.common.clock import CITY_TZ
from pm_app.extensions import db
from pm_app.tickets.models import ResponsibleParty
from tests.tickets.pages import build, login, page


@pytest.fixture
def known(city):
    """Six tickets with one distinguishing trait each (created_at is their reported_at, city time)."""

    def at(day, hour=10):
        return datetime(2026, 3, day, hour, tzinfo=CITY_TZ)

    tickets = {
        "hotline": build(city, at(2), source="hotline_12345", category="construction", description="夜间施工噪音"),
        "closed": build(city, at(3), category="roads", status="closed"),
        "utility": build(city, at(4), category="gas", responsible_party=ResponsibleParty.utility),
        "other": build(city, at(5), compound=city.other, category="parking"),
        "late_night": build(city, datetime(2026, 3, 31, 23, 30, tzinfo=CITY_TZ), category="heating"),
        "april": build(city, datetime(2026, 4, 1, 0, 10, tzinfo=CITY_TZ), category="electrical"),
    }
    tickets["hotline"].external_ref = "20260302000123"
    db.session.flush()
    return tickets


def _ids(api, user, query):
    reply = api.as_(user).get(f"/api/v1/tickets?{query}")
    assert reply.status_code == 200, reply.json
    return {t["id"] for t in reply.json}


def _want(known, *names):
    return {known[n].id for n in names}


@pytest.mark.parametrize(
    "query,expected",
    [
        ("source=hotline_12345", ("hotline",)),
        ("category=gas", ("utility",)),
        ("status=closed", ("closed",)),
        ("open=true", ("hotline", "utility", "other", "late_night", "april")),
        ("open=false", ("hotline", "closed", "utility", "other", "late_night", "april")),
        ("responsible_party=utility", ("utility",)),
        ("created_from=2026-03-03&created_to=2026-03-04", ("closed", "utility")),
        ("created_from=2026-03-31&created_to=2026-03-31", ("late_night",)),  # 23:30 city time is still March
        ("created_from=2026-04-01", ("april",)),  # 00:10 city time is April (UTC: March)
        ("q=20260302000123", ("hotline",)),
        ("q=施工噪音", ("hotline",)),
        ("source=phone&category=roads", ("closed",)),
    ],
)
def test_each_filter_narrows_to_what_it_names(api, city, known, query, expected):
    assert _ids(api, city.users["admin"], query) == _want(known, *expected)


def test_the_street_and_compound_filters(api, city, known):
    admin = city.users["admin"]
    assert _ids(api, admin, f"street_id={city.other_street.id}") == _want(known, "other")
    assert _ids(api, admin, f"compound_id={city.other.id}") == _want(known, "other")
    assert _ids(api, admin, f"street_id={city.street.id}") == _want(
        known, "hotline", "closed", "utility", "late_night", "april"
    )


def test_the_tracking_code_is_found_as_read_out(api, city, known):
    code = known["utility"].tracking_code
    typed = f"{code[:4].lower()}-{code[4:]}"
    assert _ids(api, city.users["admin"], f"q={typed}") == _want(known, "utility")


def test_the_filters_stay_within_scope(api, city, known):
    assert _ids(api, city.users["street_officer"], "category=parking") == set()


@pytest.mark.parametrize(
    "query,field",
    [
        ("sourse=hotline_12345", "sourse"),
        ("created_after=2026-03-01", "created_after"),
        ("source=fax", "source"),
        ("category=ufo", "category"),
        ("created_from=2026-02-30", "created_from"),
        ("created_from=2026-03-05&created_to=2026-03-01", "created_to"),
        ("open=maybe", "open"),
    ],
)
def test_an_unknown_or_bad_filter_is_a_422_naming_it(api, city, known, query, field):
    reply = api.as_(city.users["admin"]).get(f"/api/v1/tickets?{query}")
    assert reply.status_code == 422 and field in str(reply.json["errors"])


def test_pages_and_language_still_pass(api, city, known):
    reply = api.as_(city.users["admin"]).get("/api/v1/tickets?page=1&page_size=2&lang=en&open=true")
    assert reply.status_code == 200 and len(reply.json) == 2


def test_the_board_offers_open_and_search_and_the_home_tile_links_to_it(client, city, known):
    login(client, city.users["admin"])
    body = page(client, "/tickets?open=1&q=夜间施工")
    assert 'name="q"' in body and 'name="open"' in body and "仅未办结" in body
    assert f'data-ticket="{known["hotline"].id}"' in body and f'data-ticket="{known["closed"].id}"' not in body
    closed = page(client, "/tickets?open=1")
    assert f'data-ticket="{known["closed"].id}"' not in closed
    assert 'href="/tickets?open=1"' in page(client, "/")
