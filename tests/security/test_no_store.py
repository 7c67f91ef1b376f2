"""Pages and API answers with owners' names, phones and arrears carry `Cache-Control: no-store`
(they used to carry nothing, so a shared computer's browser or a proxy kept them); the public
pages everyone reads alike may still be cached."""

from __future__ import annotations

import pytest

from tests.org.conftest import city  # noqa: F401  (the fixture)
from tests.tickets.pages import build, login


@pytest.mark.parametrize("role", ["admin", "street_officer", "firm_staff", "committee_member"])
def test_every_signed_in_page_is_no_store(client, city, role):
    ticket = build(city, reporter_name="张三丰", reporter_phone="13812345678")
    login(client, city.users[role])
    urls = [
        "/",
        f"/compounds/{city.compound.id}",
        f"/tickets/{ticket.id}",
        "/alerts",
        "/no-such-page",
        "/c/GL-0001",
        "/rankings/public",
    ]  # public pages too: a signed-in page names its user
    for url in urls:
        response = client.get(url)
        assert response.headers.get("Cache-Control") == "no-store", (url, response.status_code)


def test_every_api_answer_but_the_public_one_is_no_store(api, city):
    ticket = build(city, reporter_name="张三丰", reporter_phone="13812345678")
    officer = api.as_(city.users["street_officer"])
    for url in (
        f"/api/v1/tickets/{ticket.id}",
        "/api/v1/tickets",
        f"/api/v1/compounds/{city.compound.id}",
        "/api/v1/tickets/999999",
    ):
        assert officer.get(url).headers.get("Cache-Control") == "no-store", url
    assert api.client.get("/api/v1/tickets").headers.get("Cache-Control") == "no-store"  # 401 too


def test_public_pages_may_be_cached_and_the_reporters_receipt_may_not(client, city):
    for url in (
        "/c/GL-0001",
        "/c/GL-0001/poster",
        "/rankings/public",
        "/api/v1/public/rankings",
        "/static/vendor/plotly.min.js",
    ):
        response = client.get(url)
        assert "no-store" not in response.headers.get("Cache-Control", ""), url
    receipt = client.post(
        "/c/GL-0001", data={"what": "water", "priority": "normal", "description": "3号楼楼道顶上漏水"}
    )
    assert client.get(receipt.headers["Location"]).headers.get("Cache-Control") == "no-store"
    assert client.get("/login").headers.get("Cache-Control") == "no-store"
