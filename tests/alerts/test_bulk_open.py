"""Opening many alerts at once: a first sweep of a city opens thousands, so the engine opens them
in bulk. These hold the bulk path to what one-by-one opening did: recipients, an inbox delivery
each, a pending delivery per endpoint, never twice the same key, and a fixed number of statements."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event, func, select

from pm_app.alerts import sweeps
from pm_app.alerts.models import Alert, AlertRecipient, Delivery
from pm_app.alerts.rules import Finding, compound_audiences
from pm_app.alerts.services import open_alerts, save_endpoint
from pm_app.extensions import db
from pm_app.org.models import ManagementMode
from tests.alerts.helpers import alerts, sweep
from tests.factories import CompoundFactory


def _findings(city, n: int) -> dict[str, Finding]:
    audiences = compound_audiences(city.street.id, city.compound.id, city.firm.id)
    return {
        f"bulk:compound:{i}:": Finding(
            "compound", i, f"提醒 {i}", compound_id=city.compound.id, firm_id=city.firm.id, audiences=audiences
        )
        for i in range(n)
    }


def _statements(call) -> tuple[int, object]:
    seen = []
    listener = lambda *args: seen.append(1)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        return len(seen), call()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
        seen.clear()


def test_bulk_opening_gives_each_alert_its_recipients_and_deliveries(city, webhook_server):
    save_endpoint(
        {
            "audience": "street",
            "org_id": city.street.id,
            "channel": "webhook",
            "target": webhook_server.url,
            "format": "json",
            "active": True,
        }
    )
    opened = open_alerts("bulk", _findings(city, 3))
    assert len(opened) == 3
    for alert_id in opened:
        recipients = db.session.execute(
            select(AlertRecipient.audience, AlertRecipient.org_id).where(AlertRecipient.alert_id == alert_id)
        ).all()
        assert sorted(recipients) == sorted(
            [("street", city.street.id), ("committee", city.compound.id), ("firm", city.firm.id)]
        )
        channels = db.session.execute(
            select(Delivery.channel, Delivery.state).where(Delivery.alert_id == alert_id)
        ).all()
        assert sorted(channels) == [("inbox", "sent")] * 3 + [("webhook", "pending")]
    assert db.session.info.get("outbox_dirty") is True


def test_the_statements_do_not_grow_with_the_number_of_alerts(city):
    few, _ = _statements(lambda: open_alerts("bulk", _findings(city, 2)))
    many, opened = _statements(
        lambda: open_alerts("many", {k.replace("bulk", "many"): f for k, f in _findings(city, 200).items()})
    )
    assert len(opened) == 200
    assert many == few


def test_a_key_already_open_is_skipped_not_opened_twice(city):
    """What a sweep racing another one sees: the unique key, not an error."""
    findings = _findings(city, 2)
    assert len(open_alerts("bulk", findings)) == 2
    assert open_alerts("bulk", findings) == []
    assert db.session.scalar(select(func.count()).select_from(Alert)) == 2
    assert db.session.scalar(select(func.count()).select_from(AlertRecipient)) == 6


def test_resolved_alerts_are_found_and_reopened_across_lookup_chunks(city, monkeypatch):
    monkeypatch.setattr(sweeps, "KEYS_PER_LOOKUP", 1)
    compounds = [
        CompoundFactory(street=city.street, management_mode=ManagementMode.none, acceptance_date=date(2022, 1, 1))
        for _ in range(3)
    ]
    assert sweep("compound_unmanaged", date(2022, 6, 1)).opened == 3
    for compound in compounds:
        compound.management_mode = ManagementMode.professional
    assert sweep("compound_unmanaged", date(2022, 6, 2)).resolved == 3
    for compound in compounds:
        compound.management_mode = ManagementMode.none
    assert sweep("compound_unmanaged", date(2022, 6, 3)).opened == 3
    assert [a.state for a in alerts("compound_unmanaged")] == ["open"] * 3
