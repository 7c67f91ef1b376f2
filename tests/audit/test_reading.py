"""Reading the trail: the admin reads all of it, the regulator the business records only (no
account records, no refusals), every other role gets 404 from the page and the API; filters by
actor, kind, object, action and UTC days; pages."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from pm_app.common.clock import city_seconds, now
from tests.security.conftest import login


def test_the_admin_reads_everything_with_filters_and_pages(world, api):
    admin = api.as_(world.city.users["admin"])
    api.as_(world.city.users["firm_staff"]).get(f"/api/v1/bills/{world.ids['bill']['other']}")  # one refusal
    kinds = {e["kind"] for e in admin.get("/api/v1/audit-events?page_size=500").json}
    assert {"user", "request", "payment", "bill", "ledger_entry"} <= kinds
    payment_id = str(world.ids["payment"]["own"])
    rows = admin.get(f"/api/v1/audit-events?kind=payment&object_id={payment_id}").json
    assert len(rows) == 1 and rows[0]["action"] == "create" and rows[0]["after"]["amount_fen"] == 1000
    firm = world.city.users["firm_staff"]
    by_name = admin.get(f"/api/v1/audit-events?actor={firm.username}").json
    by_id = admin.get(f"/api/v1/audit-events?actor={firm.id}").json
    assert by_name == by_id and by_name and {e["actor_id"] for e in by_name} == {firm.id}
    assert {e["action"] for e in admin.get("/api/v1/audit-events?action=denied").json} == {"denied"}
    today, yesterday = now().date(), now().date() - timedelta(days=1)
    assert admin.get(f"/api/v1/audit-events?since={today}&page_size=1").json
    assert admin.get(f"/api/v1/audit-events?until={yesterday}").json == []
    paged = admin.get("/api/v1/audit-events?page_size=2&page=2")
    assert len(paged.json) == 2 and json.loads(paged.headers["X-Pagination"])["total"] > 10
    assert admin.get("/api/v1/audit-events?action=rewrite").status_code == 422


def test_the_regulator_reads_the_business_trail_but_not_accounts_or_refusals(world, api):
    regulator = api.as_(world.city.users["regulator"])
    api.as_(world.city.users["firm_staff"]).get(f"/api/v1/bills/{world.ids['bill']['other']}")
    kinds = {e["kind"] for e in regulator.get("/api/v1/audit-events?page_size=500").json}
    assert {"payment", "bill", "ranking_period"} <= kinds and not kinds & {"user", "request", "login"}
    assert regulator.get("/api/v1/audit-events?kind=user").json == []


@pytest.mark.parametrize("role", ["street_officer", "firm_staff", "contractor_staff", "committee_member"])
def test_other_roles_find_no_trail(world, api, client, role):
    user = world.city.users[role]
    assert api.as_(user).get("/api/v1/audit-events").status_code == 404
    login(client, user)
    assert client.get("/audit").status_code == 404


def test_the_page_lists_filters_and_masks(world, client, app):
    login(client, world.city.users["admin"])
    page = client.get("/audit?kind=user&lang=en")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Audit trail" in body and '"password_hash": "***"' in body
    assert "scrypt:" not in body
    assert client.get("/audit?since=not-a-day").status_code == 400
    regulator = app.test_client()
    login(regulator, world.city.users["regulator"])
    body = regulator.get("/audit?lang=en").get_data(as_text=True)
    assert "ledger_entry" in body and "password_hash" not in body


def test_the_page_shows_the_citys_clock(world, client, api):
    admin = world.city.users["admin"]
    newest = api.as_(admin).get("/api/v1/audit-events?kind=user&page_size=1").json[0]
    moment = datetime.fromisoformat(newest["at"])
    login(client, admin)
    body = client.get("/audit?kind=user").get_data(as_text=True)
    assert city_seconds(moment) in body  # UTC would be eight hours off


def test_a_records_codes_read_as_labels_of_every_domain(app):
    """The audit page's records: a payment's method, a bill's status, a ticket's state are words,
    not codes (the crawler found 'paid unpaid wechat' there)."""
    from pm_app.audit.readable import record_text

    with app.test_request_context("/audit?lang=zh"):
        text = str(
            record_text(
                {
                    "status": "paid",
                    "method": "wechat",
                    "ticket": {"status": "resolved"},
                    "management_mode": "self_managed",
                }
            )
        )
    assert "微信" in text and '"paid"' not in text and '"self_managed"' not in text and '"resolved"' not in text


def test_the_kind_column_and_filter_read_as_labels(world, client):
    """The 类型 column showed table names (service_contract, ranking_adjustment) and the filter asked
    for them typed; both are labels now, and the filter still narrows to the kind chosen."""
    login(client, world.city.users["admin"])
    body = client.get("/audit?kind=user&lang=zh").get_data(as_text=True)
    assert "<td>账号</td>" in body and "<td><code>user</code></td>" not in body
    assert '<option value="service_contract">服务合同</option>' in body
    assert '<option value="user" selected>账号</option>' in body
