"""The ledger anchor: every monthly statement (page, CSV, XLSX, API) prints the chain's head as it
stands when the statement is issued — the last entry's seq and hash — and each anchor printed is
recorded in ledger_anchor (append-only, in the database as well).

Why: the hash chain alone only catches naive edits. Whoever can switch the triggers off can edit
an amount, recompute every later hash and the head, and the chain holds again. But the hash of
entry `seq` depends on every entry up to it, so a rewrite changes the hash printed on the paper
the committee already holds: verify checks the chain against every anchor ever printed and names
the first that no longer matches (and so the month, and the range of entries rewritten).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from pm_app.committees.models import LedgerAnchor, LedgerHead
from pm_app.errors import DomainError
from pm_app.extensions import db

ISSUED_AS = ("page", "csv", "xlsx", "api")
SEQ = re.compile(r"[0-9]{1,9}")  # ASCII digits only; within the column
HASH = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Anchor:
    month: str | None  # None: an anchor someone holds on paper, given to verify
    seq: int
    hash: str
    issued_at: datetime | None = None


def held(seq: str | None, hash_: str | None) -> Anchor | None:
    """The anchor printed on a statement someone holds, as typed (seq and hash, both or neither),
    so verify checks the books against the paper as well — even if ledger_anchor itself was
    rewritten. Raises DomainError (422) naming the field."""
    seq, hash_ = (seq or "").strip(), (hash_ or "").strip().lower()
    if not seq and not hash_:
        return None
    errors = {}
    if not SEQ.fullmatch(seq) or int(seq) == 0:
        errors["seq"] = [_("Give the entry number printed on the statement (1, 2, 3 …).")]
    if not HASH.fullmatch(hash_):
        errors["hash"] = [_("Give the 64 characters (0-9, a-f) of the hash printed on the statement.")]
    if errors:
        raise DomainError(_("The anchor to check is not complete."), errors)
    return Anchor(None, int(seq), hash_)


def issue(compound_id: int, month: str, user, issued_as: str) -> Anchor | None:
    """The anchor to print on `month`'s statement: the head now. Recorded the first time this
    statement prints this head (a repeat prints the same and writes nothing, so an API answer that
    only repeats one can be cached). None while the books have no entry."""
    head = db.session.get(LedgerHead, compound_id, populate_existing=True)
    if head is None:
        return None
    key = (LedgerAnchor.compound_id == compound_id, LedgerAnchor.month == month, LedgerAnchor.seq == head.seq)
    if db.session.scalar(select(LedgerAnchor.id).where(*key)) is None:
        row = {
            "compound_id": compound_id,
            "month": month,
            "seq": head.seq,
            "hash": head.hash,
            "issued_as": issued_as,
            "issued_by_id": getattr(user, "id", None),
        }
        db.session.execute(
            _insert()(LedgerAnchor).values(row).on_conflict_do_nothing(index_elements=["compound_id", "month", "seq"])
        )
    return Anchor(month, head.seq, head.hash)


def _insert():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


@dataclass
class Broken:
    anchor: Anchor
    first_seq: int  # the first entry the rewrite may have touched: the seq after the last anchor that holds
    found_hash: str | None  # what the chain has at the anchor's seq now (None: the entry is gone)


def check(compound_id: int, hashes: dict[int, str], paper: Anchor | None = None) -> tuple[int, Broken | None]:
    """(anchors checked, the first by seq the chain `hashes` (seq → hash) no longer matches):
    every anchor printed, and the one held on `paper` if given."""
    anchors = [
        Anchor(row.month, row.seq, row.hash, row.issued_at)
        for row in db.session.scalars(
            select(LedgerAnchor).where(LedgerAnchor.compound_id == compound_id).order_by(LedgerAnchor.id)
        )
    ]
    anchors.sort(key=lambda anchor: anchor.seq)  # stable: at one seq, the first printed first
    if paper is not None:
        anchors.insert(next((i for i, a in enumerate(anchors) if a.seq > paper.seq), len(anchors)), paper)
    holds = 0
    for anchor in anchors:
        found = hashes.get(anchor.seq)
        if found != anchor.hash:
            return len(anchors), Broken(anchor, holds + 1, found)
        holds = anchor.seq
    return len(anchors), None
