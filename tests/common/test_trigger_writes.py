"""Issue 23, finding 15: the API cache never serves a figure a database trigger has changed.

bill_total is written by triggers on bill, so no statement the app sends names it; a payment, a
waiver, an import or a bill generation used to leave the cached collection rates stale for
API_CACHE_SECONDS. The cache runs on the Redis the tests are given (REDIS_URL: CI and the
PostgreSQL runs) or, without one, on fakeredis."""

from __future__ import annotations

import io
import re
import uuid

import fakeredis
import pytest
from redis import Redis
from sqlalchemy import text

from pm_app.common import api_cache
from pm_app.common.clock import today
from pm_app.extensions import db
from pm_app.fees.periods import period_of
from tests import helpers
from tests.fees.conftest import bills_of, four  # noqa: F401  (the fixture, shared)
from tests.org.conftest import city  # noqa: F401  (the fixture, shared)

WRITES = re.compile(r"\b(?:insert\s+into|update|delete\s+from)\s+\"?(\w+)", re.I)
NOT_A_TABLE = re.compile(r"\bdo\s+update\b", re.I)  # an upsert's "ON CONFLICT … DO UPDATE SET"


@pytest.fixture
def cache(app, monkeypatch):
    url = app.config.get("REDIS_URL")
    client = Redis.from_url(url) if url else fakeredis.FakeRedis()
    monkeypatch.setitem(app.config, "REDIS_URL", url or "redis://fake")
    monkeypatch.setitem(app.config, "API_CACHE_SECONDS", 30)
    monkeypatch.setitem(app.extensions, "pm_redis", client)
    monkeypatch.setattr(api_cache, "_paused_until", 0.0)
    _forget(client)
    yield client
    _forget(client)


def _forget(client) -> None:
    client.delete(api_cache.VERSIONS, *client.keys(api_cache.ENTRY + "*"))


def _trigger_bodies() -> list[tuple[str, str]]:
    """(table, body) of every trigger in the database: the function's source on PostgreSQL."""
    if db.engine.dialect.name == "postgresql":
        return db.session.execute(
            text(
                "SELECT c.relname, p.prosrc FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal"
            )
        ).all()
    rows = db.session.execute(text("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
    return [(table, sql[sql.upper().index("BEGIN") :]) for table, sql in rows]


def test_every_table_a_trigger_writes_is_declared_to_the_cache(app):
    """A trigger that writes another table (not one that only refuses) must be in TRIGGER_WRITES."""
    found = {
        (table, written)
        for table, body in _trigger_bodies()
        for written in WRITES.findall(NOT_A_TABLE.sub("", body))
        if written != table
    }
    assert ("bill", "bill_total") in found  # the check reads the triggers at all
    tables = api_cache.Tables(db.metadata)
    missing = {(table, written) for table, written in found if written not in tables.written(f"UPDATE {table}")}
    assert missing == set()


def test_a_write_to_bill_is_a_write_to_its_totals():
    assert "bill_total" in api_cache.Tables(db.metadata).written("UPDATE bill SET paid_fen = 1 WHERE id = 1")


RATES = "/api/v1/collection-rates?scope=compound&id={id}&period_from={period}&period_to={period}"


def warm(client, path) -> dict:
    """Until the read is served from the cache (only the token check reaches the database). The
    first read issues the client's token; the commit then raises its table's version before
    anything is stored, so that what the test changes next is its only change."""
    client.get(path)
    db.session.commit()
    for _ in range(3):
        assert client.get(path).status_code == 200
    with helpers.count_statements() as sent:
        answer = client.get(path)
    assert len(sent) == 1, sent
    return answer.json


def _generated(client, city, period):
    response = client.post("/api/v1/bills/generate", json={"compound_id": city.compound.id, "period": period})
    assert response.status_code in (200, 201), response.json
    return bills_of(city.compound.id, period)


def _pay(client, bills):
    response = client.post(
        "/api/v1/payments",
        json={"bill_id": bills[0].id, "amount": "200.00", "method": "wechat"},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 201, response.json


def _waive(client, bills):
    response = client.post(
        f"/api/v1/bills/{bills[2].id}/waivers", json={"amount": "120.00", "reason": "低保户", "approved_by": "东街街道"}
    )
    assert response.status_code == 201, response.json


@pytest.fixture
def clients(api, city):
    """The street office's reader and writer, each with its token made before the reads are
    cached (a new token is a write to api_token, which every cached answer depends on)."""
    both = api.as_(city.users["street_officer"]), api.as_(city.users["street_officer"])
    for client in both:
        assert client.get("/api/v1/compounds").status_code == 200
    return both


# Bills of this month (households registered today are billed from it on): 200.00, 160.00, 120.00
# and 100.00 (the `four` fixture), 580.00 receivable.
@pytest.mark.parametrize(
    "act,figures",
    [
        (_pay, {"receivable": "580.00", "received": "200.00", "households_paid": 1}),
        (_waive, {"receivable": "460.00", "received": "0.00", "households_billed": 3}),
    ],
    ids=["payment", "waiver"],
)
def test_rates_are_fresh_after_a_payment_or_waiver(city, four, cache, clients, act, figures):
    reader, writer = clients
    period = period_of(today())
    bills = _generated(writer, city, period)
    url = RATES.format(id=city.compound.id, period=period)
    (before,) = warm(reader, url)
    assert (before["receivable"], before["received"]) == ("580.00", "0.00")
    act(writer, bills)
    (after,) = reader.get(url).json
    assert {name: after[name] for name in figures} == figures


def test_rates_are_fresh_after_bills_are_generated(city, four, cache, clients):
    reader, writer = clients
    period = period_of(today())
    url = RATES.format(id=city.compound.id, period=period)
    before = warm(reader, url)
    assert all(row["receivable"] == "0.00" for row in before)
    _generated(writer, city, period)
    (after,) = reader.get(url).json
    assert (after["receivable"], after["households_billed"]) == ("580.00", 4)


def test_rates_are_fresh_after_an_import(city, four, cache, clients):
    reader, writer = clients
    period = period_of(today())
    url = RATES.format(id=city.compound.id, period=period)
    before = warm(reader, url)
    assert all(row["receivable"] == "0.00" for row in before)
    paid_at = f"{today():%Y-%m-%d} 00:00"  # midnight of today is never in the future, whatever the hour
    rows = [
        ("1号楼", "1-101", period, "200.00", "", "200.00", paid_at, "wechat"),
        ("1号楼", "1-102", period, "160.00", "", "", "", ""),
    ]
    content = helpers.csv_bytes(
        rows, ("building", "unit", "period", "amount_due", "due_date", "amount_paid", "paid_at", "method")
    )
    response = writer.post(
        "/api/v1/imports/bills",
        content_type="multipart/form-data",
        data={"compound_id": str(city.compound.id), "file": (io.BytesIO(content), "bills.csv")},
    )
    assert response.status_code == 201, response.json
    (after,) = reader.get(url).json
    assert (after["receivable"], after["received"], after["households_paid"]) == ("360.00", "200.00", 1)
