"""The outbox: deliveries go out after commit, exactly once, retry with backoff, and fail visibly."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from jobs.alerts import deliver, relay_outbox
from jobs.runtime import after_commit
from pm_app.alerts import outbox
from pm_app.alerts.models import Delivery
from pm_app.alerts.services import save_endpoint
from pm_app.common.clock import now
from pm_app.extensions import db
from tests.alerts.helpers import contract_ends_in, sweep


def _endpoint(city, channel, target, fmt="json", audience="street"):
    org = {"street": city.street.id, "firm": city.firm.id}[audience]
    return save_endpoint(
        {"audience": audience, "org_id": org, "channel": channel, "target": target, "format": fmt, "active": True}
    )


def _deliveries(channel):
    return list(db.session.scalars(select(Delivery).where(Delivery.channel == channel)))


def test_webhook_delivery_is_sent_once_after_commit(city, webhook_server):
    _endpoint(city, "webhook", webhook_server.url)
    sweep("contract_expiring", contract_ends_in(city.contract, 50))
    after_commit()  # what a request or job does after its commit
    [delivery] = _deliveries("webhook")
    assert delivery.state == "sent" and delivery.attempts == 1
    assert len(webhook_server.received) == 1
    assert webhook_server.received[0]["body"]["alert"]["rule"] == "contract_expiring"
    assert webhook_server.received[0]["delivery"] == str(delivery.id)
    relay_outbox()
    deliver(delivery.id)
    assert len(webhook_server.received) == 1  # never twice


def test_wecom_and_dingtalk_robot_formats(city, webhook_server):
    _endpoint(city, "webhook", webhook_server.url, fmt="wecom")
    _endpoint(city, "webhook", webhook_server.url, fmt="dingtalk", audience="firm")
    sweep("contract_expiring", contract_ends_in(city.contract, 50))
    after_commit()
    bodies = sorted((r["body"] for r in webhook_server.received), key=lambda b: "title" in b["markdown"])
    assert bodies[0]["msgtype"] == "markdown" and "content" in bodies[0]["markdown"]
    assert "物业服务合同" in bodies[0]["markdown"]["content"]
    assert set(bodies[1]["markdown"]) == {"title", "text"}


def test_email_goes_to_a_real_smtp_server_once(city, smtp_server):
    _endpoint(city, "email", "jiedao@example.test, duty@example.test")
    sweep("contract_expiring", contract_ends_in(city.contract, 50))
    after_commit()
    assert len(smtp_server) == 1
    message = smtp_server[0]
    from email.header import decode_header, make_header

    assert "jiedao@example.test" in message["To"]
    assert str(make_header(decode_header(message["Subject"]))).startswith("[长效]")
    assert _deliveries("email")[0].state == "sent"


def test_failing_webhook_retries_with_backoff_then_fails_visibly(city, webhook_server, api):
    webhook_server.status = 500
    _endpoint(city, "webhook", webhook_server.url)
    sweep("contract_expiring", contract_ends_in(city.contract, 50))
    after_commit()
    [delivery] = _deliveries("webhook")
    assert (delivery.state, delivery.attempts) == ("pending", 1)
    assert delivery.next_attempt_at > now()
    assert outbox.due_deliveries() == []  # not before its backoff
    for attempt in range(2, outbox.MAX_ATTEMPTS + 1):
        later = now() + timedelta(days=attempt)
        assert outbox.claim(delivery.id, at=later)
        outbox.send_claimed(delivery.id, at=later)
    assert delivery.state == "failed" and "500" in delivery.last_error
    assert len(webhook_server.received) == outbox.MAX_ATTEMPTS
    health = api.as_(city.users["admin"]).get("/api/v1/jobs/health").json
    assert health["outbox"]["failed"] == 1 and health["failed_deliveries"][0]["id"] == delivery.id


def test_robot_errcode_counts_as_a_failure(city, webhook_server):
    webhook_server.reply = b'{"errcode": 310000, "errmsg": "sign not match"}'
    _endpoint(city, "webhook", webhook_server.url, fmt="dingtalk")
    sweep("contract_expiring", contract_ends_in(city.contract, 50))
    after_commit()
    assert "310000" in _deliveries("webhook")[0].last_error


def test_a_claim_is_taken_by_one_caller_only(city, webhook_server):
    _endpoint(city, "webhook", webhook_server.url)
    sweep("contract_expiring", contract_ends_in(city.contract, 50))
    [delivery] = _deliveries("webhook")
    assert outbox.claim(delivery.id) is True
    assert outbox.claim(delivery.id) is False


def test_a_delivery_stuck_in_sending_is_failed_not_resent(city, webhook_server):
    _endpoint(city, "webhook", webhook_server.url)
    sweep("contract_expiring", contract_ends_in(city.contract, 50))
    [delivery] = _deliveries("webhook")
    outbox.claim(delivery.id)  # ... and the worker died here
    outbox.due_deliveries(at=now() + timedelta(hours=1))
    db.session.refresh(delivery)
    assert delivery.state == "failed" and "twice" in delivery.last_error
    assert webhook_server.received == []


def test_email_without_smtp_configuration_fails_with_a_reason(city):
    _endpoint(city, "email", "a@example.test")
    sweep("contract_expiring", contract_ends_in(city.contract, 50))
    after_commit()
    assert "SMTP_HOST" in _deliveries("email")[0].last_error
