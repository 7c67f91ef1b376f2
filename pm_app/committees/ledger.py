"""The compound's books as a hash chain: append, reverse, verify.

Canonical form (version 1) of an entry, the input of its SHA-256:

    JSON of {"v": 1, "compound_id", "seq", "account", "direction", "amount_fen", "date" (YYYY-MM-DD),
             "counterparty", "voucher_no", "description", "reversal_of_seq", "fund_vote_id",
             "posted_by_id", "prev_hash"}
    with keys sorted, no spaces (separators "," and ":"), non-ASCII kept as is, UTF-8 encoded;
    absent values are null.

`hash = sha256(canonical).hexdigest()`; `prev_hash` is the hash of the compound's previous entry
(by `seq`), 64 zeros for the first. A reversal names the original by its `seq`, not its row id,
so the chain can be checked from the entries' content alone. `ledger_head` keeps the last seq
and hash of each chain, so deleting the newest entries is noticed as well; the database lets the
head only advance to the chain's new last entry. The statements' printed anchors (anchors.py)
catch a rewrite that recomputed every hash and the head.

Appends to one compound's chain take turns on the compound's row lock (PostgreSQL; SQLite
serialises writers), so two posts never link to the same previous entry.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select

from pm_app.committees import anchors
from pm_app.committees.anchors import Anchor
from pm_app.committees.models import Account, Direction, LedgerEntry, LedgerHead
from pm_app.extensions import db
from pm_app.org.imports import lock_compound

GENESIS = "0" * 64


def canonical(entry: LedgerEntry, reversal_of_seq: int | None) -> bytes:
    body = {
        "v": 1,
        "compound_id": entry.compound_id,
        "seq": entry.seq,
        "account": Account(entry.account).value,
        "direction": Direction(entry.direction).value,
        "amount_fen": entry.amount_fen,
        "date": entry.entry_date.isoformat(),
        "counterparty": entry.counterparty,
        "voucher_no": entry.voucher_no,
        "description": entry.description,
        "reversal_of_seq": reversal_of_seq,
        "fund_vote_id": entry.fund_vote_id,
        "posted_by_id": entry.posted_by_id,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(entry: LedgerEntry, reversal_of_seq: int | None) -> str:
    return hashlib.sha256(canonical(entry, reversal_of_seq)).hexdigest()


def append(entry: LedgerEntry, reversal_of: LedgerEntry | None = None) -> LedgerEntry:
    """Link `entry` (all business fields set) to the end of its compound's chain and insert it."""
    lock_compound(entry.compound_id)
    head = db.session.get(LedgerHead, entry.compound_id, with_for_update=True, populate_existing=True)
    entry.seq = head.seq + 1 if head else 1
    entry.prev_hash = head.hash if head else GENESIS
    entry.reversal_of_id = reversal_of.id if reversal_of else None
    entry.hash = entry_hash(entry, reversal_of.seq if reversal_of else None)
    db.session.add(entry)
    db.session.flush()  # the entry first: the database moves the head only to an existing last entry
    if head is None:
        db.session.add(LedgerHead(compound_id=entry.compound_id, seq=entry.seq, hash=entry.hash))
    else:
        head.seq, head.hash = entry.seq, entry.hash
    db.session.flush()
    return entry


def append_all(compound_id: int, new_entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """Link several new entries (none a reversal) of one compound, in the order given, to the end
    of its chain: one lock, one head read and two flushes, for a sweep posting many months."""
    lock_compound(compound_id)
    head = db.session.get(LedgerHead, compound_id, with_for_update=True, populate_existing=True)
    seq, prev = (head.seq, head.hash) if head else (0, GENESIS)
    for entry in new_entries:
        entry.seq, entry.prev_hash, entry.reversal_of_id = seq + 1, prev, None
        entry.hash = entry_hash(entry, None)
        seq, prev = entry.seq, entry.hash
    db.session.add_all(new_entries)
    db.session.flush()  # the entries first: the database moves the head only to an existing last entry
    if head is None:
        db.session.add(LedgerHead(compound_id=compound_id, seq=seq, hash=prev))
    else:
        head.seq, head.hash = seq, prev
    db.session.flush()
    return new_entries


@dataclass
class Verification:
    ok: bool
    entries: int
    first_broken_id: int | None = None
    first_broken_seq: int | None = None
    problem: str | None = None
    anchors: int = 0  # printed anchors checked (or found, when the chain broke before them)
    broken_anchor: Anchor | None = None


def verify(compound_id: int, paper: Anchor | None = None) -> Verification:
    """Walk the chain in seq order; the first entry whose seq, link or hash does not hold is named.

    An edited entry breaks its own hash; a deleted one breaks the next entry's link (its seq
    skips); two swapped entries break at the earlier position; deleting the newest entries leaves
    the chain shorter than its head, reported with the missing seq and no id. Then every anchor
    ever printed on a statement must still match the chain at its seq: a rewrite that recomputed
    the later hashes and the head is named by the first anchor it broke (its month), with
    first_broken_seq the first entry it may have touched and no id. `paper`, an anchor someone
    holds on a printed statement, is checked the same way (its month is None)."""
    rows = db.session.execute(
        select(LedgerEntry, LedgerEntry.reversal_of_id)
        .where(LedgerEntry.compound_id == compound_id)
        .order_by(LedgerEntry.seq, LedgerEntry.id)
    ).all()
    seq_of = {entry.id: entry.seq for entry, _ in rows}
    expected_prev, expected_seq = GENESIS, 1
    for entry, reversal_of_id in rows:
        reversal_seq = seq_of.get(reversal_of_id) if reversal_of_id else None
        if entry.seq != expected_seq:
            return Verification(
                False, len(rows), entry.id, entry.seq, f"expected seq {expected_seq}, found {entry.seq}"
            )
        if entry.prev_hash != expected_prev:
            return Verification(False, len(rows), entry.id, entry.seq, "does not link to the entry before it")
        if entry_hash(entry, reversal_seq) != entry.hash:
            return Verification(False, len(rows), entry.id, entry.seq, "its content does not match its hash")
        expected_prev, expected_seq = entry.hash, expected_seq + 1
    head = db.session.get(LedgerHead, compound_id)
    if head is not None and (head.seq != expected_seq - 1 or head.hash != expected_prev):
        return Verification(False, len(rows), None, expected_seq, f"entries after seq {expected_seq - 1} are missing")
    checked, broken = anchors.check(compound_id, {entry.seq: entry.hash for entry, _ in rows}, paper)
    if broken is not None:
        anchor = broken.anchor
        what = "is missing" if broken.found_hash is None else f"now has hash {broken.found_hash}"
        statement = f"the statement of {anchor.month}" if anchor.month else "the statement you hold"
        return Verification(
            False,
            len(rows),
            None,
            broken.first_seq,
            f"{statement} printed entry {anchor.seq} with hash {anchor.hash}; the entry {what}: "
            f"entries {broken.first_seq} to {anchor.seq} were rewritten after it was issued",
            checked,
            anchor,
        )
    return Verification(True, len(rows), anchors=checked)
