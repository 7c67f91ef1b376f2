"""The works and warranty pages: a compound's works, a project, the street's expiring list and
/warranties — who opens which (404 outside scope, 403 for forms one may not use), what the forms
do, and that the expiring list is the API's list.

Text assertions read the English page (?lang=en); scope and numbers hold in both languages.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from pm_app.extensions import db
from pm_app.warranties.inspections import record_inspection
from pm_app.warranties.models import ClaimState, RenovationProject, WarrantyClaim, WarrantyItem
from tests.warranties.pages import (
    build_item,
    compounds_with_expiring_items,
    hidden,
    login,
    other_contractor_project,
    page,
    statements,
)

ROLES = ["admin", "regulator", "street_officer", "firm_staff", "committee_member", "contractor_staff"]
CITY_WIDE = ["admin", "regulator"]


@pytest.fixture
def works(city, project):
    """`project` (城东-style, accepted 2021-06-30) with a road item ending 2026-06-30 and a wall
    item ending 2031-06-30, and another contractor's project in the other street."""
    own = db.session.get(RenovationProject, project["id"])
    road = build_item(city.users["street_officer"], own, quantity="35917.00", unit="m²", location="主干道")
    wall = build_item(city.users["street_officer"], own, category="wall_fence", description="围墙翻新")
    return {"project": own, "road": road, "wall": wall, "foreign": other_contractor_project(city)}


def _open_claim(city, works, day="2026-03-01"):
    """An inspection finding on the road item, inside its warranty: one open claim."""
    record_inspection(
        city.users["street_officer"],
        {
            "compound_id": city.compound.id,
            "inspected_on": date.fromisoformat(day),
            "participants": "街道, 物业",
            "score": 80,
            "findings": [{"description": "路面开裂", "warranty_item_id": works["road"].id}],
        },
    )
    return db.session.scalar(select(WarrantyClaim).where(WarrantyClaim.project_id == works["project"].id))


# --- who opens which page ------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,compound,status",
    [
        *[(role, "compound", 200) for role in ROLES],
        *[(role, "other", 200 if role in CITY_WIDE else 404) for role in ROLES],
    ],
)
def test_who_opens_a_compounds_works_page(client, city, works, role, compound, status):
    login(client, city.users[role])
    body = page(client, f"/compounds/{getattr(city, compound).id}/works?lang=en", status)
    if status == 200 and compound == "compound":
        assert "2021年东门新村改造工程" in body and "路面硬化" in body and "南门花园改造工程" not in body
    if status == 404:
        assert "南门" not in body


@pytest.mark.parametrize(
    "role,which,status",
    [
        *[(role, "project", 200) for role in ROLES],
        *[(role, "foreign", 200 if role in CITY_WIDE else 404) for role in ROLES],
    ],
)
def test_who_opens_a_project_page(client, city, works, role, which, status):
    """A contractor sees its own project, not another contractor's; a committee its compound's."""
    login(client, city.users[role])
    body = page(client, f"/projects/{works[which].id}?lang=en", status)
    if status == 200:
        assert works[which].name in body


@pytest.mark.parametrize("role", ROLES)
def test_everyone_opens_the_lists_and_sees_only_their_items(client, city, works, role):
    login(client, city.users[role])
    expiring = page(client, "/warranties/expiring?within=180&as_of=2026-03-01&lang=en")
    listed = page(client, "/warranties?lang=en")
    for body in (expiring, listed):
        assert ("南门路面" in body) is (role in CITY_WIDE)
        assert "路面硬化" in body
    assert ("My warranties" in listed) is (role == "contractor_staff")


def test_the_compound_page_and_the_header_link_to_the_works(client, city, works):
    body = page(login(client, city.users["committee_member"]), f"/compounds/{city.compound.id}")
    assert f'href="/compounds/{city.compound.id}/works"' in body and 'href="/warranties"' in body


# --- the compound's works page -------------------------------------------------------------


