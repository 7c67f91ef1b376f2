"""Issue 27 on /warranties: soonest-expiring first (the items still in warranty by their end day,
then the lapsed ones), filters by state, category, compound and project kept in the query string
and the export; the contractor's claims named and found by their ticket's tracking code (受理编号),
as everyone else names them, never by the claim's internal id."""

from __future__ import annotations

import re
from datetime import date

import pytest

from pm_app.extensions import db
from pm_app.warranties import services
from pm_app.warranties.inspections import record_inspection
from pm_app.warranties.models import RenovationProject
from tests.dashboards.conftest import add_ticket
from tests.warranties.pages import build_item, login, other_contractor_project, page


@pytest.fixture
def works(city, project):
    own = db.session.get(RenovationProject, project["id"])
    road = build_item(city.users["street_officer"], own, description="路面硬化")  # ends 2026-06-30
    wall = build_item(city.users["street_officer"], own, category="wall_fence", description="围墙翻新")  # 2031-06-30
    return {"project": own, "road": road, "wall": wall, "foreign": other_contractor_project(city)}


def order(body: str) -> list[str]:
    return re.findall(r'data-item="(\d+)"', body)


def test_items_in_warranty_come_first_soonest_ending_first(client, city, works):
    login(client, city.users["street_officer"])
    road, wall = str(works["road"].id), str(works["wall"].id)
    assert order(page(client, "/warranties?as_of=2026-03-01")) == [road, wall]
    # once the road has lapsed it goes below the wall, which is still in warranty
    assert order(page(client, "/warranties?as_of=2026-08-01")) == [wall, road]


def test_filters_narrow_the_list_and_travel_to_the_export(client, city, works):
    login(client, city.users["admin"])
    road, wall = str(works["road"].id), str(works["wall"].id)
    assert order(page(client, "/warranties?category=wall_fence")) == [wall]
    expiring = order(page(client, "/warranties?state=expiring&as_of=2026-03-01"))
    assert road in expiring and wall not in expiring
    foreign = works["foreign"]
    body = page(client, f"/warranties?compound_id={foreign.compound_id}")
    assert "南门路面" in body and "路面硬化" not in body
    # a compound chosen, its projects become a choice
    assert f'<option value="{foreign.id}">' in body
    assert order(
        page(
            client, f"/warranties?compound_id={city.compound.id}&project_id={works['project'].id}&category=road_paving"
        )
    ) == [road]
    listed = page(client, "/warranties?category=wall_fence&as_of=2026-03-01")
    assert 'href="/warranties/export.csv?as_of=2026-03-01&amp;category=wall_fence"' in listed
    exported = client.get("/warranties/export.csv?as_of=2026-03-01&category=wall_fence")
    text = exported.get_data(as_text=True)
    assert exported.status_code == 200 and "围墙翻新" in text and "路面硬化" not in text and "在质保期内" in text


def test_the_filters_are_labelled_in_chinese(client, city, works):
    body = page(login(client, city.users["street_officer"]), "/warranties")
    for words in ("在质保期内", "即将到期（180 天内）", "已过保", "质保类别", "筛选"):
        assert words in body


@pytest.mark.parametrize(
    "query,label",
    [("state=castle", "状态"), ("compound_id=abc", "小区"), ("category=paint", "类别"), ("project_id=-3", "改造项目")],
)
def test_a_filter_it_cannot_mean_is_a_400_naming_the_field_in_chinese(client, city, works, query, label):
    body = page(login(client, city.users["street_officer"]), f"/warranties?{query}", 400)
    assert f"<strong>{label}</strong>" in body and "不在可选范围内" in body


def _claims(city, works):
    """One claim opened by a ticket (its tracking code) and one by a joint inspection (none)."""
    ticket = add_ticket(city.compound, firm_id=city.contractor.id, category="road")
    by_ticket = services.claim_for_ticket(works["road"], ticket.id, "井盖松动")
    record_inspection(
        city.users["street_officer"],
        {
            "compound_id": city.compound.id,
            "inspected_on": date(2026, 3, 1),
            "participants": "街道, 物业",
            "score": 80,
            "findings": [{"description": "墙面开裂", "warranty_item_id": works["wall"].id}],
        },
    )
    db.session.flush()
    return ticket, by_ticket


def test_the_contractor_reads_and_finds_its_claims_by_tracking_code(client, city, works):
    ticket, claim = _claims(city, works)
    login(client, city.users["contractor_staff"])
    body = page(client, "/warranties")
    assert "受理编号" in body and "按受理编号查找" in body
    assert f'<a href="/tickets/{ticket.id}" class="code">{ticket.tracking_code}</a>' in body
    assert "联合检查发现" in body and f"<td>{claim.id}</td>" not in body
    # read out over the phone: lower case, blanks and dashes, full-width digits
    typed = (
        ticket.tracking_code.lower()[:4]
        + " - "
        + ticket.tracking_code[4:].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    )
    found = client.get("/warranties", query_string={"claim": typed})
    found_body = found.get_data(as_text=True)
    claims = found_body[found_body.index('id="claims"') :]
    assert found.status_code == 200 and "井盖松动" in claims and "墙面开裂" not in claims
    missing = client.get("/warranties", query_string={"claim": "NOPE0000"}).get_data(as_text=True)
    assert "没有受理编号为 NOPE0000 的保修单。" in missing


def test_the_contractor_home_names_claims_by_code_and_links_to_their_list(client, city, works):
    ticket, _claim = _claims(city, works)
    body = page(login(client, city.users["contractor_staff"]), "/")
    assert ticket.tracking_code in body and f"#{ticket.id}" not in body
    tiles = body[body.index('class="tiles"') : body.index("</section>", body.index('class="tiles"'))]
    assert 'href="/warranties#claims">2</a>' in tiles


def test_the_project_page_names_its_claims_by_code(client, city, works):
    ticket, _claim = _claims(city, works)
    body = page(login(client, city.users["street_officer"]), f"/projects/{works['project'].id}")
    assert ticket.tracking_code in body and "联合检查发现" in body
