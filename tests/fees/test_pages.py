"""The compound fee page (rates, bills, arrears, bill generation), the links to the fee pages
and the locally served plotly.min.js. The bill page is in test_bill_page.py, the overview in
test_overview_page.py.

Text assertions read the English page (?lang=en) where the strings are the fee pages' own, so
they hold before and after the Chinese catalogue catches up; scope and numbers hold in both.
"""

from __future__ import annotations

import pytest

from pm_app.common.clock import today
from pm_app.fees.periods import period_of
from tests.factories import CompoundFactory
from tests.fees.pages import bill_city, login, page

IN_SCOPE = ["admin", "regulator", "street_officer", "firm_staff", "committee_member"]


@pytest.fixture
def billed(city):
    return bill_city(city)


# --- the compound fee page -----------------------------------------------------------------


@pytest.mark.parametrize(
    "role,compound,status",
    [
        *[(role, "compound", 200) for role in IN_SCOPE],
        ("contractor_staff", "compound", 404),
        ("admin", "other", 200),
        ("regulator", "other", 200),
        ("street_officer", "other", 404),
        ("firm_staff", "other", 404),
        ("committee_member", "other", 404),
        ("contractor_staff", "other", 404),
    ],
)
def test_who_opens_a_compounds_fee_page(client, city, billed, role, compound, status):
    login(client, city.users[role])
    body = page(client, f"/compounds/{getattr(city, compound).id}/fees", status)
    if status == 404:
        assert getattr(city, compound).name not in body


def test_the_page_shows_both_rates_for_a_year_a_chart_and_the_latest_periods_bills(client, city, billed):
    body = page(login(client, city.users["street_officer"]), f"/compounds/{city.compound.id}/fees?lang=en")
    first, second, latest = billed["periods"]
    assert f"Bills of {latest}" in body  # the latest billed period by default
    # One of three months paid: 73.44 of 220.32 by amount, 1 of 3 by household, per month 100 % then 0 %.
    assert body.count(">100.0 %<") == 2 and body.count(">0.0 %<") == 4 and ">—<" in body
    assert '<script type="application/json" data-chart>' in body and '"type": "scatter"' in body
    assert "/static/vendor/plotly.min.js?v=" in body and "charts.js" in body and "cdn" not in body.lower()
    assert f'/bills/{billed["latest"].id}"' in body and "Unpaid" in body and "73.44" in body


def test_a_period_and_a_status_narrow_the_bills(client, city, billed):
    login(client, city.users["street_officer"])
    first = billed["periods"][0]
    body = page(client, f"/compounds/{city.compound.id}/fees?period={first}&lang=en")
    assert f'/bills/{billed["paid"].id}"' in body and "Paid" in body
    body = page(client, f"/compounds/{city.compound.id}/fees?period={first}&status=unpaid&lang=en")
    assert f'/bills/{billed["paid"].id}"' not in body and "No bills for this period." in body


def test_without_bills_the_page_opens_on_this_month(client, city):
    body = page(login(client, city.users["street_officer"]), f"/compounds/{city.compound.id}/fees?lang=en")
    assert f"Bills of {period_of(today())}" in body and "No bills for this period." in body


@pytest.mark.parametrize(
    "query", ["period=2026-13", "period=x", "status=castle", "min_periods=0", "min_periods=a", "page=0"]
)
def test_junk_arguments_are_a_bad_request(client, city, billed, query):
    login(client, city.users["street_officer"])
    page(client, f"/compounds/{city.compound.id}/fees?{query}", 400)


@pytest.mark.parametrize("role", ["committee_member", "regulator"])
def test_arrears_name_owners_masked_for_roles_that_may_not_read_them(client, city, billed, role):
    body = page(login(client, city.users[role]), f"/compounds/{city.compound.id}/fees?min_periods=2&lang=en")
    assert "王*明" in body and "138****5678" in body and "王小明" not in body and "13812345678" not in body
    assert "Households in arrears: 1 · Periods owed: 2 · Outstanding: 146.88 yuan" in body


@pytest.mark.parametrize("role", ["street_officer", "firm_staff"])
def test_arrears_name_owners_for_the_street_office_and_the_serving_firm(client, city, billed, role):
    body = page(login(client, city.users[role]), f"/compounds/{city.compound.id}/fees?min_periods=2")
    assert "王小明" in body and "13812345678" in body


