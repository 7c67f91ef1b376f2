"""Issue 23, finding 14: the ledger anchor. Whoever can switch the triggers off can edit an amount,
recompute every later hash and the head, and the chain holds again; the anchor printed on each
monthly statement (page, CSV, XLSX, API) does not. The head only advances, the anchors are
append-only, verify is never cached, and a role that does not own the tables cannot switch the
triggers off at all."""

from __future__ import annotations

import re
import secrets
from contextlib import ExitStack, contextmanager
from pathlib import Path

import fakeredis
import pytest
from redis import Redis
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError

from pm_app.committees import ledger
from pm_app.committees.models import LedgerAnchor, LedgerEntry
from pm_app.common import api_cache
from pm_app.extensions import db
from tests.committees.conftest import books, login, tampering  # noqa: F401  (fixtures, shared)
from tests.conftest import append_only_lifted
from tests.helpers import count_statements

DOCS = Path(__file__).resolve().parents[2] / "docs" / "committees.md"


def statement(api, user, compound_id, month="2026-02") -> dict:
    response = api.as_(user).get(f"/api/v1/ledger/{compound_id}/statement?month={month}")
    assert response.status_code == 200, response.json
    return response.json


def verify(api, user, compound_id) -> dict:
    response = api.as_(user).get(f"/api/v1/ledger/{compound_id}/verify?lang=en")
    assert response.status_code == 200, response.json
    return response.json


@contextmanager
def owner_tampering():
    """The entries' and the head's triggers off, as the tables' owner can (ALTER TABLE … DISABLE
    TRIGGER on PostgreSQL), back on at the end of the block."""
    with ExitStack() as stack:
        connection = stack.enter_context(tampering())
        stack.enter_context(append_only_lifted(connection, "ledger_head"))
        yield connection


def rewrite_amount(compound_id: int, seq: int, amount_fen: int) -> None:
    """The attack of issue 23: change an entry's amount, recompute its hash and every later one
    (each links to the one before) and the head, so that the chain holds again."""
    with owner_tampering() as sql:
        sql.execute(
            text("UPDATE ledger_entry SET amount_fen = :fen WHERE compound_id = :c AND seq = :seq"),
            {"fen": amount_fen, "c": compound_id, "seq": seq},
        )
        db.session.expire_all()
        chain = db.session.scalars(
            select(LedgerEntry).where(LedgerEntry.compound_id == compound_id).order_by(LedgerEntry.seq)
        ).all()
        seq_of = {entry.id: entry.seq for entry in chain}
        prev = ledger.GENESIS
        for entry in chain:
            entry.prev_hash = prev
            entry.hash = ledger.entry_hash(entry, seq_of.get(entry.reversal_of_id))
            sql.execute(
                text("UPDATE ledger_entry SET prev_hash = :p, hash = :h WHERE id = :id"),
                {"p": entry.prev_hash, "h": entry.hash, "id": entry.id},
            )
            prev = entry.hash
        sql.execute(
            text("UPDATE ledger_head SET seq = :seq, hash = :h WHERE compound_id = :c"),
            {"seq": chain[-1].seq, "h": prev, "c": compound_id},
        )
        db.session.expire_all()


def test_each_statement_prints_the_head_and_records_it(api, city, client, books):
    member = city.users["committee_member"]
    printed = statement(api, member, city.compound.id)
    assert printed["anchor"] == {"month": "2026-02", "seq": 3, "hash": books[2]["hash"]}
    login(client, member)
    page = client.get(f"/compounds/{city.compound.id}/accounts?month=2026-01")
    assert f'data-anchor-hash="{books[2]["hash"]}"' in page.text and "账簿锚点" in page.text
    assert client.get(f"/compounds/{city.compound.id}/accounts/statement.csv?month=2026-03").status_code == 200
    recorded = db.session.execute(
        select(LedgerAnchor.month, LedgerAnchor.seq, LedgerAnchor.hash, LedgerAnchor.issued_as).order_by(
            LedgerAnchor.id
        )
    ).all()
    assert recorded == [
        ("2026-02", 3, books[2]["hash"], "api"),
        ("2026-01", 3, books[2]["hash"], "page"),
        ("2026-03", 3, books[2]["hash"], "csv"),
    ]
    statement(api, member, city.compound.id)  # printed again, the same anchor: nothing new
    assert db.session.scalar(select(db.func.count()).select_from(LedgerAnchor)) == 3
    assert verify(api, member, city.compound.id)["anchors"] == 3


def test_a_rewrite_that_recomputes_every_hash_and_the_head_breaks_the_printed_anchor(api, city, client, books):
    member = city.users["committee_member"]
    printed = statement(api, member, city.compound.id, "2026-01")["anchor"]
    rewrite_amount(city.compound.id, seq=2, amount_fen=500)
    assert db.session.scalar(select(LedgerEntry.hash).where(LedgerEntry.id == books[2]["id"])) != printed["hash"]
    found = verify(api, member, city.compound.id)
    assert (found["ok"], found["first_broken_id"], found["first_broken_seq"]) == (False, None, 1)
    assert found["broken_anchor"]["month"] == "2026-01"
    assert (found["broken_anchor"]["seq"], found["broken_anchor"]["hash"]) == (3, printed["hash"])
    assert "statement of 2026-01" in found["problem"]
    login(client, member)
    page = client.get(f"/compounds/{city.compound.id}/accounts")
    assert 'data-verify="broken" data-anchor-month="2026-01"' in page.text


