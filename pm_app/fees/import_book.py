"""The bill import's rules across rows and against the database, and its chunked writes.

Rows arrive already checked on their own (`fees.import_columns`) and are settled CHUNK at a time:
one query for the chunk's bills already in the database, one for its payments already recorded,
then each row in file order, then — while the file has no problem so far — one INSERT for the
chunk's new bills (with their totals), one for its new payments, and an UPDATE of the totals of
bills that were there before the chunk and were paid into by it.

What outlives a chunk is one small record per bill of the file (its amount, the row it first
appeared on, and what may still be paid into it) and one per payment (the row it was on), so that
a later row can be held to an earlier one: the part of the import that grows with the file, kept
as packed ints (`fees.import_keys`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ARRAY, Integer, String, bindparam, exists, func, insert, select, tuple_, update
from sqlalchemy.orm import aliased

from pm_app.common.money import fen_to_yuan
from pm_app.extensions import db
from pm_app.fees.billing import FEE_TYPE, contract_for_period
from pm_app.fees.import_columns import BillRow
from pm_app.fees.import_keys import bill_key, key_of, pack_bill, pack_payment, payment_key, unpack_bill
from pm_app.fees.models import Bill, Payment
from pm_app.fees.payments import request_digest, status_of
from pm_app.fees.periods import due_date
from pm_app.org.models import ServiceContract

CHUNK = 5000  # rows per round trip: large enough to be fast, small enough to stay flat


@dataclass(frozen=True)
class ImportCounts:
    rows: int
    bills_created: int
    bills_existing: int
    payments_created: int
    payments_existing: int


@dataclass
class _Chunk:
    """What the checks of one chunk find in the database and leave to write."""

    in_db: dict  # (household id, period) → that bill's row, locked
    recorded: dict  # idempotency key → method of the chunk's payments already recorded
    new_bills: dict[tuple[int, str], dict] = field(default_factory=dict)
    new_payments: list[tuple[tuple[int, str], dict]] = field(default_factory=list)
    paid: dict[tuple[int, str], int] = field(default_factory=dict)  # fen this chunk pays into each bill


class BillBook:
    def __init__(self, compound_id: int, user_id: int, firm_only: int | None):
        self.compound_id = compound_id
        self.user_id = user_id
        self.firm_only = firm_only  # a firm may import only the periods its own contracts billed
        self.pending: list[tuple[int, BillRow]] = []
        self.bills: dict[int, int] = {}  # bill key → packed (room, amount due, first row)
        self.payments: dict[int, int] = {}  # packed (bill key, paid at, amount) → row
        self.periods: dict[str, tuple[int | None, int | None, object]] = {}
        self.rows = self.bills_created = self.bills_existing = self.payments_created = self.payments_existing = 0

    def add(self, number: int, row: BillRow, errors: dict) -> None:
        self.pending.append((number, row))
        self.rows += 1
        if len(self.pending) >= CHUNK:
            self.settle(errors)

    def counts(self) -> ImportCounts:
        return ImportCounts(
            self.rows, self.bills_created, self.bills_existing, self.payments_created, self.payments_existing
        )

    def settle(self, errors: dict) -> None:
        """Check the pending rows against earlier rows and the database; write them if all is well."""
        rows, self.pending = self.pending, []
        if not rows:
            return
        in_db = self._bills_in_db({(row.household_id, row.period) for _, row in rows}, lock=True)
        chunk = _Chunk(in_db, self._payments_in_db([payment_key(row) for _, row in rows if row.amount_paid_fen], in_db))
        for number, row in rows:
            problems = self._check(number, row, chunk)
            if problems:
                errors[str(number)] = problems
        if not errors:  # the first bad row stops the writing; the caller's savepoint undoes the rest
            self._write(chunk)

    def _check(self, number: int, row: BillRow, chunk: _Chunk) -> list[str]:
        firm_id, contract_id, default_due = self._period(row.period)
        if self.firm_only is not None and firm_id != self.firm_only:
            return [
                _(
                    "%(period)s was not billed under your firm's contract; the street office can import it",
                    period=row.period,
                )
            ]
        key = bill_key(row)
        state = self.bills.get(key)
        if state is not None:
            room, due, first = unpack_bill(state)
            if due != row.amount_due_fen:
                return [
                    _(
                        "amount_due %(amount)s differs from %(first)s on row %(row)d for the same bill",
                        amount=fen_to_yuan(row.amount_due_fen),
                        first=fen_to_yuan(due),
                        row=first,
                    )
                ]
        else:
            found = chunk.in_db.get((row.household_id, row.period))
            if found is not None and found.amount_due_fen != row.amount_due_fen:
                return [
                    _(
                        "%(period)s is already billed at %(amount)s",
                        period=row.period,
                        amount=fen_to_yuan(found.amount_due_fen),
                    )
                ]
            first = number
            if found is not None:
                room = found.amount_due_fen - found.paid_fen - found.waived_fen
                self.bills_existing += 1
            else:
                room = row.amount_due_fen
                self.bills_created += 1
                chunk.new_bills[(row.household_id, row.period)] = {
                    "household_id": row.household_id,
                    "compound_id": self.compound_id,
                    "firm_id": firm_id,
                    "contract_id": contract_id,
                    "period": row.period,
                    "fee_type": FEE_TYPE,
                    "amount_due_fen": row.amount_due_fen,
                    "due_date": row.due_date or default_due,
                    "waived_fen": 0,
                    "source": "imported",
                }
        problems = []
        if row.amount_paid_fen:
            room, problems = self._payment(number, row, key, room, chunk)
        self.bills[key] = pack_bill(room, row.amount_due_fen, first)
        return problems

    def _payment(self, number: int, row: BillRow, key: int, room: int, chunk: _Chunk) -> tuple[int, list[str]]:
        idempotency_key = payment_key(row)
        if idempotency_key in chunk.recorded:
            if chunk.recorded[idempotency_key] != row.method:
                return room, [
                    _(
                        "this payment was imported before with method %(method)s",
                        method=chunk.recorded[idempotency_key].value,
                    )
                ]
            self.payments_existing += 1
            return room, []
        first = self.payments.setdefault(pack_payment(key, row), number)
        if first != number:
            return room, [_("the same payment is also on row %(row)d", row=first)]
        if row.amount_paid_fen > room:
            return room, [
                _(
                    "amount_paid %(amount)s is more than the %(outstanding)s outstanding on this bill",
                    amount=fen_to_yuan(row.amount_paid_fen),
                    outstanding=fen_to_yuan(room),
                )
            ]
        self.payments_created += 1
        bill = (row.household_id, row.period)
        chunk.paid[bill] = chunk.paid.get(bill, 0) + row.amount_paid_fen
        chunk.new_payments.append(
            (
                bill,
                {
                    "amount_fen": row.amount_paid_fen,
                    "method": row.method,
                    "paid_at": row.paid_at,
                    "recorded_by_id": self.user_id,
                    "idempotency_key": idempotency_key,
                },
            )
        )
        return room - row.amount_paid_fen, []

    def _write(self, chunk: _Chunk) -> None:
        """New bills go in with their totals; bills there before (or written by an earlier chunk)
        get theirs raised by what this chunk paid into them, under the lock `settle` took.
        Status is `payments.status_of` of the totals, as for a payment through the API."""
        for bill, values in chunk.new_bills.items():
            values["paid_fen"] = chunk.paid.pop(bill, 0)
            values["status"] = status_of(values["amount_due_fen"], values["paid_fen"], 0)
        if chunk.new_bills:
            db.session.execute(insert(Bill.__table__), list(chunk.new_bills.values()))
        if chunk.paid:
            raised = [chunk.in_db[bill] for bill in chunk.paid]
            db.session.execute(
                update(Bill),
                [
                    {
                        "id": found.id,
                        "paid_fen": found.paid_fen + chunk.paid[bill],
                        "status": status_of(found.amount_due_fen, found.paid_fen + chunk.paid[bill], found.waived_fen),
                    }
                    for bill, found in zip(chunk.paid, raised)
                ],
            )
        if not chunk.new_payments:
            return
        ids = {bill: found.id for bill, found in chunk.in_db.items()}
        if chunk.new_bills:
            ids.update((bill, found.id) for bill, found in self._bills_in_db(set(chunk.new_bills)).items())
        for bill, payment in chunk.new_payments:
            payment["bill_id"] = ids[bill]
            payment["request_digest"] = request_digest(
                payment["bill_id"], payment["amount_fen"], payment["method"].value, payment["paid_at"]
            )
        db.session.execute(insert(Payment.__table__), [payment for _, payment in chunk.new_payments])

    def _bills_in_db(self, keys: set[tuple[int, str]], lock: bool = False) -> dict:
        columns = (Bill.id, Bill.household_id, Bill.period, Bill.amount_due_fen, Bill.paid_fen, Bill.waived_fen)
        if db.session.get_bind().dialect.name == "postgresql":
            # PostgreSQL plans a 5,000-pair (a, b) IN (…) badly, seconds per chunk; two array
            # parameters unnested into a join walk the unique index once per pair, and compile once.
            households, periods = zip(*keys)
            wanted = (
                func.unnest(
                    bindparam("households", list(households), type_=ARRAY(Integer)),
                    bindparam("periods", list(periods), type_=ARRAY(String)),
                )
                .table_valued("household_id", "period")
                .render_derived(name="wanted")
            )
            query = select(*columns).join(
                wanted, (Bill.household_id == wanted.c.household_id) & (Bill.period == wanted.c.period)
            )
        else:
            query = select(*columns).where(tuple_(Bill.household_id, Bill.period).in_(list(keys)))
        query = query.where(Bill.fee_type == FEE_TYPE)
        if lock:
            # A payment recorded through the API meanwhile waits for this import, so the room
            # computed here stays true until the import commits.
            query = query.with_for_update(of=Bill)
        return {(found.household_id, found.period): found for found in db.session.execute(query)}

    def _payments_in_db(self, keys: list[str], in_db: dict) -> dict:
        """idempotency key → method of the chunk's payments recorded before: by an earlier import
        (their key), or at the counter or through the API (the same bill, second and amount, not
        reversed), so a history exported here and imported again adds nothing."""
        if not keys:
            return {}
        recorded = dict(
            db.session.execute(
                select(Payment.idempotency_key, Payment.method).where(Payment.idempotency_key.in_(keys))
            ).all()
        )
        bills = {found.id: bill for bill, found in in_db.items() if found.paid_fen}
        if bills:
            reversal = aliased(Payment)
            standing = db.session.execute(
                select(Payment.bill_id, Payment.paid_at, Payment.amount_fen, Payment.method).where(
                    Payment.bill_id.in_(list(bills)),
                    Payment.reversal_of_id.is_(None),
                    ~exists(select(reversal.id).where(reversal.reversal_of_id == Payment.id)),
                )
            )
            for bill_id, paid_at, amount, method in standing:
                recorded.setdefault(key_of(*bills[bill_id], paid_at, amount), method)
        return recorded

    def _period(self, period: str):
        """(firm id, contract id, default due date) of a period, looked up once per period."""
        if period not in self.periods:
            contract = db.session.execute(
                select(ServiceContract.firm_id, ServiceContract.id).where(
                    ServiceContract.compound_id == self.compound_id, contract_for_period(period)
                )
            ).first()
            settings = current_app.config
            due = due_date(period, settings["FEE_DUE_DAY_OF_MONTH"], settings["FEE_DUE_MONTHS_AFTER"])
            self.periods[period] = (*(contract or (None, None)), due)
        return self.periods[period]
