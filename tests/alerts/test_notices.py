"""Every hand-off reaches its party through the alerts' outbox, and only it: a ledger query the
books' keeper, a deduction, a review opening and an appeal decision the firm, a dispatch the named
person, a resolved repair the party that reported it. Each notice opens its object (/alerts/<id>/go),
leaves the inbox once done, and goes out by e-mail or webhook where the party configured one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pm_app.alerts.models import Delivery, NotificationEndpoint
from pm_app.auth.models import Role
from pm_app.extensions import db
from tests.committees.conftest import entry_ok
from tests.factories import UserFactory
from tests.tickets.conftest import move
from tests.tickets.pages import build, hours_ago, login


def inbox(api, user, rule: str) -> list[dict]:
    response = api.as_(user).get(f"/api/v1/alerts?rule={rule}&state=open")
    assert response.status_code == 200, response.json
    return response.json


@pytest.fixture
def others(city):
    return {
        "firm_mate": UserFactory(role=Role.firm_staff, firm=city.firm),
        "other_firm": UserFactory(role=Role.firm_staff, firm=city.other_firm),
        "other_committee": UserFactory(role=Role.committee_member, compound=city.other),
    }


# --- ledger queries ----------------------------------------------------------------------------


def _query(api, city) -> dict:
    entry = entry_ok(api, city.users["firm_staff"], city.compound.id)
    response = api.as_(city.users["committee_member"]).post(
        f"/api/v1/ledger/{city.compound.id}/entries/{entry['id']}/queries", json={"question": "这笔租金是哪个月的？"}
    )
    assert response.status_code == 201, response.json
    return response.json


def test_a_ledger_query_notifies_the_firm_keeping_the_books_and_no_one_else(api, city, others):
    query = _query(api, city)
    [notice] = inbox(api, city.users["firm_staff"], "notice_ledger_query")
    assert notice["subject_type"] == "ledger_query" and notice["subject_id"] == query["id"]
    assert "这笔租金是哪个月的" in notice["title"]
    assert inbox(api, others["firm_mate"], "notice_ledger_query") == [notice]  # the firm, not one person
    for user in (others["other_firm"], city.users["committee_member"], city.users["contractor_staff"]):
        assert inbox(api, user, "notice_ledger_query") == []


def test_answering_the_query_takes_the_notice_out_of_the_inbox(api, city):
    query = _query(api, city)
    response = api.as_(city.users["firm_staff"]).post(
        f"/api/v1/ledger-queries/{query['id']}/answer", json={"answer": "是1月的租金，见合同第3条"}
    )
    assert response.status_code == 200, response.json
    assert inbox(api, city.users["firm_staff"], "notice_ledger_query") == []


def test_the_notice_opens_the_query_to_answer(client, api, city):
    query = _query(api, city)
    [notice] = inbox(api, city.users["firm_staff"], "notice_ledger_query")
    login(client, city.users["firm_staff"])
    response = client.get(f"/alerts/{notice['id']}/go")
    assert response.status_code == 302 and response.location.endswith(f"/accounts/queries?open=1#query-{query['id']}")
    body = client.get("/accounts/queries?open=1").get_data(as_text=True)
    assert f'id="query-{query["id"]}"' in body and "这笔租金是哪个月的" in body
    # another firm cannot follow the notice at all
    client.post("/logout")
    login(client, UserFactory(role=Role.firm_staff, firm=city.other_firm))
    assert client.get(f"/alerts/{notice['id']}/go").status_code == 404


def test_a_notice_goes_by_email_where_the_firm_configured_it(api, city):
    db.session.add(
        NotificationEndpoint(
            audience="firm",
            org_id=city.firm.id,
            channel="email",
            target="caiwu@jia-wuye.example",
            format="json",
            active=True,
        )
    )
    db.session.flush()
    _query(api, city)
    [notice] = inbox(api, city.users["firm_staff"], "notice_ledger_query")
    channels = set(db.session.scalars(select(Delivery.channel).where(Delivery.alert_id == notice["id"])))
    assert channels == {"inbox", "email"}


# --- rankings ----------------------------------------------------------------------------------


def _period(api, city) -> int:
    regulator = city.users["regulator"]
    created = api.as_(regulator).post("/api/v1/rankings/periods", json={"period": "2026Q2"})
    assert created.status_code == 201, created.json
    assert api.as_(regulator).post(f"/api/v1/rankings/periods/{created.json['id']}/compute").status_code == 200
    return created.json["id"]


def _deduct(api, city, period_id, firm) -> dict:
    response = api.as_(city.users["regulator"]).post(
        "/api/v1/deductions",
        json={"period_id": period_id, "firm_id": firm.id, "points": "3", "reason": "消防通道堵塞未整改"},
    )
    assert response.status_code == 201, response.json
    return response.json


def test_opening_the_review_notifies_each_firm_measured_of_its_own_score(api, city, others):
    period_id = _period(api, city)
    _deduct(api, city, period_id, city.firm)  # in draft: not sent on its own, counted by the review's notice
    assert inbox(api, city.users["firm_staff"], "notice_deduction") == []
    assert api.as_(city.users["regulator"]).post(f"/api/v1/rankings/periods/{period_id}/review").status_code == 200
    [mine] = inbox(api, city.users["firm_staff"], "notice_review_opened")
    [theirs] = inbox(api, others["other_firm"], "notice_review_opened")
    assert mine["id"] != theirs["id"] and "扣分 1 项" in mine["title"] and "扣分 0 项" in theirs["title"]
    for user in (city.users["committee_member"], city.users["contractor_staff"], city.users["street_officer"]):
        assert inbox(api, user, "notice_review_opened") == []


def test_a_deduction_in_review_and_the_decision_on_its_appeal_notify_the_firm_only(client, api, city, others):
    period_id = _period(api, city)
    api.as_(city.users["regulator"]).post(f"/api/v1/rankings/periods/{period_id}/review")
    deduction = _deduct(api, city, period_id, city.firm)
    [notice] = inbox(api, city.users["firm_staff"], "notice_deduction")
    assert "扣 3" in notice["title"] and inbox(api, others["other_firm"], "notice_deduction") == []
    login(client, city.users["firm_staff"])
    assert client.get(f"/alerts/{notice['id']}/go").location.endswith(
        f"/rankings/periods/{period_id}/firms/{city.firm.id}"
    )
    appeal = api.as_(city.users["firm_staff"]).post(
        "/api/v1/appeals", json={"deduction_id": deduction["id"], "grounds": "当日已整改，有照片为证"}
    )
    assert appeal.status_code == 201, appeal.json
    assert inbox(api, city.users["firm_staff"], "notice_appeal_decided") == []
    decided = api.as_(city.users["regulator"]).post(
        f"/api/v1/appeals/{appeal.json['id']}/decision", json={"accept": False, "reason": "照片拍摄于整改期限之后"}
    )
    assert decided.status_code == 200, decided.json
    [outcome] = inbox(api, city.users["firm_staff"], "notice_appeal_decided")
    assert "照片拍摄于整改期限之后" in outcome["title"]
    assert inbox(api, others["other_firm"], "notice_appeal_decided") == []


# --- tickets -----------------------------------------------------------------------------------


def test_a_dispatch_notifies_the_named_person_not_their_colleagues(client, api, city, others):
    ticket = build(city, hours_ago(1))
    response = api.as_(city.users["street_officer"]).post(
        f"/api/v1/tickets/{ticket.id}/dispatch", json={"user_id": others["firm_mate"].id}
    )
    assert response.status_code == 200, response.json
    [notice] = inbox(api, others["firm_mate"], "notice_ticket_dispatched")
    assert ticket.tracking_code in notice["title"]
    for user in (city.users["firm_staff"], city.users["street_officer"], others["other_firm"]):
        assert inbox(api, user, "notice_ticket_dispatched") == []
    login(client, others["firm_mate"])
    assert client.get(f"/alerts/{notice['id']}/go").location.endswith(f"/tickets/{ticket.id}")


def test_a_resolved_repair_tells_the_committee_that_reported_it_until_it_is_confirmed(api, city, others):
    response = api.as_(city.users["committee_member"]).post(
        "/api/v1/tickets",
        json={
            "compound_id": city.compound.id,
            "category": "water_leak",
            "priority": "normal",
            "source": "committee",
            "description": "2号楼楼道水管滴水",
        },
    )
    assert response.status_code == 201, response.json
    ticket_id, firm = response.json["id"], city.users["firm_staff"]
    for to in ("assigned", "in_progress", "resolved"):
        assert move(api, firm, ticket_id, to).status_code == 200
    [notice] = inbox(api, city.users["committee_member"], "notice_ticket_resolved")
    assert notice["subject_id"] == ticket_id
    for user in (firm, city.users["street_officer"], others["other_committee"]):
        assert inbox(api, user, "notice_ticket_resolved") == []
    assert move(api, city.users["committee_member"], ticket_id, "closed", satisfaction=5).status_code == 200
    assert inbox(api, city.users["committee_member"], "notice_ticket_resolved") == []


def test_a_repair_reported_by_the_firm_itself_notifies_no_confirmer(api, city):
    ticket = build(city, hours_ago(2))  # reported by the administrator: no party waits to confirm
    for to in ("assigned", "in_progress", "resolved"):
        assert move(api, city.users["firm_staff"], ticket.id, to).status_code == 200
    for role in ("committee_member", "street_officer", "firm_staff"):
        assert inbox(api, city.users[role], "notice_ticket_resolved") == []


def test_the_email_of_a_notice_says_what_it_is_and_links_it(api, city, monkeypatch):
    from flask import current_app

    from pm_app.alerts import channels
    from pm_app.alerts.models import Alert

    _query(api, city)
    [notice] = inbox(api, city.users["firm_staff"], "notice_ledger_query")
    alert = db.session.get(Alert, notice["id"])
    monkeypatch.setitem(current_app.config, "PUBLIC_BASE_URL", "https://baoxiu.example.gov.cn")
    text = channels.text_of(alert)
    assert "类型: 账目质询" in text and f"查看: https://baoxiu.example.gov.cn/alerts/{alert.id}/go" in text
    monkeypatch.setitem(current_app.config, "PUBLIC_BASE_URL", None)
    assert "查看" not in channels.text_of(alert)
