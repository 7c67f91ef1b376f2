"""A contractor reaches the compounds it built for their works, not the people living there
(README, roles): no household counts, no collection rates, no health parts built from them, on
the compound page or in the API (they were shown on both)."""

from __future__ import annotations

import pytest

from pm_app.extensions import db
from tests.factories import HouseholdFactory
from tests.org.conftest import city  # noqa: F401  (the fixture)
from tests.tickets.conftest import items  # noqa: F401  (the contractor's works in city.compound)
from tests.tickets.pages import login


@pytest.fixture
def built(city, items):
    for unit in ("1-102", "1-103"):
        HouseholdFactory(building=city.household.building, unit=unit)
    db.session.flush()
    return city


def test_the_contractors_compound_page_shows_no_household_figures_or_collection_rate(client, built):
    login(client, built.users["contractor_staff"])
    page = client.get(f"/compounds/{built.compound.id}?lang=en").get_data(as_text=True)
    assert built.compound.name in page and "Works and warranties" in page
    for figure in ("Households", "household", "Collection rate", 'id="health"'):
        assert figure not in page, figure


def test_the_firm_still_sees_them(client, built):
    login(client, built.users["firm_staff"])
    page = client.get(f"/compounds/{built.compound.id}?lang=en").get_data(as_text=True)
    assert "Households" in page and 'id="health"' in page and "3 households" in page


def test_the_api_gives_a_contractor_no_household_count(api, built):
    contractor = api.as_(built.users["contractor_staff"])
    one = contractor.get(f"/api/v1/compounds/{built.compound.id}").json
    listed = contractor.get("/api/v1/compounds").json
    assert one["name"] == built.compound.name and one["households"] is None
    assert [c["households"] for c in listed] == [None]
    assert api.as_(built.users["firm_staff"]).get(f"/api/v1/compounds/{built.compound.id}").json["households"] == 3
