"""The collection overview page: scopes each role may use, the ranking, and a statement count
that does not grow with the number of compounds."""

from __future__ import annotations

import pytest

from pm_app.fees import billing
from pm_app.fees.periods import shift
from tests.factories import BuildingFactory, CompoundFactory, ContractFactory, HouseholdFactory
from tests.fees.pages import bill_city, closed_periods, login, page, statements


@pytest.fixture
def billed(city):
    return bill_city(city)


def _range() -> str:
    periods = closed_periods()
    return f"period_from={periods[0]}&period_to={periods[-1]}"


@pytest.mark.parametrize(
    "role,scope,status",
    [
        ("admin", "city", 200),
        ("regulator", "city", 200),
        ("regulator", "street:{other_street}", 200),
        ("regulator", "firm:{other_firm}", 200),
        ("street_officer", "", 200),
        ("street_officer", "street:{street}", 200),
        ("street_officer", "street:{other_street}", 404),
        ("street_officer", "city", 404),
        ("street_officer", "firm:{firm}", 404),
        ("firm_staff", "", 200),
        ("firm_staff", "firm:{firm}", 200),
        ("firm_staff", "firm:{other_firm}", 404),
        ("firm_staff", "city", 404),
        ("firm_staff", "street:{street}", 404),
        ("contractor_staff", "", 404),
        ("contractor_staff", "city", 404),
        ("regulator", "street:999999", 404),
        ("regulator", "street:x", 404),
        ("regulator", "castle", 404),
    ],
)
def test_who_may_use_which_scope(client, city, billed, role, scope, status):
    ids = {
        "street": city.street.id,
        "other_street": city.other_street.id,
        "firm": city.firm.id,
        "other_firm": city.other_firm.id,
    }
    login(client, city.users[role])
    page(client, f"/fees?scope={scope.format(**ids)}&{_range()}", status)


def test_the_committee_is_sent_to_its_compounds_fee_page(client, city):
    login(client, city.users["committee_member"])
    response = client.get("/fees")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/compounds/{city.compound.id}/fees")
    assert client.get("/fees/rates.csv").status_code == 404


def test_the_officer_lands_on_its_street_and_sees_only_its_compounds(client, city, billed):
    body = page(login(client, city.users["street_officer"]), f"/fees?{_range()}&lang=en")
    assert city.street.name in body and city.compound.code in body
    assert city.other.code not in body and city.other_street.name not in body and "The whole city" not in body


def test_the_city_ranks_the_worst_compound_first_and_flags_it_below_the_threshold(client, city, billed):
    body = page(login(client, city.users["regulator"]), f"/fees?scope=city&{_range()}&lang=en")
    # city.other paid nothing (0.0 %), city.compound one month of three (33.3 %): both below 80 %.
    assert body.index(city.other.code) < body.index(city.compound.code)
    assert '>0.0 % <span class="badge">below 80.0 %</span>' in body
    assert '>33.3 % <span class="badge">below 80.0 %</span>' in body
    assert "Compounds billed: 2 · below 80.0 %: 2" in body
    # city.other owes three periods: one household in arrears, 220.32 yuan.
    assert '<td class="num">1</td><td class="num">220.32</td>' in body
    assert f'href="/compounds/{city.other.id}/fees"' in body


def test_the_trend_has_a_chart_and_a_table_with_the_same_numbers(client, city, billed):
    first, second, last = closed_periods()
    body = page(login(client, city.users["regulator"]), f"/fees?scope=city&{_range()}&lang=en")
    assert "data-chart" in body and "plotly.min.js" in body
    assert f'<th scope="row">{first}</th>' in body and ">50.0 %<" in body  # 73.44 of 146.88 in the first month
    assert "Whole range: 16.7 % by amount, 16.7 % by household." in body


def test_by_default_the_range_is_the_last_twelve_closed_months(client, city, billed):
    last = closed_periods()[-1]
    body = page(login(client, city.users["regulator"]), "/fees?lang=en")
    assert f'name="period_from" value="{shift(last, -11)}"' in body and f'name="period_to" value="{last}"' in body


