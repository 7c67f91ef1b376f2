"""The maintenance fund (专项维修资金): its balance, the owners' votes on using it, and the
Civil Code Art. 278 check a draw must pass.

Art. 278: owners holding at least 2/3 of the floor area and at least 2/3 of the headcount take
part, and of the participating area and owners more than 1/2 approve — or at least 3/4 when the
vote raises the fund, alters or rebuilds, or changes the use of common parts (the vote's
`matter`, majorities.py). The thresholds are compared as integer cross-products (3 × part ≥
2 × total; 2 × approve > part; 4 × approve ≥ 3 × part), so exactly 2/3 participation and exactly
3/4 approval pass and exactly 1/2 approval fails, with no rounding anywhere. Headcount is owners,
each counted once however many households they hold (majorities.owner_count); totals are the
compound's owners and registered floor area when the vote is recorded.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from pm_app.auth.models import Role
from pm_app.auth.scope import visible
from pm_app.committees.majorities import DRAWABLE, MATTERS, approves, check_counted_majority, majority_rule, owner_count
from pm_app.committees.models import Account, Direction, FundMatter, FundVote, LedgerEntry
from pm_app.common.money import fen_to_yuan
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.org.models import Compound
from pm_app.org.services import can_manage_compound, compound_counts, ensure
from pm_app.tickets.models import Ticket
from pm_app.warranties.models import RenovationProject

THRESHOLDS = {
    "participating_area": _l("at least 2/3 of the floor area must take part"),
    "participating_households": _l("at least 2/3 of the owners must take part"),
}


def failed_threshold(vote: FundVote) -> str | None:
    """The first Art. 278 threshold the vote misses (a THRESHOLDS key), or None if it passes."""
    if 3 * vote.participating_area_dm2 < 2 * vote.total_area_dm2:
        return "participating_area"
    if 3 * vote.participating_households < 2 * heads_base(vote):
        return "participating_households"
    matter = vote.matter or FundMatter.use
    if not approves(matter, vote.approving_area_dm2, vote.participating_area_dm2):
        return "approving_area"
    if not approves(matter, vote.approving_households, vote.participating_households):
        return "approving_households"
    return None


def heads_base(vote: FundVote) -> int:
    """The headcount's base: the owners, or the households on a vote recorded before owners were counted."""
    return vote.total_owners if vote.total_owners is not None else vote.total_households


def refusal(threshold: str, vote: FundVote) -> str:
    if threshold in THRESHOLDS:
        return _("The vote does not meet Civil Code Art. 278: %(rule)s.", rule=THRESHOLDS[threshold])
    return _("The vote does not meet %(rule)s.", rule=majority_rule(vote.matter or FundMatter.use))


def can_record_vote(user, compound: Compound) -> bool:
    """The committee records its compound's votes; the street office may record one for it."""
    if user.role == Role.committee_member:
        return user.compound_id == compound.id
    return can_manage_compound(user, compound)


def record_vote(user, compound: Compound, data: dict) -> FundVote:
    ensure(can_record_vote(user, compound), _l("record maintenance-fund votes for this compound"))
    matter = FundMatter(data.get("matter") or FundMatter.use)
    check_counted_majority(matter, data.get("majority"))
    counts = compound_counts([compound.id]).get(compound.id)
    if not counts or not counts["households"]:
        message = _("Register the compound's households first: the vote is judged against their area and number.")
        raise DomainError(message, {"compound_id": [message]})
    vote = FundVote(
        compound_id=compound.id,
        purpose=data["purpose"],
        matter=matter,
        amount_fen=data["amount_fen"],
        voted_on=data["voted_on"],
        ticket_id=data.get("ticket_id"),
        project_id=data.get("project_id"),
        total_area_dm2=counts["floor_area_dm2"],
        total_households=counts["households"],
        total_owners=owner_count(compound.id),
        participating_area_dm2=data["participating_area_dm2"],
        participating_households=data["participating_households"],
        approving_area_dm2=data["approving_area_dm2"],
        approving_households=data["approving_households"],
        recorded_by_id=user.id,
    )
    _check_counts(vote)
    db.session.add(vote)
    db.session.flush()
    return vote


def check_links(user, compound_id: int, ticket_id: int | None, project_id: int | None) -> None:
    """A vote may fund a ticket's repair or a renovation project of the same compound."""
    for field, model, object_id in (("ticket_id", Ticket, ticket_id), ("project_id", RenovationProject, project_id)):
        if object_id is None:
            continue
        found = db.session.scalar(visible(model, user).where(model.id == object_id))
        if found is None or found.compound_id != compound_id:
            message = _("No such %(what)s in this compound.", what=field.removesuffix("_id"))
            raise DomainError(message, {field: [message]})


