"""Each role's home on the city of 2026-05-15: the tiles' figures by hand, equal to what the
domain pages and the API report for the same viewer, foreign objects never counted, and a
statement count that does not grow with the compounds."""

from __future__ import annotations

import html
import json
import re

import pytest

from pm_app.tickets.models import TicketStatus
from tests.dashboards.conftest import NOW, add_item, add_ticket, login
from tests.factories import BuildingFactory, CompoundFactory, HouseholdFactory
from tests.helpers import count_statements

TILE = re.compile(
    r'<p class="tile-value">(?:<a href="[^"]*">)?(.*?)(?:</a>)?</p>\s*<p class="tile-label">(.*?)</p>', re.S
)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def tiles(page: str) -> dict[str, str]:
    return {html.unescape(label): html.unescape(value) for value, label in TILE.findall(page)}


def figures(page: str) -> list[dict]:
    return [
        json.loads(html.unescape(raw))
        for raw in re.findall(r'<script type="application/json" data-chart>(.*?)</script>', page, re.S)
    ]


def home(client, user) -> str:
    login(client, user)
    response = client.get("/?lang=en")
    assert response.status_code == 200
    return response.text


def test_street_office_home_by_hand(client, world):
    page = home(client, world.city.users["street_officer"])
    assert tiles(page) == {
        "Compounds": "1",
        "Households": "4",
        "Collection rate by amount, 2026-04": "62.5 %",
        "Open tickets": "2",
        "Overdue tickets": "1",
        "Warranties ending in 90 days": "2",
        "Committee coverage": "100.0 %",
        "Open alerts": "1",
    }
    assert "TJ-0001" not in page and "南门花园" not in page
    charts = figures(page)
    assert len(charts) == 5
    trend = charts[0]["data"][0]
    assert trend["x"][-1] == "2026-04" and trend["y"][-1] == 62.5 and trend["y"][0] is None
    by_category = {t["name"]: dict(zip(t["x"], t["y"])) for t in charts[1]["data"]}
    assert sum(sum(v.values()) for v in by_category.values()) == 2
    ends = charts[2]["data"][0]
    assert dict(zip(ends["x"], ends["y"])) == {"2026-06": 1, "2026-07": 1, "2026-12": 1}
    status = charts[3]["data"][0]
    assert dict(zip(status["x"], status["y"]))["Active"] == 1
    # The open alert about the overdue ticket leads to that ticket, which the officer may open.
    link = f'href="/tickets/{world.overdue.id}"'
    assert link in page
    assert client.get(f"/tickets/{world.overdue.id}").status_code == 200
    assert 'href="/warranties/expiring"' in page and 'href="/committees/coverage"' in page


def test_warranty_table_carries_the_chart_numbers(client, world):
    """The table beside the warranty-ends chart shows each month's count (it once printed the
    dict's items method instead)."""
    page = home(client, world.city.users["street_officer"])
    rows = dict(re.findall(r'<tr><th scope="row">(\d{4}-\d{2})</th><td class="num">(\d+)</td></tr>', page))
    assert rows == {"2026-06": "1", "2026-07": "1", "2026-12": "1"}


def test_regulator_home_is_city_wide_with_streets(client, world):
    page = home(client, world.city.users["regulator"])
    found = tiles(page)
    assert found["Compounds"] == "2" and found["Households"] == "5" and found["Open alerts"] == "2"
    assert found["Committee coverage"] == "50.0 %"
    assert "东街街道" in page and "南街街道" in page
    assert page.index("GL-0001") < page.index("TJ-0001")  # 64 before 69, worst first
    assert "No ranking has been published yet." in page


def test_tiles_agree_with_the_domain_apis(client, api, world):
    officer = world.city.users["street_officer"]
    found = tiles(home(client, officer))
    rates = api.as_(officer).get(
        f"/api/v1/collection-rates?scope=street&id={world.city.street.id}&period_from=2026-04&period_to=2026-04"
    )
    assert rates.status_code == 200, rates.json
    assert rates.json[0]["amount_rate"] == "0.6250"
    tickets = api.as_(officer).get("/api/v1/tickets?overdue=true").json
    assert len(tickets) == int(found["Overdue tickets"]) == 1


