"""Each recipient sees only the alerts addressed to its organisation, in the API and the inbox."""

from __future__ import annotations

from datetime import date

import pytest

from pm_app.org.models import ManagementMode
from tests.alerts.helpers import alerts, contract_ends_in, sweep
from tests.factories import CompoundFactory

# contract_expiring goes to the street, the firm and the committee; the regulator sees the streets' alerts.
SEES_CONTRACT_ALERT = {"admin", "regulator", "street_officer", "firm_staff", "committee_member"}
SEES_UNMANAGED_ALERT = {"admin", "regulator", "street_officer"}


@pytest.fixture
def two_alerts(city):
    sweep("contract_expiring", contract_ends_in(city.contract, 40))
    CompoundFactory(street=city.street, management_mode=ManagementMode.none, acceptance_date=date(2025, 1, 1))
    sweep("compound_unmanaged", date(2026, 6, 1))
    return {a.rule: a for a in alerts()}


@pytest.mark.parametrize(
    "role", ["admin", "regulator", "street_officer", "firm_staff", "contractor_staff", "committee_member"]
)
def test_alerts_reach_only_their_recipients(api, city, two_alerts, role):
    user = api.as_(city.users[role])
    listed = {a["rule"] for a in user.get("/api/v1/alerts").json}
    expected = {
        rule
        for rule, who in (("contract_expiring", SEES_CONTRACT_ALERT), ("compound_unmanaged", SEES_UNMANAGED_ALERT))
        if role in who
    }
    assert listed == expected
    for rule, alert in two_alerts.items():
        status = user.get(f"/api/v1/alerts/{alert.id}").status_code
        assert status == (200 if rule in expected else 404)
        if rule not in expected:
            assert user.post(f"/api/v1/alerts/{alert.id}/ack").status_code == 404


def test_another_streets_officer_sees_none_of_them(api, city, two_alerts):
    from pm_app.auth.models import Role
    from tests.factories import UserFactory

    officer = UserFactory(role=Role.street_officer, streets=[city.other_street])
    assert api.as_(officer).get("/api/v1/alerts").json == []


def test_acknowledge_and_filter(api, city, two_alerts):
    officer = api.as_(city.users["street_officer"])
    alert = two_alerts["contract_expiring"]
    response = officer.post(f"/api/v1/alerts/{alert.id}/ack")
    assert response.status_code == 200 and response.json["state"] == "acknowledged"
    assert [a["id"] for a in officer.get("/api/v1/alerts?state=acknowledged").json] == [alert.id]
    assert officer.get("/api/v1/alerts?rule=compound_unmanaged").json[0]["rule"] == "compound_unmanaged"
    assert officer.post(f"/api/v1/alerts/{alert.id}/resolve").json["state"] == "resolved"
    assert officer.post(f"/api/v1/alerts/{alert.id}/ack").status_code == 409


def test_alert_fields_follow_the_contract(api, city, two_alerts):
    row = api.as_(city.users["admin"]).get("/api/v1/alerts?rule=contract_expiring").json[0]
    assert {
        "id",
        "rule",
        "subject_type",
        "subject_id",
        "compound_id",
        "stage",
        "severity",
        "state",
        "dedup_key",
        "opened_at",
    } <= set(row)


def _login(client, user):
    client.post("/login", data={"username": user.username, "password": "password123"})


def test_inbox_page_lists_and_acknowledges(client, city, two_alerts):
    _login(client, city.users["firm_staff"])
    page = client.get("/alerts").get_data(as_text=True)
    assert "物业服务合同" in page and "无物业管理" not in page
    alert = two_alerts["contract_expiring"]
    assert client.post(f"/alerts/{alert.id}/ack").status_code == 302
    # Acknowledged for the firm's person; the alert itself stays open until the condition is dealt with.
    from pm_app.alerts.acks import acknowledged_by

    assert alerts("contract_expiring")[0].state == "open"
    assert [who for who, _n, _at in acknowledged_by(alert.id)] == [city.users["firm_staff"].id]
    foreign = two_alerts["compound_unmanaged"]
    assert client.post(f"/alerts/{foreign.id}/ack").status_code == 404


def test_unread_count_is_in_scope(app, city, two_alerts):
    from pm_app.alerts.services import unread_count

    assert unread_count(city.users["street_officer"]) == 2
    assert unread_count(city.users["firm_staff"]) == 1
    assert unread_count(city.users["contractor_staff"]) == 0


def test_job_health_page_is_for_admin_and_regulator(client, city, two_alerts):
    _login(client, city.users["street_officer"])
    assert client.get("/jobs/health").status_code == 404
    client.post("/logout")
    _login(client, city.users["regulator"])
    page = client.get("/jobs/health").get_data(as_text=True)
    assert "contract_expiring" in page and "sweep_stale" in page


def test_endpoints_are_configured_by_admin(api, city):
    body = {"audience": "street", "org_id": city.street.id, "channel": "webhook", "target": "ftp://x"}
    assert api.as_(city.users["street_officer"]).post("/api/v1/notification-endpoints", json=body).status_code == 403
    admin = api.as_(city.users["admin"])
    assert admin.post("/api/v1/notification-endpoints", json=body).json["errors"] == {
        "target": ["a webhook needs an http(s) URL"]
    }
    created = admin.post(
        "/api/v1/notification-endpoints", json={**body, "target": "https://qyapi.example/robot", "format": "wecom"}
    )
    assert created.status_code == 201 and created.json["format"] == "wecom"


def test_header_shows_the_unread_count_of_the_callers_scope(client, city, two_alerts):
    _login(client, city.users["street_officer"])
    page = client.get("/compounds").get_data(as_text=True)
    assert '<span class="badge" aria-label="2 条未读">2</span>' in page
    client.post("/logout")
    _login(client, city.users["contractor_staff"])
    assert 'class="badge"' not in client.get("/alerts").get_data(as_text=True)
