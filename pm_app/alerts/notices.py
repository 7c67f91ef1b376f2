"""Notices: one-off messages that a hand-off happened (a ticket dispatched to someone, a ledger
query raised, a deduction recorded, a review opened, an appeal decided), sent through the same
outbox as the alerts. A notice is an `Alert` whose rule is one of NOTICES: it has recipients, an
inbox delivery and the e-mail/webhook deliveries their organisation configured, and stays open
in the inbox until read (acknowledged) or until what it asked for is done (`settle`).

Unlike a rule's alert it is not swept: no sweep knows these rule names, so none resolves them.
Its dedup key names the event (a query, an adjustment, a ticket event), so the same event never
notifies twice. Each domain registers how its subject is opened (`subject_link`); the inbox
links a notice through /alerts/<id>/go, which asks that function for the page."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from pm_app.alerts import services
from pm_app.alerts.models import Alert
from pm_app.alerts.rules import Audience, Finding
from pm_app.extensions import db

NOTICES = {
    "notice_ticket_dispatched": _l("Ticket dispatched to you"),
    "notice_ticket_resolved": _l("Repair awaiting confirmation"),
    "notice_ledger_query": _l("Ledger query to answer"),
    "notice_deduction": _l("Ranking deduction"),
    "notice_review_opened": _l("Ranking open for review"),
    "notice_appeal_decided": _l("Appeal decided"),
}
# The kinds as e-mails and group robots print them: sent by a worker, with no reader's language.
KINDS_ZH = {
    "notice_ticket_dispatched": "派单通知",
    "notice_ticket_resolved": "维修待确认",
    "notice_ledger_query": "账目质询",
    "notice_deduction": "红黑榜扣分",
    "notice_review_opened": "红黑榜复核",
    "notice_appeal_decided": "申诉结果",
}
TITLE_CHARS = 250  # Alert.title is 256 wide

# subject_type → (subject_id, reader) → the page where the reader acts on it
LINKS: dict[str, Callable[[int, object], str | None]] = {}


def subject_link(subject_type: str):
    def register(fn):
        LINKS[subject_type] = fn
        return fn

    return register


def notify(
    rule: str,
    event: str,
    subject_type: str,
    subject_id: int,
    title: str,
    audiences: Iterable[Audience],
    compound_id: int | None = None,
    firm_id: int | None = None,
) -> Alert | None:
    """Notify `audiences` (("firm", 3), ("user", 12), …) in the caller's transaction; None when
    nobody is to hear of it or this event was already notified. Titles are Chinese, as the
    rules' are: they are stored once and read by every recipient, by e-mail as well."""
    assert rule in NOTICES, rule
    audiences = tuple(dict.fromkeys(a for a in audiences if a[1] is not None))
    if not audiences:
        return None
    text = title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "…"
    finding = Finding(
        subject_type,
        subject_id,
        text,
        severity="info",
        stage="",
        compound_id=compound_id,
        firm_id=firm_id,
        audiences=audiences,
    )
    return services.open_alert(rule, f"{rule}:{subject_type}:{subject_id}:{event}", finding)


def settle(rule: str, subject_type: str, subject_id: int) -> None:
    """What the notice asked for was done (the query answered, the repair confirmed): it leaves
    the inboxes' open list."""
    for alert in db.session.scalars(
        select(Alert).where(
            Alert.rule == rule,
            Alert.subject_type == subject_type,
            Alert.subject_id == subject_id,
            Alert.state != "resolved",
        )
    ):
        services.resolve(alert, "cleared")
    db.session.flush()


def link_of(alert: Alert, reader) -> str | None:
    fn = LINKS.get(alert.subject_type)
    return fn(alert.subject_id, reader) if fn else None


def absolute_link(alert: Alert, base: str | None) -> str | None:
    """What an e-mail or a robot message links to: the notice's own page on PUBLIC_BASE_URL
    (after signing in it opens the subject); None where no public address is configured."""
    return f"{base.rstrip('/')}/alerts/{alert.id}/go" if base else None
