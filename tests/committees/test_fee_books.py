"""Books that agree with the fees: the fee-income sweep posts each closed month's payments, net
of reversals, as one entry per compound and month through the hash chain; it is idempotent and
catches up; fee income is not posted by hand; the statement shows the fee module's figure beside
the books' and flags a difference (on the page, in Chinese)."""

from __future__ import annotations

from datetime import date, datetime
from itertools import count

import pytest
from sqlalchemy import func, select

from pm_app.committees import fee_books, ledger
from pm_app.committees.models import Account, Direction, FeeIncomePosting, LedgerEntry
from pm_app.common.clock import CITY_TZ
from pm_app.extensions import db
from pm_app.fees.models import Bill, Payment, PaymentMethod
from tests.committees.conftest import login, post_entry

_keys = count(1)


def bill(household, period: str = "2026-01", due_fen: int = 100_000) -> Bill:
    row = Bill(
        household_id=household.id,
        compound_id=household.building.compound_id,
        period=period,
        amount_due_fen=due_fen,
        due_date=date(2026, 1, 31),
    )
    db.session.add(row)
    db.session.flush()
    return row


def pay(bill_row: Bill, fen: int, when: datetime, reverses: Payment | None = None) -> Payment:
    """A payment (or, with `reverses`, its reversal) dated `when` (city time)."""
    row = Payment(
        bill_id=bill_row.id,
        amount_fen=fen,
        method=PaymentMethod.cash,
        paid_at=when.replace(tzinfo=CITY_TZ),
        idempotency_key=f"test:{next(_keys)}",
        request_digest="test",
        reversal_of_id=reverses.id if reverses else None,
    )
    db.session.add(row)
    db.session.flush()
    return row


def fee_entries(compound_id: int) -> list[tuple]:
    return db.session.execute(
        select(LedgerEntry.entry_date, LedgerEntry.direction, LedgerEntry.amount_fen, LedgerEntry.voucher_no)
        .where(LedgerEntry.compound_id == compound_id, LedgerEntry.account == Account.fee_income)
        .order_by(LedgerEntry.seq)
    ).all()


@pytest.fixture
def paid(city):
    """city.compound: 100.00 on 10 Jan, 50.00 at 23:30 on 31 Jan, 20.00 at 00:10 on 1 Feb (city
    time: both near midnight UTC+8), the January 100.00 reversed on 5 Feb, 30.00 on 1 Mar; the
    other compound 7.00 on 12 Jan."""
    jan = bill(city.household)
    first = pay(jan, 10_000, datetime(2026, 1, 10, 9))
    pay(jan, 5_000, datetime(2026, 1, 31, 23, 30))
    pay(jan, 2_000, datetime(2026, 2, 1, 0, 10))
    pay(jan, -10_000, datetime(2026, 2, 5, 10), reverses=first)
    pay(jan, 3_000, datetime(2026, 3, 1, 8))
    pay(bill(city.other_household), 700, datetime(2026, 1, 12, 15))
    return city


def test_the_sweep_posts_one_entry_per_closed_month_equal_to_payments_net_of_reversals(api, paid):
    city = paid
    result = fee_books.post_fee_income(date(2026, 3, 1))
    assert {(p.compound_id, p.month, p.amount_fen) for p in result.posted} == {
        (city.compound.id, "2026-01", 15_000),
        (city.compound.id, "2026-02", -8_000),
        (city.other.id, "2026-01", 700),
    }
    # January: 100 + 50 (23:30 on the 31st is still January in the city); February: 20 − 100 = −80, out;
    # March is still open.
    assert fee_entries(city.compound.id) == [
        (date(2026, 1, 31), Direction.in_, 15_000, "FEE-2026-01"),
        (date(2026, 2, 28), Direction.out, 8_000, "FEE-2026-02"),
    ]
    assert ledger.verify(city.compound.id).ok and ledger.verify(city.other.id).ok
    member = api.as_(city.users["committee_member"])
    january = member.get(f"/api/v1/ledger/{city.compound.id}/statement?month=2026-01").json
    fee_line = next(line for line in january["accounts"] if line["account"] == "fee_income")
    assert (fee_line["in"], january["fees_received"], january["fees_agree"]) == ("150.00", "150.00", True)
    february = member.get(f"/api/v1/ledger/{city.compound.id}/statement?month=2026-02").json
    assert (february["fees_received"], february["fees_difference"], february["fees_agree"]) == ("-80.00", "0.00", True)
    assert member.get(f"/api/v1/ledger/{city.compound.id}/verify").json["ok"] is True


