"""A daily-digest endpoint gets one message a day listing the new alerts by group, instead of one
per alert; a missed day catches up and a second run sends nothing."""

from __future__ import annotations

from email.header import decode_header, make_header

from sqlalchemy import select

from jobs.alerts import send_digests
from jobs.runtime import after_commit
from pm_app.alerts import outbox
from pm_app.alerts.models import Alert, Delivery
from pm_app.alerts.schedule import SCHEDULE, to_utc_crons
from pm_app.alerts.services import resolve, save_endpoint
from pm_app.extensions import db
from tests.alerts.inbox_helpers import warranty_alerts
from tests.factories import CompoundFactory


def _endpoint(city, channel, target, fmt="json", digest="daily"):
    endpoint = save_endpoint(
        {
            "audience": "street",
            "org_id": city.street.id,
            "channel": channel,
            "target": target,
            "format": fmt,
            "active": True,
            "digest": digest,
        }
    )
    db.session.commit()
    return endpoint


def test_a_digest_endpoint_gets_one_message_grouped_as_the_page(city, webhook_server):
    _endpoint(city, "webhook", webhook_server.url)
    second = CompoundFactory(name="五四新村", street=city.street)
    warranty_alerts(city.compound, city.street, 3)
    warranty_alerts(second, city.street, 18, first_id=100)
    after_commit()
    assert webhook_server.received == []  # nothing per alert
    assert outbox.due_deliveries() == []  # and nothing the relay would send
    assert send_digests() and len(webhook_server.received) == 1
    digest = webhook_server.received[0]["body"]["digest"]
    assert digest["total"] == 21
    assert [(g["compound"], g["count"], g["rule_label"]) for g in digest["groups"]] == [
        ("东门新村", 3, "保修期即将届满"),
        ("五四新村", 18, "保修期即将届满"),
    ]
    assert all(len(g["alert_ids"]) == g["count"] for g in digest["groups"])
    assert send_digests() == {} and len(webhook_server.received) == 1  # a second run sends nothing
    states = set(db.session.scalars(select(Delivery.state).where(Delivery.channel == "webhook")))
    assert states == {"sent"}


def test_the_wecom_digest_reads_as_chinese_without_codes(city, webhook_server):
    _endpoint(city, "webhook", webhook_server.url, fmt="wecom")
    ids = warranty_alerts(city.compound, city.street, 2)
    resolve(db.session.get(Alert, ids[0]), "cleared")  # resolved before the digest: not listed
    db.session.commit()
    send_digests()
    text = webhook_server.received[0]["body"]["markdown"]["content"]
    assert "每日预警汇总" in text and "东门新村：1 条「保修期即将届满」" in text
    assert "warranty_expiring" not in text and "T-90" not in text


def test_a_failed_digest_is_held_for_the_next_day(city, webhook_server):
    _endpoint(city, "webhook", webhook_server.url)
    warranty_alerts(city.compound, city.street, 2)
    webhook_server.status = 500
    send_digests()
    assert set(db.session.scalars(select(Delivery.state).where(Delivery.channel == "webhook"))) == {"held"}
    webhook_server.status = 200
    send_digests()
    assert webhook_server.received[-1]["body"]["digest"]["total"] == 2
    assert set(db.session.scalars(select(Delivery.state).where(Delivery.channel == "webhook"))) == {"sent"}


def test_an_email_digest_has_a_chinese_subject(city, smtp_server):
    _endpoint(city, "email", "jiedao@example.test")
    warranty_alerts(city.compound, city.street, 4)
    send_digests()
    assert len(smtp_server) == 1
    subject = str(make_header(decode_header(smtp_server[0]["Subject"])))
    assert "每日预警汇总" in subject and "4 条" in subject


def test_an_endpoint_without_digest_still_sends_each_alert(city, webhook_server):
    _endpoint(city, "webhook", webhook_server.url, digest="none")
    warranty_alerts(city.compound, city.street, 2)
    after_commit()
    assert len(webhook_server.received) == 2 and send_digests() == {}


def test_the_digest_runs_daily_at_eight_city_time():
    [entry] = [e for e in SCHEDULE if e.name == "send_digests"]
    assert entry.job == "jobs.alerts.send_digests" and entry.cron == "0 8 * * *"
    assert to_utc_crons(entry.cron) == ["0 0 * * *"]


def test_the_api_validates_the_digest_setting(api, city):
    admin = api.as_(city.users["admin"])
    body = {"audience": "street", "org_id": city.street.id, "channel": "email", "target": "a@example.test"}
    assert admin.post("/api/v1/notification-endpoints", json={**body, "digest": "weekly"}).status_code == 422
    saved = admin.post("/api/v1/notification-endpoints", json={**body, "digest": "daily"})
    assert saved.status_code == 201 and saved.json["digest"] == "daily"


def test_the_street_office_chooses_a_daily_digest_on_its_page(client, city):
    from pm_app.alerts.models import NotificationEndpoint
    from tests.committees.conftest import login

    login(client, city.users["street_officer"])
    assert "每天 08:00 汇总发送一次" in client.get("/alerts/endpoints").get_data(as_text=True)
    response = client.post(
        "/alerts/endpoints",
        data={
            "organisation": f"street:{city.street.id}",
            "kind": "email",
            "target": "jiedao@example.com",
            "digest": "daily",
        },
    )
    assert response.status_code == 302
    assert db.session.scalar(select(NotificationEndpoint.digest)) == "daily"
    assert "每天 08:00 汇总发送一次" in client.get("/alerts/endpoints").get_data(as_text=True).split("</table>")[0]
    refused = client.post(
        "/alerts/endpoints",
        data={
            "organisation": f"street:{city.street.id}",
            "kind": "email",
            "target": "jiedao@example.com",
            "digest": "weekly",
        },
    )
    assert refused.status_code == 422


def test_a_digest_names_a_warranty_groups_project(api, city, webhook_server):
    from datetime import date

    from tests.alerts.helpers import sweep
    from tests.warranties.test_rules import item_ending

    _endpoint(city, "webhook", webhook_server.url, fmt="wecom")
    project = (
        api.as_(city.users["street_officer"])
        .post(
            "/api/v1/projects",
            json={
                "compound_id": city.compound.id,
                "name": "2021年东门新村改造工程",
                "year": 2021,
                "renovation_type": "basic",
                "contractor_id": city.contractor.id,
                "acceptance_date": "2021-06-30",
            },
        )
        .json
    )
    for _ in range(2):
        item_ending(project["id"], city.compound.id, date(2026, 8, 1))
    sweep("warranty_expiring", date(2026, 6, 1))
    send_digests()
    text = webhook_server.received[0]["body"]["markdown"]["content"]
    assert "东门新村：2 条「保修期即将届满」（项目：2021年东门新村改造工程）" in text