def test_arrears_default_to_three_periods(client, city, billed):
    body = page(login(client, city.users["street_officer"]), f"/compounds/{city.compound.id}/fees?lang=en")
    assert "Households in arrears: 0" in body and "No household owes for that many periods." in body


# --- generating bills from the page --------------------------------------------------------


@pytest.mark.parametrize(
    "role,shown", [("street_officer", True), ("regulator", True), ("firm_staff", True), ("committee_member", False)]
)
def test_the_generate_form_is_shown_to_who_may_bill(client, city, role, shown):
    body = page(login(client, city.users[role]), f"/compounds/{city.compound.id}/fees")
    assert (f"/compounds/{city.compound.id}/fees/generate" in body) is shown


def test_generating_reports_created_then_existing(client, city):
    login(client, city.users["street_officer"])
    url = f"/compounds/{city.compound.id}/fees/generate?lang=en"
    response = client.post(url, data={"period": "2026-05"})
    assert response.status_code == 302 and "period=2026-05" in response.headers["Location"]
    assert "Bills for 2026-05: 1 created, 0 already there, 0 not billed." in page(client, response.headers["Location"])
    client.post(url, data={"period": "2026-05"})
    assert "0 created, 1 already there" in page(client, f"/compounds/{city.compound.id}/fees?lang=en")


def test_generating_without_a_contract_says_why_nothing_was_billed(client, city):
    login(client, city.users["street_officer"])
    response = client.post(
        f"/compounds/{city.compound.id}/fees/generate?lang=en", data={"period": "2019-05"}, follow_redirects=True
    )
    body = response.get_data(as_text=True)
    assert "0 created, 0 already there, 1 not billed." in body and "no service contract in force in 2019-05" in body


def test_a_bad_period_is_shown_next_to_the_form_with_422(client, city):
    login(client, city.users["street_officer"])
    response = client.post(f"/compounds/{city.compound.id}/fees/generate?lang=en", data={"period": "2026-13"})
    assert response.status_code == 422 and "Write the month as YYYY-MM" in response.get_data(as_text=True)


def test_a_compound_without_households_is_refused_in_the_page(client, city):
    empty = CompoundFactory(street=city.street)
    login(client, city.users["street_officer"])
    response = client.post(f"/compounds/{empty.id}/fees/generate?lang=en", data={"period": "2019-05"})
    assert response.status_code == 422 and "has no households" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "role,compound,status",
    [
        ("committee_member", "compound", 403),
        ("contractor_staff", "compound", 404),
        ("street_officer", "other", 404),
        ("firm_staff", "other", 404),
    ],
)
def test_who_may_not_generate_gets_403_or_404(client, city, role, compound, status):
    login(client, city.users[role])
    response = client.post(f"/compounds/{getattr(city, compound).id}/fees/generate", data={"period": "2026-05"})
    assert response.status_code == status


# --- links ---------------------------------------------------------------------------------


def test_the_compound_page_and_the_header_link_to_the_fee_pages(client, city):
    body = page(login(client, city.users["street_officer"]), f"/compounds/{city.compound.id}")
    assert f'href="/compounds/{city.compound.id}/fees"' in body and 'href="/fees"' in body


def test_the_contractor_gets_no_fee_links(client, city):
    body = page(login(client, city.users["contractor_staff"]), "/compounds")
    assert 'href="/fees"' not in body


def test_plotly_is_served_from_the_package_with_long_caching(client):
    response = client.get("/static/vendor/plotly.min.js?v=1")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert "max-age=31536000" in response.headers["Cache-Control"] and len(response.data) > 1_000_000
    response.close()


def test_the_fee_page_links_to_the_import_for_those_who_may_import(app, city):
    from tests.fees.pages import login

    for role, shown in (("street_officer", True), ("firm_staff", True), ("committee_member", False)):
        client = app.test_client()
        login(client, city.users[role])
        body = client.get(f"/compounds/{city.compound.id}/fees").get_data(as_text=True)
        assert (f"/compounds/{city.compound.id}/fees/import" in body) is shown, role