def test_a_second_run_adds_nothing(paid):
    fee_books.post_fee_income(date(2026, 3, 1))
    entries = db.session.scalar(select(func.count(LedgerEntry.id)))
    assert fee_books.post_fee_income(date(2026, 3, 1)).posted == []
    assert fee_books.post_fee_income(date(2026, 3, 31)).posted == []
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == entries


def test_missed_runs_are_caught_up_and_a_late_payment_is_a_correcting_entry(paid):
    city = paid
    assert [p.month for p in fee_books.post_fee_income(date(2026, 2, 1)).posted] == ["2026-01", "2026-01"]
    # No run in February or March: the April run posts both.
    assert [
        (p.month, p.amount_fen)
        for p in fee_books.post_fee_income(date(2026, 4, 2)).posted
        if p.compound_id == city.compound.id
    ] == [("2026-02", -8_000), ("2026-03", 3_000)]
    # A payment recorded now but dated in January, already posted: the next run corrects January.
    pay(bill(city.household, "2026-02"), 1_234, datetime(2026, 1, 20, 12))
    (late,) = fee_books.post_fee_income(date(2026, 4, 2)).posted
    assert (late.month, late.amount_fen, late.version) == ("2026-01", 1_234, 2)
    assert fee_entries(city.compound.id)[-1] == (date(2026, 1, 31), Direction.in_, 1_234, "FEE-2026-01-2")
    check = fee_books.fee_check(city.compound.id, "2026-01")
    assert (check.received_fen, check.booked_fen) == (16_234, 16_234)
    assert (
        db.session.scalar(
            select(func.count(FeeIncomePosting.id)).where(FeeIncomePosting.compound_id == city.compound.id)
        )
        == 4
    )
    assert ledger.verify(city.compound.id).ok


def test_fee_income_is_not_posted_or_reversed_by_hand(api, paid):
    city, firm = paid, paid.users["firm_staff"]
    by_hand = post_entry(api, firm, city.compound.id, account="fee_income", amount="150.00", date="2026-01-20")
    assert by_hand.status_code == 422
    assert "posted by the system" in by_hand.json["errors"]["account"][0]
    fee_books.post_fee_income(date(2026, 2, 1))
    posted = db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.compound_id == city.compound.id))
    reversal = post_entry(
        api, firm, city.compound.id, reversal_of=posted, description="冲销", account=None, direction=None, amount=None
    )
    assert reversal.status_code == 422 and "reversal_of" in reversal.json["errors"]
    assert fee_entries(city.compound.id) == [(date(2026, 1, 31), Direction.in_, 15_000, "FEE-2026-01")]


def test_fee_income_posted_by_hand_before_the_rule_is_counted_not_doubled(paid):
    city = paid
    ledger.append(
        LedgerEntry(
            compound_id=city.compound.id,
            account=Account.fee_income,
            direction=Direction.in_,
            amount_fen=12_000,
            entry_date=date(2026, 1, 15),
            description="1月物业费（手工）",
        )
    )
    (january, *_rest) = [
        p for p in fee_books.post_fee_income(date(2026, 2, 1)).posted if p.compound_id == city.compound.id
    ]
    assert (january.month, january.amount_fen) == ("2026-01", 3_000)
    assert fee_books.fee_check(city.compound.id, "2026-01").agrees


def test_the_statement_flags_a_closed_month_whose_books_differ_on_the_page_in_chinese(api, client, paid):
    city = paid
    statement = (
        api.as_(city.users["committee_member"]).get(f"/api/v1/ledger/{city.compound.id}/statement?month=2026-01").json
    )
    assert (statement["fees_received"], statement["fees_difference"]) == ("150.00", "-150.00")
    assert (statement["fees_agree"], statement["month_closed"]) == (False, True)
    login(client, city.users["committee_member"])
    body = client.get(f"/compounds/{city.compound.id}/accounts?month=2026-01&lang=zh").get_data(as_text=True)
    assert 'data-fees="differ"' in body and "与实收物业费" in body and 'data-fees-received="150.00"' in body
    csv = client.get(f"/compounds/{city.compound.id}/accounts/statement.csv?month=2026-01&lang=en")
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert "Fees received (fee module),,150.00,," in lines
    assert "Difference: fee income in the books less fees received,,-150.00,," in lines
    fee_books.post_fee_income(date(2026, 2, 1))
    body = client.get(f"/compounds/{city.compound.id}/accounts?month=2026-01&lang=zh").get_data(as_text=True)
    assert 'data-fees="agree"' in body and 'data-fees="differ"' not in body
