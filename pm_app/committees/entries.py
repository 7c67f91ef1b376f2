"""Posting to the books: the compound's collecting party (the firm holding its current contract,
or its 自管会 or street office under a fee arrangement: org.parties) posts entries and
reverses its mistakes; a maintenance-fund draw needs a passing owners' vote (see fund.py).
Fee income is not posted by hand: the system posts it from the fees received (fee_books.py).
There is no edit and no delete, here or in the database (see the migration's triggers)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from pm_app.committees import fund, ledger
from pm_app.committees.models import Account, Direction, FundVote, LedgerEntry
from pm_app.common.clock import today
from pm_app.errors import Conflict, DomainError
from pm_app.extensions import db
from pm_app.org import parties
from pm_app.org.models import Compound
from pm_app.org.services import ensure

FIELDS = ("account", "direction", "amount_fen")
# Fee income is what the fee module received, posted once a month by the system (fee_books.py);
# an entry by hand would count the same fees twice, and a reversal would be posted back.
HAND_ACCOUNTS = tuple(account for account in Account if account != Account.fee_income)
FEE_INCOME_REFUSED = _l(
    "Fee income is posted by the system from the fees received, once a month after the month "
    "closes; record a payment or a reversal in the fee module instead."
)


def can_post(user, compound: Compound) -> bool:
    """The compound's current collecting party keeps its books: the firm holding the service
    contract, or the 自管会 or street office the fee arrangement names (org.parties)."""
    return parties.collects(user, compound.id)


def post_entry(user, compound: Compound, data: dict) -> LedgerEntry:
    ensure(can_post(user, compound), _l("post entries to this compound's books"))
    if data["entry_date"] > today():
        raise DomainError(_("date is in the future"), {"date": [_("An entry cannot be dated after today.")]})
    original = _original(compound, data.get("reversal_of")) if data.get("reversal_of") else None
    if original is not None:
        _check_reversal(original, data)
    else:
        missing = {
            name: [_("Missing data for required field.")]
            for name in ("account", "direction", "amount")
            if data.get(_field(name)) is None
        }
        if missing:
            raise DomainError(_("Invalid input."), missing)
        if Account(data["account"]) == Account.fee_income:
            raise DomainError(str(FEE_INCOME_REFUSED), {"account": [str(FEE_INCOME_REFUSED)]})
    entry = LedgerEntry(
        compound_id=compound.id,
        account=Account(data["account"]),
        direction=Direction(data["direction"]),
        amount_fen=data["amount_fen"],
        entry_date=data["entry_date"],
        counterparty=data.get("counterparty"),
        voucher_no=data.get("voucher_no"),
        description=data["description"],
        posted_by_id=user.id,
    )
    if original is None and entry.account == Account.maintenance_fund and entry.direction == Direction.out:
        vote_id = data.get("fund_vote_id")
        fund.check_draw(compound.id, db.session.get(FundVote, vote_id) if vote_id else None, entry.amount_fen)
        entry.fund_vote_id = vote_id
    return ledger.append(entry, original)


def _field(name: str) -> str:
    return "amount_fen" if name == "amount" else name


def _original(compound: Compound, entry_id: int) -> LedgerEntry:
    original = db.session.scalar(
        select(LedgerEntry).where(LedgerEntry.id == entry_id, LedgerEntry.compound_id == compound.id)
    )
    if original is None:
        raise DomainError(
            _("reversal_of: no such entry in this compound's books"),
            {"reversal_of": [_("No such entry in this compound's books.")]},
        )
    if original.account == Account.fee_income:
        raise DomainError(str(FEE_INCOME_REFUSED), {"reversal_of": [str(FEE_INCOME_REFUSED)]})
    if original.reversal_of_id is not None:
        raise DomainError(
            _("A reversal cannot be reversed; post the entry again instead."),
            {"reversal_of": [_("is itself a reversal")]},
        )
    if db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.reversal_of_id == original.id)) is not None:
        raise Conflict(
            _("Entry %(seq)d has already been reversed.", seq=original.seq), {"reversal_of": [_("already reversed")]}
        )
    return original


def _check_reversal(original: LedgerEntry, data: dict) -> None:
    """A reversal is the original's amount on the same account in the other direction; what the
    caller leaves out is taken from the original, what it gives must agree."""
    opposite = Direction.out if original.direction == Direction.in_ else Direction.in_
    wanted = {"account": original.account, "direction": opposite, "amount_fen": original.amount_fen}
    errors = {}
    for name, value in wanted.items():
        given = data.get(name)
        if given is not None and given != value and getattr(given, "value", given) != getattr(value, "value", value):
            errors["amount" if name == "amount_fen" else name] = [_("A reversal must match the original entry.")]
        data[name] = value
    if errors:
        raise DomainError(_("A reversal must match the original entry."), errors)