def test_the_first_anchor_a_rewrite_broke_narrows_where_it_was(api, city, books):
    """Anchors at 1 (January) and 3 (February): rewriting entry 3 leaves the first holding."""
    firm, member = city.users["firm_staff"], city.users["committee_member"]
    # as if January's statement had been printed after the first entry
    db.session.execute(
        text(
            "INSERT INTO ledger_anchor (compound_id, month, seq, hash, issued_as) VALUES (:c, '2026-01', 1, :h, 'page')"
        ),
        {"c": city.compound.id, "h": books[0]["hash"]},
    )
    statement(api, firm, city.compound.id)
    rewrite_amount(city.compound.id, seq=3, amount_fen=1)
    found = verify(api, member, city.compound.id)
    assert (found["ok"], found["first_broken_seq"], found["broken_anchor"]["month"]) == (False, 2, "2026-02")


def test_a_rewrite_before_any_statement_was_printed_is_not_seen(api, city, books):
    """What the anchor cannot do: with nothing printed, a consistent rewrite leaves nothing to compare."""
    rewrite_amount(city.compound.id, seq=2, amount_fen=500)
    assert verify(api, city.users["regulator"], city.compound.id)["ok"] is True


def test_the_statement_in_the_committees_hands_catches_an_owner_who_also_erased_the_anchors(api, city, client, books):
    """The owner rewrites the entries and the head, and wipes ledger_anchor too: the seq and hash
    typed from the paper statement still give the rewrite away, in the API and on the page."""
    member = city.users["committee_member"]
    paper = statement(api, member, city.compound.id)["anchor"]
    rewrite_amount(city.compound.id, seq=1, amount_fen=99)
    with tampering() as sql, append_only_lifted(sql, "ledger_anchor"):
        sql.execute(text("DELETE FROM ledger_anchor"))
    assert verify(api, member, city.compound.id)["ok"] is True  # the database alone no longer tells
    url = f"/api/v1/ledger/{city.compound.id}/verify?seq={paper['seq']}&hash={paper['hash'].upper()}"
    found = api.as_(member).get(url).json
    assert (found["ok"], found["first_broken_seq"], found["broken_anchor"]["month"]) == (False, 1, None)
    login(client, member)
    page = client.get(f"/compounds/{city.compound.id}/accounts?anchor_seq=3&anchor_hash={paper['hash']}")
    assert 'data-paper="broken"' in page.text and "账簿与您手中的结单不符" in page.text


def test_a_statement_in_hand_that_matches_says_so(api, city, client, books):
    member = city.users["committee_member"]
    paper = statement(api, member, city.compound.id)["anchor"]
    found = api.as_(member).get(f"/api/v1/ledger/{city.compound.id}/verify?seq=3&hash={paper['hash']}").json
    assert (found["ok"], found["anchors"]) == (True, 2)
    login(client, member)
    page = client.get(f"/compounds/{city.compound.id}/accounts?anchor_seq=3&anchor_hash={paper['hash']}")
    assert 'data-paper="ok"' in page.text


@pytest.mark.parametrize(
    "query,field",
    [
        ("seq=３&hash=" + "a" * 64, "seq"),  # full-width digit
        ("seq=0&hash=" + "a" * 64, "seq"),
        ("seq=9999999999&hash=" + "a" * 64, "seq"),  # past the column
        ("seq=3&hash=" + "a" * 63, "hash"),
        ("seq=3&hash=" + "a" * 32 + "%0A" + "a" * 32, "hash"),  # a line break inside (around it is trimmed)
        ("seq=3", "hash"),  # one without the other
    ],
)
def test_an_anchor_typed_wrong_is_a_422_naming_the_field(api, city, client, books, query, field):
    response = api.as_(city.users["committee_member"]).get(f"/api/v1/ledger/{city.compound.id}/verify?{query}")
    assert response.status_code == 422 and field in response.json["errors"], response.json
    login(client, city.users["committee_member"])
    page = client.get(
        f"/compounds/{city.compound.id}/accounts?{query.replace('seq=', 'anchor_seq=').replace('hash=', 'anchor_hash=')}"
    )
    assert page.status_code == 200 and f'data-error="{field}"' in page.text


@pytest.mark.parametrize(
    "statement_sql",
    [
        "UPDATE ledger_head SET seq = 2, hash = :h2 WHERE compound_id = :c",  # back to an older entry
        "UPDATE ledger_head SET hash = :forged WHERE compound_id = :c",  # the same seq, another hash
        "UPDATE ledger_head SET seq = 4, hash = :forged WHERE compound_id = :c",  # past the last entry
        "DELETE FROM ledger_head WHERE compound_id = :c",
        "INSERT INTO ledger_head (compound_id, seq, hash) VALUES (:other, 1, :forged)",
    ],
)
def test_the_database_lets_the_head_only_advance_to_the_last_entry(city, books, statement_sql):
    params = {"c": city.compound.id, "other": city.other.id, "h2": books[1]["hash"], "forged": "f" * 64}
    with pytest.raises(DBAPIError, match="ledger_head only advances"), db.session.begin_nested():
        db.session.execute(text(statement_sql), params)
    assert db.session.execute(text("SELECT seq, hash FROM ledger_head WHERE compound_id = :c"), params).one() == (
        3,
        books[2]["hash"],
    )