def test_items_show_state_and_days_left_and_filter_by_state_and_category(client, city, works):
    login(client, city.users["street_officer"])
    url = f"/compounds/{city.compound.id}/works?lang=en&as_of=2026-03-01"
    body = page(client, url)
    assert "Expiring" in body and "121 days left" in body and "35917.00 m²" in body and "主干道" in body
    road, wall = (f'data-item="{works[name].id}"' for name in ("road", "wall"))
    active = page(client, url + "&state=active")
    assert wall in active and road not in active
    assert wall not in page(client, url + "&category=road_paving")
    page(client, url + "&state=castle", 400)
    page(client, url + "&category=paint", 400)


def test_the_page_has_the_chart_of_ends_and_its_table(client, city, works):
    body = page(login(client, city.users["street_officer"]), f"/compounds/{city.compound.id}/works?lang=en")
    assert '<script type="application/json" data-chart>' in body and '"type": "scatter"' in body
    assert "plotly.min.js" in body and "Warranty ends by category" in body
    assert "2026-06-30" in body and "2031-06-30" in body


def test_inspections_list_findings_and_the_claims_they_opened(client, city, works):
    _open_claim(city, works)
    body = page(login(client, city.users["committee_member"]), f"/compounds/{city.compound.id}/works?lang=en")
    assert "路面开裂" in body and "in warranty" in body and '<td class="num">1</td>' in body


@pytest.mark.parametrize(
    "role,shown",
    [
        ("street_officer", True),
        ("regulator", True),
        ("firm_staff", False),
        ("committee_member", False),
        ("contractor_staff", False),
    ],
)
def test_the_forms_are_shown_to_who_may_manage_the_works(client, city, works, role, shown):
    body = page(login(client, city.users[role]), f"/compounds/{city.compound.id}/works")
    assert (f"/compounds/{city.compound.id}/works/projects" in body) is shown


# --- the forms of the compound page --------------------------------------------------------


def test_a_project_is_registered_from_the_page_with_funding_and_deposit(client, city):
    login(client, city.users["street_officer"])
    response = client.post(
        f"/compounds/{city.compound.id}/works/projects?lang=en",
        data={
            "project-name": "2022年加装电梯工程",
            "project-year": "2022",
            "project-renovation_type": "improvement",
            "project-contractor_id": str(city.contractor.id),
            "project-acceptance_date": "2022-09-30",
            "project-contract_amount": "12000000",
            "project-deposit": "300000.00",
            "project-deposit_release_date": "2024-09-30",
            "project-funding_central": "1000000",
            "project-funding_residents": "250000.50",
        },
    )
    assert response.status_code == 302, response.text[:2000]
    project = db.session.scalar(select(RenovationProject).where(RenovationProject.name == "2022年加装电梯工程"))
    assert project.deposit_fen == 30_000_000 and {f.source.value: f.amount_fen for f in project.funding} == {
        "central": 100_000_000,
        "residents": 25_000_050,
    }
    body = page(client, response.headers["Location"] + "?lang=en")
    assert "1,250,000.50" in body and "Held" in body


def test_a_project_without_a_contractor_is_refused_next_to_the_form(client, city):
    login(client, city.users["street_officer"])
    response = client.post(
        f"/compounds/{city.compound.id}/works/projects?lang=en",
        data={
            "project-name": "x",
            "project-year": "2022",
            "project-acceptance_date": "2022-09-30",
            "project-deposit": "abc",
        },
    )
    assert response.status_code == 422 and "Write an amount in yuan" in response.get_data(as_text=True)


def test_an_item_is_added_from_the_page_and_its_end_computed(client, city, works):
    login(client, city.users["street_officer"])
    response = client.post(
        f"/compounds/{city.compound.id}/works/items?lang=en",
        data={
            "item-project_id": str(works["project"].id),
            "item-category": "accessibility",
            "item-description": "无障碍坡道",
            "item-quantity": "12",
            "item-unit": "处",
        },
    )
    assert response.status_code == 302
    item = db.session.scalar(select(WarrantyItem).where(WarrantyItem.description == "无障碍坡道"))
    assert str(item.warranty_end) == "2031-06-30"