def test_firm_committee_and_contractor_homes(client, world):
    city = world.city
    firm = tiles(home(client, city.users["firm_staff"]))
    assert firm["Compounds"] == "1" and firm["Open tickets in the work queue"] == "2"
    assert firm["Overdue in the work queue"] == "1" and firm["Collection rate by amount, 2026-04"] == "62.5 %"
    committee_page = home(client, city.users["committee_member"])
    committee = tiles(committee_page)
    assert committee["Health"] == "64" and committee["Committee status"] == "Active"
    assert committee["Overdue tickets"] == "1"
    assert f"/compounds/{city.compound.id}/accounts" in committee_page
    contractor = tiles(home(client, city.users["contractor_staff"]))
    assert contractor["Warranty items"] == "3" and contractor["Warranties ending in 90 days"] == "2"
    assert contractor["Open claims"] == "0"


def test_foreign_objects_are_never_counted(client, world):
    city = world.city
    add_ticket(city.other, hours_left=-5)
    add_item(city.other, city.contractor, 10)
    found = tiles(home(client, city.users["street_officer"]))
    assert found["Open tickets"] == "2" and found["Overdue tickets"] == "1"
    assert found["Warranties ending in 90 days"] == "2" and found["Open alerts"] == "1"


def test_statements_do_not_grow_with_compounds(client, world):
    city = world.city
    officer = city.users["street_officer"]
    login(client, officer)
    with count_statements() as sent:
        assert client.get("/").status_code == 200
    few = len(sent)
    for n in range(4):
        compound = CompoundFactory(street=city.street)
        HouseholdFactory(building=BuildingFactory(compound_id=compound.id), unit="1")
        add_ticket(compound, status=TicketStatus.new, hours_left=-2)
        add_item(compound, city.contractor, 40)
    with count_statements() as sent:
        page = client.get("/?lang=en").text
    assert len(sent) == few
    assert tiles(page)["Compounds"] == "5"


def test_the_home_lists_the_worst_compounds_and_links_to_all(client, world, monkeypatch):
    """With more compounds than the home lists, the tile still counts every one, the table keeps
    the worst, and a link leads to the whole list sorted by health."""
    from pm_app.dashboards import views

    monkeypatch.setattr(views, "WORST", 1)
    page = home(client, world.city.users["regulator"])
    assert tiles(page)["Compounds"] == "2"
    table = page[page.index('class="health-table"') : page.index("</table>", page.index('class="health-table"'))]
    assert "GL-0001" in table and "TJ-0001" not in table  # 64 is worse than 69
    assert 'href="/compounds?sort=health">All 2 compounds by health</a>' in page
    monkeypatch.setattr(views, "WORST", 20)
    assert "compounds by health</a>" not in home(client, world.city.users["regulator"])


def test_the_alert_tile_counts_every_open_alert_while_the_list_shows_the_newest(client, world, monkeypatch):
    """The count and the listed alerts come from one statement: the count must still be all of
    them, not the listed few, and the header's badge the same number."""
    from pm_app.dashboards import views

    monkeypatch.setattr(views, "RECENT", 1)
    page = home(client, world.city.users["regulator"])
    assert tiles(page)["Open alerts"] == "2"
    assert 'aria-label="2 unread">2</span>' in page
    listed = page[page.index('<ul class="alert-list">') : page.index("</ul>", page.index('<ul class="alert-list">'))]
    assert listed.count("<li") == 1
    monkeypatch.setattr(views, "RECENT", 10)
    page = home(client, world.city.users["regulator"])
    listed = page[page.index('<ul class="alert-list">') : page.index("</ul>", page.index('<ul class="alert-list">'))]
    assert listed.count("<li") == 2 and tiles(page)["Open alerts"] == "2"