def test_a_range_typed_backwards_means_the_same_months(client, city, billed):
    first, _second, last = closed_periods()
    body = page(login(client, city.users["regulator"]), f"/fees?period_from={last}&period_to={first}")
    assert f'name="period_from" value="{first}"' in body


def test_as_of_counts_only_what_had_been_paid_by_then(client, city, billed):
    first = closed_periods()[0]
    body = page(
        login(client, city.users["regulator"]), f"/fees?scope=city&{_range()}&as_of={shift(first, -1)}-01&lang=en"
    )
    assert "Whole range: 0.0 % by amount" in body


@pytest.mark.parametrize(
    "query",
    ["period_from=2026-13", "period_to=x", "as_of=2026-02-30", "page=0", "period_from=2000-01&period_to=2020-01"],
)
def test_junk_arguments_are_a_bad_request(client, city, query):
    login(client, city.users["regulator"])
    page(client, f"/fees?{query}", 400)


# --- statements ----------------------------------------------------------------------------


def _compounds_with_bills(city, n: int, periods: list[str]) -> None:
    for _ in range(n):
        compound = CompoundFactory(street=city.street)
        ContractFactory(
            compound=compound, firm=city.firm, start_date=city.contract.start_date, end_date=city.contract.end_date
        )
        HouseholdFactory(building=BuildingFactory(compound_id=compound.id))
    for period in periods:
        billing.generate_for_city(period)


@pytest.mark.parametrize(
    "role,scope", [("regulator", "city"), ("street_officer", "street:{street}"), ("firm_staff", "firm:{firm}")]
)
def test_the_overview_costs_as_many_statements_for_100_compounds_as_for_10(client, city, role, scope):
    periods = closed_periods()
    url = f"/fees?scope={scope.format(street=city.street.id, firm=city.firm.id)}&{_range()}"
    login(client, city.users[role])
    _compounds_with_bills(city, 10, periods)
    page(client, url)  # warm-up: the first request of a session loads what later ones find cached
    ten = statements(client, url)
    _compounds_with_bills(city, 90, periods)
    hundred = statements(client, url)
    assert "第 1 页，共 3 页" in page(client, url) or "Page 1 of 3" in page(client, url)
    assert hundred == ten, (ten, hundred)
    assert 0 < ten < 30


def test_the_compound_fee_page_costs_the_same_for_many_bills(client, city):
    periods = closed_periods()
    login(client, city.users["street_officer"])
    url = f"/compounds/{city.compound.id}/fees"
    billing.generate_for_city(periods[-1])
    page(client, url)
    few = statements(client, url)
    for _ in range(30):
        HouseholdFactory(building=city.household.building)
    billing.generate_for_city(periods[-1])
    assert statements(client, url) == few


def test_a_page_counts_the_arrears_of_its_own_compounds_and_the_export_of_all(client, city, billed, monkeypatch):
    """The page counts arrears for the rows it shows (the dearest read of the peak hour was every
    unsettled bill of the city grouped by household); each row still carries its full count,
    the same as the export's, on whichever page it falls."""
    from pm_app.fees.reports import arrears, views

    asked: list = []
    counted = arrears.arrears_counts

    def spy(*args, **kwargs):
        asked.append(kwargs.get("compound_ids"))
        return counted(*args, **kwargs)

    monkeypatch.setattr(arrears, "arrears_counts", spy)
    monkeypatch.setattr(views, "PER_PAGE", 1)
    login(client, city.users["regulator"])
    first = page(client, f"/fees?scope=city&{_range()}&lang=en")
    assert asked == [[city.other.id]]  # city.other ranks first (0.0 %): page 1 is its row only
    assert '<td class="num">1</td><td class="num">220.32</td>' in first and city.compound.code not in first
    second = page(client, f"/fees?scope=city&{_range()}&page=2&lang=en")
    assert asked[-1] == [city.compound.id] and city.compound.code in second
    export = client.get(f"/fees/compounds.csv?scope=city&{_range()}&lang=en")
    assert export.status_code == 200 and asked[-1] is None
    assert "220.32" in export.get_data(as_text=True)