def test_years_below_the_minimum_show_the_minimum_and_its_source(client, city, works):
    login(client, city.users["street_officer"])
    response = client.post(
        f"/compounds/{city.compound.id}/works/items?lang=en",
        data={
            "item-project_id": str(works["project"].id),
            "item-category": "wall_fence",
            "item-description": "围墙",
            "item-warranty_years": "5",
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "at least 10 for wall_fence (吉市政办发〔2020〕5号 §九(十二))" in body
    assert "(at least 10 years)" in body  # the category select shows each minimum


def test_an_inspection_is_recorded_from_the_page_and_opens_a_claim(client, city, works):
    login(client, city.users["street_officer"])
    response = client.post(
        f"/compounds/{city.compound.id}/works/inspections?lang=en",
        data={
            "inspection-inspected_on": "2026-03-01",
            "inspection-participants": "街道办、物业、施工单位",
            "inspection-score": "0",
            "inspection-summary": "预到期联合检查",
            "inspection-findings-0-text": "路面沉降",
            "inspection-findings-0-item_id": str(works["road"].id),
            "inspection-findings-1-text": "绿化缺株",
            "inspection-findings-1-item_id": "",
        },
        follow_redirects=True,
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "1 warranty claim(s) opened" in body and "绿化缺株" in body
    assert db.session.scalar(select(func.count()).select_from(WarrantyClaim)) == 1


@pytest.mark.parametrize(
    "role,compound,status",
    [
        ("committee_member", "compound", 403),
        ("firm_staff", "compound", 403),
        ("contractor_staff", "compound", 403),
        ("street_officer", "other", 404),
        ("firm_staff", "other", 404),
        ("contractor_staff", "other", 404),
    ],
)
@pytest.mark.parametrize("form", ["projects", "items", "inspections"])
def test_who_may_not_manage_the_works_gets_403_or_404(client, city, works, role, compound, status, form):
    login(client, city.users[role])
    response = client.post(f"/compounds/{getattr(city, compound).id}/works/{form}", data={})
    assert response.status_code == status


# --- the project page ----------------------------------------------------------------------


def test_the_project_page_shows_funding_with_its_total_and_the_deposit(client, city, works):
    body = page(login(client, city.users["committee_member"]), f"/projects/{works['project'].id}?lang=en")
    assert "40,000,000.00" in body and "1,200,000.00" in body and "Central government" in body and "Held" in body
    assert "/deposit/release" not in body  # the committee reads, it does not decide


def test_a_release_while_a_claim_is_open_shows_the_services_message(client, city, works):
    _open_claim(city, works)
    login(client, city.users["street_officer"])
    response = client.post(
        f"/projects/{works['project'].id}/deposit/release?lang=en", data={"release-reason": "质保期满", "confirm": "1"}
    )
    assert response.status_code == 409
    assert "cannot be released while 1 warranty claim(s) of this project are open" in response.get_data(as_text=True)
    assert works["project"].deposit_returned_fen == 0


def test_a_forfeit_then_a_release_leave_the_deposit_partly_forfeited_with_who_and_why(client, city, works):
    login(client, city.users["street_officer"])
    url = f"/projects/{works['project'].id}/deposit"
    forfeit = {"forfeit-amount": "200000", "forfeit-reason": "代修路面"}
    asked = client.post(f"{url}/forfeit?lang=en", data=forfeit)  # irreversible: the page asks first
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Forfeit 200,000.00 yuan" in text and "loses this money for good" in text
    assert 'name="forfeit-reason" type="hidden" value="代修路面"' in text  # what was typed goes with the confirmation
    assert works["project"].deposit_forfeited_fen == 0
    assert client.post(f"{url}/forfeit", data={**forfeit, "confirm": "1"}).status_code == 302
    assert client.post(f"{url}/release", data={"release-reason": ""}).status_code == 422
    asked = client.post(f"{url}/release?lang=en", data={"release-reason": "质保期满"})
    assert asked.status_code == 200 and "Release 1,000,000.00 yuan" in asked.get_data(as_text=True)
    assert works["project"].deposit_returned_fen == 0
    assert client.post(f"{url}/release", data={"release-reason": "质保期满", "confirm": "1"}).status_code == 302
    body = page(client, f"/projects/{works['project'].id}?lang=en")
    assert "Partly forfeited" in body and "代修路面" in body and "200,000.00" in body and "1,000,000.00" in body
    assert city.users["street_officer"].username in body or (city.users["street_officer"].display_name or "") in body


@pytest.mark.parametrize("role,status", [("committee_member", 403), ("contractor_staff", 403), ("firm_staff", 403)])
def test_who_may_not_decide_on_the_deposit_gets_403(client, city, works, role, status):
    login(client, city.users[role])
    response = client.post(f"/projects/{works['project'].id}/deposit/release", data={"release-reason": "x"})
    assert response.status_code == status


def test_the_contractor_closes_its_claim_with_a_note(client, city, works):
    claim = _open_claim(city, works)
    login(client, city.users["contractor_staff"])
    url = f"/projects/{works['project'].id}/claims/{claim.id}/close?lang=en"
    body = page(client, f"/projects/{works['project'].id}?lang=en")
    assert "Close the claim" in body
    assert client.post(url, data={"close-note": ""}).status_code == 422
    asked = client.post(url, data={"close-note": "已重新铺设"})
    assert asked.status_code == 200 and "cannot be reopened" in asked.get_data(as_text=True)
    assert claim.state != ClaimState.closed
    assert client.post(url, data={"close-note": "已重新铺设", "confirm": "1"}).status_code == 302
    assert claim.state == ClaimState.closed and "已重新铺设" in page(client, f"/projects/{works['project'].id}")


def test_a_committee_member_may_not_close_a_claim_and_a_foreign_one_is_404(client, city, works):
    claim = _open_claim(city, works)
    login(client, city.users["committee_member"])
    assert (
        client.post(f"/projects/{works['project'].id}/claims/{claim.id}/close", data={"close-note": "x"}).status_code
        == 403
    )
    login(client, city.users["street_officer"])
    assert (
        client.post(f"/projects/{works['foreign'].id}/claims/{claim.id}/close", data={"close-note": "x"}).status_code
        == 404
    )


# --- the expiring list ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["street_officer", "regulator", "contractor_staff"])
@pytest.mark.parametrize(
    "within,as_of", [(30, "2026-05-31"), (90, "2026-04-01"), (180, "2026-01-01"), (90, "2026-06-30")]
)
def test_the_expiring_list_is_the_apis_list(client, api, city, works, role, within, as_of):
    user = city.users[role]
    expected = [
        i["id"]
        for i in api.as_(user)
        .get(f"/api/v1/warranty-items?expiring_within_days={within}&as_of={as_of}&page_size=100")
        .json
    ]
    body = page(login(client, user), f"/warranties/expiring?within={within}&as_of={as_of}&lang=en")
    assert [int(n) for n in re.findall(r'data-item="(\d+)"', body)] == expected


def test_the_expiring_list_defaults_to_90_days_and_refuses_other_windows(client, city, works):
    login(client, city.users["street_officer"])
    assert '<option value="90" selected>' in page(client, "/warranties/expiring")
    page(client, "/warranties/expiring?within=45", 400)
    page(client, "/warranties/expiring?as_of=2026-13-01", 400)
    page(client, "/warranties/expiring?sort=castle", 400)


def test_the_expiring_list_exports_the_same_items(client, city, works):
    login(client, city.users["street_officer"])
    response = client.get("/warranties/expiring.csv?within=180&as_of=2026-03-01&lang=en")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and text.startswith("\ufeffCompound code,")
    assert "GL-0001" in text and "路面硬化" in text and "2026-06-30,121" in text and "围墙" not in text
    assert client.get("/warranties/expiring.xlsx?within=180&as_of=2026-03-01").status_code == 200


def test_the_expiring_list_costs_the_same_for_2_and_20_compounds(client, city, works):
    url = "/warranties/expiring?within=180&as_of=2026-03-01&sort=compound"
    login(client, city.users["street_officer"])
    compounds_with_expiring_items(city, 1, city.contractor)
    page(client, url)  # warm-up
    two = statements(client, url)
    compounds_with_expiring_items(city, 18, city.contractor)
    twenty = statements(client, url)
    assert "20 warranty items end" in page(client, url + "&lang=en")
    assert twenty == two and two < 20, (two, twenty)


# --- /warranties ---------------------------------------------------------------------------


def test_the_contractor_sees_its_items_by_state_and_its_open_claims(client, city, works):
    _open_claim(city, works)
    body = page(login(client, city.users["contractor_staff"]), "/warranties?lang=en&as_of=2026-03-01")
    assert "My warranties" in body and "路面开裂" in body and "南门" not in body
    assert page(client, "/warranties?lang=en&as_of=2026-03-01&state=active").count("围墙翻新") == 1
    page(client, "/warranties?state=castle", 400)


# --- language and CSRF ---------------------------------------------------------------------


def test_the_pages_are_in_chinese_by_default(client, city, works):
    body = page(login(client, city.users["street_officer"]), f"/compounds/{city.compound.id}/works")
    assert "改造工程与质保" in body and "质量保证金" in body and "工程质保" in body and "Warranty items" not in body


def test_every_works_form_refuses_a_post_without_the_csrf_token(city, works, csrf_client):
    claim = _open_claim(city, works)
    token = hidden(page(csrf_client, "/login"), "csrf_token")
    user = city.users["street_officer"]
    assert (
        csrf_client.post(
            "/login", data={"csrf_token": token, "username": user.username, "password": "password123"}
        ).status_code
        == 302
    )
    project = works["project"].id
    for url, data in (
        (f"/compounds/{city.compound.id}/works/projects", {"project-name": "x"}),
        (f"/compounds/{city.compound.id}/works/items", {"item-description": "x"}),
        (f"/compounds/{city.compound.id}/works/inspections", {"inspection-score": "1"}),
        (f"/projects/{project}/deposit/forfeit", {"forfeit-reason": "x"}),
        (f"/projects/{project}/claims/{claim.id}/close", {"close-note": "x"}),
    ):
        assert csrf_client.post(url, data=data).status_code == 400, url
    body = page(csrf_client, f"/projects/{project}")
    asked = csrf_client.post(
        f"/projects/{project}/deposit/forfeit",
        data={
            "forfeit-csrf_token": hidden(body, "forfeit-csrf_token"),
            "forfeit-amount": "1",
            "forfeit-reason": "代修",
        },
    )
    asked = asked.get_data(as_text=True)  # the confirmation page posts the form again, with a token of its own
    response = csrf_client.post(
        f"/projects/{project}/deposit/forfeit",
        data={
            name: hidden(asked, name)
            for name in ("csrf_token", "forfeit-csrf_token", "forfeit-amount", "forfeit-reason", "confirm")
        },
    )
    assert response.status_code == 302 and works["project"].deposit_forfeited_fen == 100


def test_the_project_page_links_to_the_item_import_for_those_who_register_works(app, city, project):
    for role, shown in (
        ("street_officer", True),
        ("regulator", True),
        ("contractor_staff", False),
        ("committee_member", False),
    ):
        client = app.test_client()
        login(client, city.users[role])
        body = client.get(f"/projects/{project['id']}").get_data(as_text=True)
        assert (f"/projects/{project['id']}/items/import" in body) is shown, role