def _check_counts(vote: FundVote) -> None:
    errors = {}
    if vote.participating_area_dm2 > vote.total_area_dm2:
        errors["participating_area"] = [_("More than the compound's floor area.")]
    if vote.participating_households > heads_base(vote):
        errors["participating_households"] = [_("More than the compound's %(n)d owners.", n=heads_base(vote))]
    if vote.approving_area_dm2 > vote.participating_area_dm2:
        errors["approving_area"] = [_("More than the participating floor area.")]
    if vote.approving_households > vote.participating_households:
        errors["approving_households"] = [_("More than the participating owners.")]
    if errors:
        raise DomainError(_("The vote's figures do not add up."), errors)


def balance(compound_id: int, as_of: date | None = None) -> int:
    signed = case((LedgerEntry.direction == Direction.in_, LedgerEntry.amount_fen), else_=-LedgerEntry.amount_fen)
    query = select(func.coalesce(func.sum(signed), 0)).where(
        LedgerEntry.compound_id == compound_id, LedgerEntry.account == Account.maintenance_fund
    )
    if as_of is not None:
        query = query.where(LedgerEntry.entry_date <= as_of)
    return int(db.session.scalar(query))


def drawn_against(vote_id: int) -> int:
    """What has been drawn on a vote, net of reversals of those draws."""
    signed = case((LedgerEntry.direction == Direction.out, LedgerEntry.amount_fen), else_=-LedgerEntry.amount_fen)
    reversed_draws = select(LedgerEntry.id).where(LedgerEntry.fund_vote_id == vote_id)
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(signed), 0)).where(
                (LedgerEntry.fund_vote_id == vote_id) | LedgerEntry.reversal_of_id.in_(reversed_draws)
            )
        )
    )


def drawn_by_vote(vote_ids: list[int]) -> dict[int, int]:
    """`drawn_against` for a page of votes in one statement: vote id → net amount drawn."""
    if not vote_ids:
        return {}
    original = aliased(LedgerEntry)
    signed = case((LedgerEntry.direction == Direction.out, LedgerEntry.amount_fen), else_=-LedgerEntry.amount_fen)
    # A reversal counts against the vote of the draw it reverses.
    vote = case((original.fund_vote_id.in_(vote_ids), original.fund_vote_id), else_=LedgerEntry.fund_vote_id)
    rows = db.session.execute(
        select(vote, func.sum(signed))
        .select_from(LedgerEntry)
        .outerjoin(original, original.id == LedgerEntry.reversal_of_id)
        .where(LedgerEntry.fund_vote_id.in_(vote_ids) | original.fund_vote_id.in_(vote_ids))
        .group_by(vote)
    )
    return {int(v): int(n) for v, n in rows}


def vote_choices(compound_id: int) -> list[tuple[int, str]]:
    """The compound's votes that meet Art. 278 and have something left to draw, newest first, as
    (id, label naming its subject, what is left and the day): what the entry form offers a draw."""
    votes = list(
        db.session.scalars(
            select(FundVote)
            .where(FundVote.compound_id == compound_id)
            .order_by(FundVote.voted_on.desc(), FundVote.id.desc())
        )
    )
    drawn = drawn_by_vote([vote.id for vote in votes])
    return [
        (
            vote.id,
            _(
                "No. %(id)d %(purpose)s: %(left)s of %(amount)s yuan left (voted %(day)s)",
                id=vote.id,
                purpose=vote.purpose,
                left=fen_to_yuan(vote.amount_fen - drawn.get(vote.id, 0)),
                amount=fen_to_yuan(vote.amount_fen),
                day=vote.voted_on.isoformat(),
            ),
        )
        for vote in votes
        if failed_threshold(vote) is None and vote.matter in DRAWABLE and vote.amount_fen > drawn.get(vote.id, 0)
    ]


def check_draw(compound_id: int, vote: FundVote | None, amount_fen: int) -> None:
    """A maintenance-fund draw needs a passing vote of the same compound, within the approved
    amount and the fund's balance; refused (422) naming what fails."""
    if vote is None or vote.compound_id != compound_id:
        message = _("A maintenance-fund draw needs the owners' vote (fund_vote_id).")
        raise DomainError(message, {"fund_vote_id": [message]})
    if vote.matter not in DRAWABLE:
        message = _("A vote on %(matter)s approves no draw on the maintenance fund.", matter=MATTERS[vote.matter])
        raise DomainError(message, {"fund_vote_id": [message]})
    threshold = failed_threshold(vote)
    if threshold:
        message = refusal(threshold, vote)
        raise DomainError(message, {"fund_vote_id": [message], "threshold": [threshold]})
    left = vote.amount_fen - drawn_against(vote.id)
    if amount_fen > left:
        message = _("The vote approved %(left)s yuan more at most.", left=fen_to_yuan(left))
        raise DomainError(message, {"amount": [message]})
    available = balance(compound_id)
    if amount_fen > available:
        message = _("The maintenance fund holds %(balance)s yuan.", balance=fen_to_yuan(available))
        raise DomainError(message, {"amount": [message]})
