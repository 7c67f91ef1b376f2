"""Property fees: bills, payments (append-only, with reversals) and waivers.

Money is integer fen. A bill keeps running totals of what was paid and waived and a status
derived from them, maintained by `fees.payments` (the only writer) under a row lock on the bill,
so lists, filters and city-wide rates read one row per bill instead of summing payments each time.
The payment and waiver rows stay the record: `payments.check_totals` recomputes the totals from them.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pm_app.common.types import UTCDateTime, value_enum
from pm_app.extensions import db
from pm_app.org.models import Household


class BillStatus(str, enum.Enum):
    unpaid = "unpaid"
    partial = "partial"
    paid = "paid"
    waived = "waived"


class PaymentMethod(str, enum.Enum):
    cash = "cash"
    wechat = "wechat"
    alipay = "alipay"
    bank_transfer = "bank_transfer"
    pos = "pos"
    other = "other"


class Bill(db.Model):
    __tablename__ = "bill"
    __table_args__ = (
        UniqueConstraint("household_id", "period", "fee_type"),
        CheckConstraint("amount_due_fen >= 0", name="due_not_negative"),
        CheckConstraint(
            "paid_fen >= 0 AND waived_fen >= 0 AND paid_fen + waived_fen <= amount_due_fen", name="totals_within_due"
        ),
        # Collection rates group a compound's (or a street's) bills by period. On PostgreSQL the
        # index carries the figures the rates add up, so they are read from it alone (index-only
        # scan): a street's twelve months went from a 1.5 s scan of the table to 0.1 s
        # (docs/performance.md). The price: recording a payment rewrites index entries.
        Index(
            "ix_bill_compound_rates",
            "compound_id",
            "period",
            postgresql_include=["fee_type", "amount_due_fen", "paid_fen", "waived_fen"],
        ),
        # The same by period first, for what groups every compound or a firm's over a few months
        # (the fee sweeps, a firm's rates, the city): at twice the city the planner had given up
        # the bare (period, firm_id) index for a scan of the whole table (migration b3e7c2d4f005).
        Index(
            "ix_bill_period_rates",
            "period",
            "firm_id",
            postgresql_include=["fee_type", "compound_id", "amount_due_fen", "paid_fen", "waived_fen"],
        ),
        # Arrears read only the unsettled bills (about one in ten): the city's and a firm's /fees
        # counted them by scanning all 5 million bills, 3.1 s at the peak hour; from this index
        # 0.7–0.9 s (docs/performance.md, "Peak hour"). Paying a bill off drops its entry.
        Index(
            "ix_bill_unsettled",
            "compound_id",
            "household_id",
            postgresql_include=["amount_due_fen", "paid_fen", "waived_fen", "due_date", "firm_id"],
            postgresql_where=text("status IN ('unpaid', 'partial')"),
            sqlite_where=text("status IN ('unpaid', 'partial')"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    # Copied from the household and the contract so that scope and aggregates need no join.
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"))
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("service_contract.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    fee_type: Mapped[str] = mapped_column(String(16), default="property")
    amount_due_fen: Mapped[int] = mapped_column(BigInteger)
    due_date: Mapped[date] = mapped_column(Date)
    paid_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    waived_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[BillStatus] = mapped_column(value_enum(BillStatus, "bill_status", 16), default=BillStatus.unpaid)
    source: Mapped[str] = mapped_column(String(16), default="generated")  # generated | imported | seed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())

    household: Mapped[Household] = relationship()

    @property
    def outstanding_fen(self) -> int:
        return self.amount_due_fen - self.paid_fen - self.waived_fen


class Payment(db.Model):
    """Never updated or deleted. A reversal is a row with the negative amount pointing at the
    payment it cancels (`reversal_of_id`, unique: a payment is reversed at most once)."""

    __tablename__ = "payment"
    __table_args__ = (
        CheckConstraint("amount_fen <> 0", name="amount_not_zero"),
        CheckConstraint(
            "(reversal_of_id IS NULL AND amount_fen > 0) OR (reversal_of_id IS NOT NULL AND amount_fen < 0)",
            name="sign_matches_kind",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bill.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[PaymentMethod] = mapped_column(value_enum(PaymentMethod, "payment_method", 16))
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())
    # What the client sent as Idempotency-Key, and a digest of the body it came with: the same
    # key with another body is a conflict, not a replay.
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    request_digest: Mapped[str] = mapped_column(String(64))
    reversal_of_id: Mapped[int | None] = mapped_column(ForeignKey("payment.id"), unique=True)
    note: Mapped[str | None] = mapped_column(Text)

    bill: Mapped[Bill] = relationship()
    # The receipt this payment is printed on (none for a reversal): the API answers a payment
    # with its receipt number, as the counter does, so a cashier never has to look it up.
    receipt: Mapped[Receipt | None] = relationship(secondary="receipt_line", viewonly=True, uselist=False)


class Waiver(db.Model):
    """减免: part or all of a bill forgiven, with the reason and who approved it."""

    __tablename__ = "waiver"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bill.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[str] = mapped_column(String(128))  # the person or body that approved it
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    waived_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())
    # Optional here (a waiver is a deliberate act, not a till's retry), but the page's form and
    # careful API callers send one, so a double submit waives once.
    idempotency_key: Mapped[str | None] = mapped_column(String(128), unique=True)

    bill: Mapped[Bill] = relationship()


class BillTotal(db.Model):
    """The bills of one compound, month, fee type and firm, summed: what collection rates add up.

    Written only by the database: triggers on `bill` add every insert's, update's and delete's
    difference in the same transaction (migration d6b3f9a2c007), so a rate read from here equals
    the same rate read from the bills. The app never writes it; `fees.reports.totals.rebuild` recomputes
    it. A bill outside any contract has no firm: the key counts a NULL firm as one firm."""

    __tablename__ = "bill_total"
    __table_args__ = (
        Index("uq_bill_total_key", "compound_id", "period", "fee_type", text("coalesce(firm_id, 0)"), unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int]
    firm_id: Mapped[int | None]
    period: Mapped[str] = mapped_column(String(7), index=True)
    fee_type: Mapped[str] = mapped_column(String(16))
    bills: Mapped[int]
    receivable_fen: Mapped[int] = mapped_column(BigInteger)  # due less waived
    received_fen: Mapped[int] = mapped_column(BigInteger)
    households_billed: Mapped[int]  # bills not waived in full
    households_paid: Mapped[int]  # of those, settled (paid and waived cover the due)


class ReceiptSequence(db.Model):
    """The last receipt number issued by one collecting organisation in one year. A payment locks
    its row (SELECT … FOR UPDATE) and takes the next number in its own transaction, so a payment
    that rolls back gives its number back and the numbers stay gap-free (fees.counter.receipts)."""

    __tablename__ = "receipt_sequence"
    organisation: Mapped[str] = mapped_column(String(32), primary_key=True)  # "firm:3", "street:2"
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class Receipt(db.Model):
    """收据: what a household paid at once, over one or more months. Never deleted; a reversal of
    one of its payments voids it, and its number stays used."""

    __tablename__ = "receipt"
    __table_args__ = (
        UniqueConstraint("organisation", "number"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        # The day's cash-up (日结) reads one cashier's receipts of one day.
        Index("ix_receipt_cashier_issued", "cashier_id", "issued_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(16))  # YYYY-NNNNNN
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    # Copied from the bills, so that scope needs no join (the rule of the bills: fees.scope).
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[PaymentMethod] = mapped_column(value_enum(PaymentMethod, "payment_method", 16))
    payer_name: Mapped[str | None] = mapped_column(String(64))
    cashier_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    void_reason: Mapped[str | None] = mapped_column(Text)

    household: Mapped[Household] = relationship()
    lines: Mapped[list[ReceiptLine]] = relationship(order_by="ReceiptLine.period", back_populates="receipt")

    @property
    def voided(self) -> bool:
        return self.voided_at is not None

    @property
    def periods(self) -> list[str]:
        return [line.period for line in self.lines]


class ReceiptLine(db.Model):
    """One month on a receipt: the payment row that settled (part of) that month's bill."""

    __tablename__ = "receipt_line"
    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipt.id"), index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), unique=True)
    period: Mapped[str] = mapped_column(String(7))
    amount_fen: Mapped[int] = mapped_column(BigInteger)

    receipt: Mapped[Receipt] = relationship(back_populates="lines")