@pytest.mark.parametrize(
    "statement_sql",
    [
        "UPDATE ledger_anchor SET hash = :forged",
        "DELETE FROM ledger_anchor",
        "INSERT INTO ledger_anchor (compound_id, month, seq, hash, issued_as) VALUES (:c, '2026-05', 3, :forged, 'page')",
    ],
)
def test_the_database_keeps_printed_anchors_as_they_were(api, city, books, statement_sql):
    statement(api, city.users["firm_staff"], city.compound.id)
    with pytest.raises(DBAPIError, match="ledger anchors are append-only"), db.session.begin_nested():
        db.session.execute(text(statement_sql), {"c": city.compound.id, "forged": "f" * 64})
    assert db.session.execute(select(LedgerAnchor.seq, LedgerAnchor.hash)).all() == [(3, books[2]["hash"])]


@pytest.fixture
def cache(app, monkeypatch):
    url = app.config.get("REDIS_URL")
    client = Redis.from_url(url) if url else fakeredis.FakeRedis()
    monkeypatch.setitem(app.config, "REDIS_URL", url or "redis://fake")
    monkeypatch.setitem(app.config, "API_CACHE_SECONDS", 30)
    monkeypatch.setitem(app.extensions, "pm_redis", client)
    monkeypatch.setattr(api_cache, "_paused_until", 0.0)
    client.delete(api_cache.VERSIONS, *client.keys(api_cache.ENTRY + "*"))
    yield client
    client.delete(api_cache.VERSIONS, *client.keys(api_cache.ENTRY + "*"))


def test_verify_is_never_served_from_the_cache(api, city, books, cache):
    """An edit made in psql raises no version in Redis; verify must see it at once."""
    member = api.as_(city.users["committee_member"])
    url = f"/api/v1/ledger/{city.compound.id}/verify"
    member.get(url)
    db.session.commit()
    for _ in range(3):
        with count_statements() as sent:
            assert member.get(url).json["ok"] is True
        assert any("ledger_entry" in sql for sql in sent)  # the chain is read every time
    assert cache.keys(api_cache.ENTRY + "*") == []
    with tampering() as sql:
        sql.execute(text("UPDATE ledger_entry SET amount_fen = 1 WHERE id = :id"), {"id": books[1]["id"]})
    db.session.connection().info.pop("pm_api_cache_written", None)  # psql tells the app's cache nothing
    db.session.commit()
    assert member.get(url).json["first_broken_id"] == books[1]["id"]


# --- running the app under a role that cannot switch the triggers off (docs/committees.md) -----

APP_ROLE_GRANTS = [
    "GRANT USAGE ON SCHEMA public TO {role};",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};",
]

REFUSED_TO_THE_APP_ROLE = [
    ("ALTER TABLE ledger_entry DISABLE TRIGGER USER", "must be owner"),
    ("ALTER TABLE ledger_head DISABLE TRIGGER ledger_head_advance_only", "must be owner"),
    ("ALTER TABLE ledger_anchor DISABLE TRIGGER ALL", "must be owner"),
    ("DROP TRIGGER ledger_entry_append_only ON ledger_entry", "must be owner"),
    (
        "CREATE OR REPLACE FUNCTION ledger_entry_append_only() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RETURN NEW; END $$",
        "must be owner|permission denied",
    ),
    ("SET session_replication_role = replica", "permission denied"),
    ("TRUNCATE ledger_anchor", "permission denied"),
]


def test_the_documented_grants_are_the_ones_tested():
    documented = DOCS.read_text(encoding="utf-8")
    for grant in APP_ROLE_GRANTS:
        assert grant.format(role="pm_app") in documented


@pytest.mark.postgres_only
def test_an_app_role_that_does_not_own_the_tables_cannot_switch_the_triggers_off(app):
    role = f"pm_app_test_{secrets.token_hex(4)}"
    owner = db.engine.execution_options(isolation_level="AUTOCOMMIT")
    with owner.connect() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"))
        for grant in APP_ROLE_GRANTS:
            conn.execute(text(grant.format(role=role)))
    engine = create_engine(db.engine.url.set(username=role, password=None))
    try:
        with engine.connect() as as_app:
            assert as_app.execute(text("SELECT current_user")).scalar() == role
            as_app.execute(text("SELECT count(*) FROM ledger_entry")).scalar()  # what the app needs, it has
            as_app.rollback()
            for statement_sql, refusal in REFUSED_TO_THE_APP_ROLE:
                with pytest.raises(DBAPIError, match=re.compile(refusal)):
                    as_app.execute(text(statement_sql))
                as_app.rollback()
    finally:
        engine.dispose()
        with owner.connect() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
