"""The books: append-only in the API and in the database, a SHA-256 chain that names the first
entry broken by an edit, a deletion or a swap, reversals, and statements computed by hand."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from pm_app.committees import ledger
from pm_app.committees.models import LedgerEntry
from pm_app.extensions import db
from tests.committees.conftest import entry_ok, post_entry, tampering


def verify(api, user, compound_id):
    response = api.as_(user).get(f"/api/v1/ledger/{compound_id}/verify")
    assert response.status_code == 200
    return response.json


def test_entries_chain_by_sha256_of_the_documented_canonical_form(api, city, books):
    first, second, _ = books
    assert (first["seq"], second["seq"], first["prev_hash"]) == (1, 2, "0" * 64)
    assert second["prev_hash"] == first["hash"]
    canonical = (
        '{"account":"public_revenue","amount_fen":10000,"compound_id":%d,"counterparty":null,'
        '"date":"2026-01-15","description":"1月场地租金","direction":"in","fund_vote_id":null,'
        '"posted_by_id":%d,"prev_hash":"%s","reversal_of_seq":null,"seq":1,"v":1,"voucher_no":null}'
        % (city.compound.id, city.users["firm_staff"].id, "0" * 64)
    )
    assert first["hash"] == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert verify(api, city.users["committee_member"], city.compound.id) == {
        "ok": True,
        "entries": 3,
        "first_broken_id": None,
        "first_broken_seq": None,
        "problem": None,
        "anchors": 0,
        "broken_anchor": None,
    }


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_api_has_no_way_to_change_or_remove_an_entry(api, city, books, method):
    url = f"/api/v1/ledger/{city.compound.id}/entries/{books[0]['id']}"
    response = api.as_(city.users["admin"]).request(method, url, json={"amount": "1.00"})
    assert response.status_code == 405


@pytest.mark.parametrize(
    "statement", ["UPDATE ledger_entry SET amount_fen = 1 WHERE id = :id", "DELETE FROM ledger_entry WHERE id = :id"]
)
def test_the_database_refuses_to_update_or_delete_an_entry(city, books, statement):
    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(text(statement), {"id": books[1]["id"]})
    assert db.session.scalar(select(LedgerEntry.amount_fen).where(LedgerEntry.id == books[1]["id"])) == 5000


def test_an_altered_amount_is_named(api, city, books):
    with tampering() as sql:
        sql.execute(text("UPDATE ledger_entry SET amount_fen = 500 WHERE id = :id"), {"id": books[1]["id"]})
    found = verify(api, city.users["committee_member"], city.compound.id)
    assert (found["ok"], found["first_broken_id"], found["first_broken_seq"]) == (False, books[1]["id"], 2)


def test_a_deleted_entry_breaks_the_next_one(api, city, books):
    with tampering() as sql:
        sql.execute(text("DELETE FROM ledger_entry WHERE id = :id"), {"id": books[1]["id"]})
    found = verify(api, city.users["street_officer"], city.compound.id)
    assert (found["ok"], found["entries"], found["first_broken_id"]) == (False, 2, books[2]["id"])


def test_deleting_the_newest_entry_is_noticed_by_the_head(api, city, books):
    with tampering() as sql:
        sql.execute(text("DELETE FROM ledger_entry WHERE id = :id"), {"id": books[2]["id"]})
    found = verify(api, city.users["regulator"], city.compound.id)
    assert (found["ok"], found["first_broken_id"], found["first_broken_seq"]) == (False, None, 3)


def test_two_swapped_entries_break_at_the_earlier_one(api, city, books):
    with tampering() as sql:
        sql.execute(text("UPDATE ledger_entry SET seq = 100 WHERE id = :id"), {"id": books[0]["id"]})
        sql.execute(text("UPDATE ledger_entry SET seq = 1 WHERE id = :id"), {"id": books[1]["id"]})
        sql.execute(text("UPDATE ledger_entry SET seq = 2 WHERE id = :id"), {"id": books[0]["id"]})
    found = verify(api, city.users["firm_staff"], city.compound.id)
    assert (found["ok"], found["first_broken_id"], found["first_broken_seq"]) == (False, books[1]["id"], 1)


def test_a_rewritten_hash_still_breaks_the_next_link(city, books):
    entry = db.session.get(LedgerEntry, books[0]["id"])
    with tampering() as sql:
        entry.description = "改过的摘要"
        sql.execute(
            text("UPDATE ledger_entry SET description = :d, hash = :h WHERE id = :id"),
            {"d": entry.description, "h": ledger.entry_hash(entry, None), "id": entry.id},
        )
    found = ledger.verify(city.compound.id)
    assert (found.ok, found.first_broken_id) == (False, books[1]["id"])


def test_a_reversal_mirrors_the_original_and_is_allowed_once(api, city, books):
    firm = city.users["firm_staff"]
    reversal = entry_ok(
        api,
        firm,
        city.compound.id,
        reversal_of=books[0]["id"],
        date="2026-02-10",
        description="冲销：金额录错",
        account=None,
        direction=None,
        amount=None,
    )
    assert (reversal["account"], reversal["direction"], reversal["amount"], reversal["reversal_of"]) == (
        "public_revenue",
        "out",
        "100.00",
        books[0]["id"],
    )
    again = post_entry(
        api,
        firm,
        city.compound.id,
        reversal_of=books[0]["id"],
        description="再冲",
        account=None,
        direction=None,
        amount=None,
    )
    assert again.status_code == 409 and "reversal_of" in again.json["errors"]
    mismatch = post_entry(api, firm, city.compound.id, reversal_of=books[1]["id"], amount="49.00", description="x")
    assert mismatch.status_code == 422 and set(mismatch.json["errors"]) >= {"amount", "direction"}
    assert verify(api, firm, city.compound.id)["ok"] is True


def test_missing_fields_and_future_dates_are_refused_by_name(api, city):
    firm = city.users["firm_staff"]
    missing = post_entry(api, firm, city.compound.id, account=None)
    assert missing.status_code == 422 and "account" in missing.json["errors"]
    future = post_entry(api, firm, city.compound.id, date="2099-01-01")
    assert future.status_code == 422 and "date" in future.json["errors"]
    zero = post_entry(api, firm, city.compound.id, amount="0.00")
    assert zero.status_code == 422 and "amount" in zero.json["errors"]


def test_statement_by_month_matches_a_hand_count(api, city, books):
    firm = city.users["firm_staff"]
    entry_ok(
        api,
        firm,
        city.compound.id,
        reversal_of=books[0]["id"],
        date="2026-02-10",
        description="冲销",
        account=None,
        direction=None,
        amount=None,
    )
    entry_ok(api, firm, city.compound.id, amount="80.00", date="2026-02-15", description="2月场地租金")

    def lines(month):
        response = api.as_(city.users["committee_member"]).get(
            f"/api/v1/ledger/{city.compound.id}/statement?month={month}"
        )
        assert response.status_code == 200
        return {
            row["account"]: (row["opening"], row["in"], row["out"], row["closing"]) for row in response.json["accounts"]
        }

    january = lines("2026-01")
    assert january == {
        "fee_income": ("0.00", "0.00", "0.00", "0.00"),
        "public_revenue": ("0.00", "150.00", "0.00", "150.00"),
        "operating_expense": ("0.00", "0.00", "0.00", "0.00"),
        "maintenance_fund": ("0.00", "0.00", "0.00", "0.00"),
    }
    february = lines("2026-02")
    # public revenue: 150 opening, +80, −100 reversal → 130; expense: −30.
    assert february["public_revenue"] == ("150.00", "80.00", "100.00", "130.00")
    assert february["operating_expense"] == ("0.00", "0.00", "30.00", "-30.00")
    assert lines("2026-03")["public_revenue"] == ("130.00", "0.00", "0.00", "130.00")
    bad = api.as_(city.users["committee_member"]).get(f"/api/v1/ledger/{city.compound.id}/statement?month=2026-13")
    assert bad.status_code == 422 and "month" in bad.json["errors"]
