"""What names a bill or a payment of the bill import, and the compact records kept per bill and
per payment while a file is read.

Those records are the part of the import that grows with the file (a 100,000-row file has up to
100,000 of each), so they are single ints rather than tuples: a dict of packed ints took 92 bytes
an entry against 212 for a dict of (room, due, row) tuples, measured with tracemalloc.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pm_app.fees.import_columns import BillRow

_FEN_BITS = 40  # amounts: a bill is at most import_columns.MAX_YUAN (10⁸ fen) < 2⁴⁰
_TIME_BITS = 34  # seconds since 1970 of a payment made since 2000: < 2³⁴ until the year 2514
_FEN_MASK = (1 << _FEN_BITS) - 1


def bill_key(row: BillRow) -> int:
    """(household, month) as one int: periods run from 2000-01 to 2099-12, 1,200 months."""
    return row.household_id * 1200 + (int(row.period[:4]) - 2000) * 12 + int(row.period[5:]) - 1


def payment_key(row: BillRow) -> str:
    """The idempotency key of a payment row: made of what the row says, so it is the same however
    often the file is imported, and in UTC so it does not depend on how the time was written."""
    return key_of(row.household_id, row.period, row.paid_at, row.amount_paid_fen)


def key_of(household_id: int, period: str, paid_at: datetime, amount_fen: int) -> str:
    """A payment named by its bill, its second and its amount (what a history export writes)."""
    paid_at = paid_at.astimezone(UTC).isoformat(timespec="seconds")
    return f"import:{household_id}:{period}:{paid_at}:{amount_fen}"


def pack_bill(room: int, due: int, first_row: int) -> int:
    """A bill of the file: what may still be paid into it, its amount, the row it first came on."""
    return room | due << _FEN_BITS | first_row << 2 * _FEN_BITS


def unpack_bill(packed: int) -> tuple[int, int, int]:
    return packed & _FEN_MASK, packed >> _FEN_BITS & _FEN_MASK, packed >> 2 * _FEN_BITS


def pack_payment(bill: int, row: BillRow) -> int:
    """A payment of the file, told apart by bill, time and amount as its idempotency key is."""
    return row.amount_paid_fen | int(row.paid_at.timestamp()) << _FEN_BITS | bill << (_FEN_BITS + _TIME_BITS)
