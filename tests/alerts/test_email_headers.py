"""An alert's e-mail survives whatever its data holds: a line break typed into a ticket's
description reaches the subject through the alert's title, and used to kill the send with
"Header values may not contain linefeed", the delivery left as if the worker had died."""

from __future__ import annotations

from datetime import timedelta
from email.header import decode_header, make_header

from sqlalchemy import select

from jobs.runtime import after_commit
from pm_app.alerts import outbox
from pm_app.alerts.channels import HEADER_CHARS, header_text
from pm_app.alerts.models import Delivery
from pm_app.alerts.services import save_endpoint
from pm_app.common.clock import now
from pm_app.extensions import db
from tests.alerts.helpers import sweep
from tests.tickets.pages import build


def _email_to_the_street(city):
    return save_endpoint(
        {
            "audience": "street",
            "org_id": city.street.id,
            "channel": "email",
            "target": "jiedao@example.test",
            "format": "json",
            "active": True,
        }
    )


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_a_line_break_in_a_ticket_description_does_not_stop_the_overdue_email(city, smtp_server):
    _email_to_the_street(city)
    build(city, created=now() - timedelta(hours=30), description="漏水\r\n严重\nBcc: everyone@example.test")
    sweep("ticket_overdue", now().date(), at=now())
    after_commit()
    [delivery] = db.session.scalars(select(Delivery).where(Delivery.channel == "email")).all()
    assert (delivery.state, delivery.last_error) == ("sent", None)
    [message] = smtp_server
    subject = _subject(message)
    assert "漏水 严重 Bcc: everyone" in subject and "\n" not in subject
    assert message["Bcc"] is None and message["To"] == "jiedao@example.test"


def test_header_text_turns_control_characters_into_spaces_and_bounds_the_length():
    assert header_text("a\r\nb\tc\x00d\u2028e\x85f") == "a b c d e f"
    long = header_text("长" * 5000)
    assert len(long) == HEADER_CHARS and long.endswith("…")


def test_an_unexpected_error_in_a_channel_is_recorded_on_the_delivery_and_retried(city, smtp_server):
    """An e-mail delivery whose endpoint is gone (the column may be NULL) fails with its own error,
    is retried later, and does not leave the row in `sending` for the stuck-worker sweep."""
    _email_to_the_street(city)
    build(city, created=now() - timedelta(hours=30))
    sweep("ticket_overdue", now().date(), at=now())
    [delivery] = db.session.scalars(select(Delivery).where(Delivery.channel == "email")).all()
    delivery.endpoint_id = None
    db.session.flush()
    db.session.expire(delivery)
    assert outbox.claim(delivery.id)
    assert outbox.send_claimed(delivery.id) == "pending"
    assert "AttributeError" in delivery.last_error and delivery.next_attempt_at > now()
    assert smtp_server == []
