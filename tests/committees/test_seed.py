"""The seeded committees and books: seed 003's shares of committee kinds, every status present,
member counts the rules accept, chains that verify, the demo committee's compound in office
with books, and the same city every time."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from pm_app.committees import ledger, services
from pm_app.committees.fund import failed_threshold
from pm_app.committees.models import Committee, CommitteeMember, FundVote, LedgerEntry, LedgerHead
from pm_app.extensions import db
from pm_app.fees import seed_bills
from pm_app.org.demo import _committee
from pm_app.org.models import Compound
from pm_app.seeding import seed_city

AS_OF = date(2026, 11, 21)


@pytest.fixture(autouse=True)
def _one_month_of_bills(monkeypatch):
    monkeypatch.setattr(seed_bills, "MONTHS", 1)


def _snapshot():
    # By compound code: ids (and so hashes, which cover the compound id) differ between runs on PostgreSQL.
    return (
        db.session.execute(
            select(Compound.code, Committee.kind, Committee.elected_on, Committee.term_years)
            .join(Compound, Compound.id == Committee.compound_id)
            .order_by(Compound.code)
        ).all(),
        db.session.execute(
            select(Compound.code, LedgerEntry.seq, LedgerEntry.account, LedgerEntry.amount_fen, LedgerEntry.entry_date)
            .join(Compound, Compound.id == LedgerEntry.compound_id)
            .order_by(Compound.code, LedgerEntry.seq)
        ).all(),
    )


def test_the_city_scale_shares_and_rules_hold(app):
    seed_city("demo", as_of=AS_OF)
    compounds = db.session.scalar(select(func.count(Compound.id)))
    kinds = Counter(db.session.scalars(select(Committee.kind)))
    # 60 compounds at 10.3 % and 34.1 %: a few either side of 6 and 20.
    assert 3 <= kinds["owners_committee"] <= 10 and 14 <= kinds["self_management"] <= 27, kinds
    statuses = Counter(services.status_of(cid, AS_OF).status for cid in db.session.scalars(select(Compound.id)))
    assert (
        statuses["none"] >= compounds // 3
        and statuses["active"] >= 5
        and statuses["re_election_due"] + statuses["expired"] >= 1
    ), statuses
    with app.test_request_context("/?lang=en"):
        for committee in db.session.scalars(select(Committee)):
            count = db.session.scalar(
                select(func.count(CommitteeMember.id)).where(CommitteeMember.committee_id == committee.id)
            )
            assert services.member_count_problem(count, services.household_count(committee.compound_id)) is None
    heads = db.session.scalars(select(LedgerHead.compound_id)).all()
    assert len(heads) >= 10 and all(ledger.verify(cid).ok for cid in heads)
    assert all(failed_threshold(vote) is None for vote in db.session.scalars(select(FundVote)))
    demo = _committee()["compound_id"]
    assert services.status_of(demo, AS_OF).status == "active"
    # Twelve months of revenue and expense, the deposit, and the fee income the sweep posted.
    assert db.session.scalar(select(func.count(LedgerEntry.id)).where(LedgerEntry.compound_id == demo)) >= 25


def test_the_same_city_every_time():
    seed_city("street", as_of=AS_OF)
    first = _snapshot()
    db.session.rollback()
    seed_city("street", as_of=AS_OF)
    assert _snapshot() == first and first[0]


def test_every_closed_month_of_every_compound_agrees_with_the_fees_received(app):
    """The demo's books once showed a compound's November fee income as 5,519.72 against 8,953.06
    collected: the seed made fee income up. Now the sweep posts it from the payments, as in
    production, so every closed month agrees and a further sweep has nothing to add."""
    from pm_app.committees import fee_books
    from pm_app.fees.models import Payment

    seed_city("demo", as_of=AS_OF)
    assert db.session.scalar(select(func.count(Payment.id))) > 0
    compounds = db.session.scalars(select(Compound.id)).all()
    months = ["2026-10"]  # the one month of bills here; its payments fall in October and November
    checked = [fee_books.fee_check(cid, month) for cid in compounds for month in months]
    assert sum(check.received_fen for check in checked) > 0
    assert all(check.agrees for check in checked)
    assert fee_books.post_fee_income(AS_OF).posted == []
    assert all(ledger.verify(cid).ok for cid in compounds)
    # a compound's books read its own bills' payments; the morning posting, the month's: the same sums
    for month in ("2026-10", "2026-11"):
        by_compound = {k: n for cid in compounds for k, n in fee_books.received(month, [cid]).items()}
        assert by_compound == fee_books.received(month) and by_compound
    # and the seed's one pass over a city's bills, month by month, the same again
    in_one_pass = fee_books.received_by_month(compounds, "2026-10", "2026-11")
    month_by_month = {(c, m): n for m in ("2026-10", "2026-11") for c, n in fee_books.received(m).items()}
    assert in_one_pass == month_by_month
