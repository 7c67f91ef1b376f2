"""Acknowledging is per person and recorded (who, when); many at once, all or none."""

from __future__ import annotations

from sqlalchemy import func, select

from pm_app.alerts.models import Alert, AlertAck
from pm_app.alerts.services import reopen, resolve, unread_count
from pm_app.auth.models import Role
from pm_app.extensions import db
from tests.alerts.inbox_helpers import warranty_alerts
from tests.factories import UserFactory


def _acks() -> int:
    return db.session.scalar(select(func.count()).select_from(AlertAck))


def _login(client, user):
    client.post("/login", data={"username": user.username, "password": "password123"})


def test_one_officers_acknowledgement_leaves_a_colleagues_unread(api, city):
    ids = warranty_alerts(city.compound, city.street, 3)
    colleague = UserFactory(role=Role.street_officer, streets=[city.street], display_name="李四")
    me = api.as_(city.users["street_officer"])
    assert me.post(f"/api/v1/alerts/{ids[0]}/ack").json["state"] == "acknowledged"
    assert unread_count(city.users["street_officer"]) == 2
    assert unread_count(colleague) == 3
    theirs = api.as_(colleague).get(f"/api/v1/alerts/{ids[0]}").json
    assert theirs["state"] == "open" and theirs["alert_state"] == "open"
    assert api.as_(colleague).post(f"/api/v1/alerts/{ids[0]}/ack").status_code == 200
    who = api.as_(colleague).get(f"/api/v1/alerts/{ids[0]}/acknowledgements").json
    assert [w["user_id"] for w in who] == [city.users["street_officer"].id, colleague.id]
    assert [a["id"] for a in me.get("/api/v1/alerts?state=open").json] == sorted(ids[1:], reverse=True)


def test_bulk_ack_by_ids_is_all_or_nothing(api, city):
    mine = warranty_alerts(city.compound, city.street, 2)
    foreign = warranty_alerts(city.other, city.other_street, 1, first_id=50)
    officer = api.as_(city.users["street_officer"])
    refused = officer.post("/api/v1/alerts/ack", json={"ids": mine + foreign})
    assert refused.status_code == 404 and refused.json["errors"]["ids"] == [str(foreign[0])]
    assert _acks() == 0
    done = officer.post("/api/v1/alerts/ack", json={"ids": mine})
    assert done.status_code == 200 and done.json == {"acknowledged": 2, "already": 0, "resolved": 0}
    assert officer.post("/api/v1/alerts/ack", json={"ids": mine}).json["already"] == 2
    assert _acks() == 2


def test_bulk_ack_by_filter_covers_only_what_the_caller_sees(api, city):
    warranty_alerts(city.compound, city.street, 3)
    warranty_alerts(city.other, city.other_street, 2, first_id=50)
    officer = api.as_(city.users["street_officer"])
    done = officer.post("/api/v1/alerts/ack", json={"filter": {"rule": "warranty_expiring"}})
    assert done.json["acknowledged"] == 3 and _acks() == 3
    assert (
        api.as_(city.users["regulator"])
        .post("/api/v1/alerts/ack", json={"filter": {"compound_id": city.other.id}})
        .json["acknowledged"]
        == 2
    )


def test_bulk_ack_needs_ids_or_a_filter(api, city):
    officer = api.as_(city.users["street_officer"])
    assert officer.post("/api/v1/alerts/ack", json={}).status_code == 422
    assert officer.post("/api/v1/alerts/ack", json={"ids": [1], "filter": {}}).status_code == 422


def test_resolved_alerts_are_skipped_and_reopening_forgets_acknowledgements(api, city):
    ids = warranty_alerts(city.compound, city.street, 2)
    officer = api.as_(city.users["street_officer"])
    officer.post(f"/api/v1/alerts/{ids[0]}/ack")
    alert = db.session.get(Alert, ids[1])
    resolve(alert, "cleared")
    db.session.commit()
    assert officer.post("/api/v1/alerts/ack", json={"ids": ids}).json == {
        "acknowledged": 0,
        "already": 1,
        "resolved": 1,
    }
    first = db.session.get(Alert, ids[0])
    resolve(first, "cleared")
    reopen(first)
    db.session.commit()
    assert _acks() == 0 and unread_count(city.users["street_officer"]) == 1


def test_the_page_acknowledges_a_group_and_shows_who_and_when(client, city):
    ids = warranty_alerts(city.compound, city.street, 3)
    other = warranty_alerts(city.other, city.other_street, 1, first_id=50)
    officer = city.users["street_officer"]
    officer.display_name = "张三"
    db.session.commit()
    _login(client, officer)
    html = client.get("/alerts").get_data(as_text=True)
    assert 'name="group" value="warranty_expiring:%d"' % city.compound.id in html
    assert client.post("/alerts/ack", data={"group": f"warranty_expiring:{city.compound.id}"}).status_code == 302
    assert _acks() == 3
    page = client.get("/alerts?state=acknowledged").get_data(as_text=True)
    [at] = set(db.session.scalars(select(AlertAck.at)))
    from pm_app.common.clock import city_time

    assert "张三" in page and city_time(at) in page
    # An alert outside the caller's scope refuses the whole submission.
    assert client.post("/alerts/ack", data={"alert": [str(ids[0]), str(other[0])]}).status_code == 404
    assert _acks() == 3
