"""The committee's questions on entries, which the serving firm must answer (the entry itself
never changes: the answer explains it, or the firm reverses it)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, select

from pm_app.auth.models import Role
from pm_app.auth.scope import visible
from pm_app.committees import notices
from pm_app.committees.entries import can_post
from pm_app.committees.models import Committee, LedgerEntry, LedgerQuery
from pm_app.common.clock import now, today
from pm_app.errors import Conflict
from pm_app.extensions import db
from pm_app.org.models import Compound, ServiceContract
from pm_app.org.services import ensure


def can_raise(user, compound: Compound) -> bool:
    return user.role == Role.committee_member and user.compound_id == compound.id


def raise_query(user, entry: LedgerEntry, question: str) -> LedgerQuery:
    compound = db.session.get(Compound, entry.compound_id)
    ensure(can_raise(user, compound), _l("query this compound's entries"))
    query = LedgerQuery(entry_id=entry.id, compound_id=entry.compound_id, question=question, raised_by_id=user.id)
    db.session.add(query)
    db.session.flush()
    notices.raised(query)  # "sent to the firm": the keeper of the books hears of it
    return query


def answer_query(user, query: LedgerQuery, answer: str) -> LedgerQuery:
    compound = db.session.get(Compound, query.compound_id)
    ensure(can_post(user, compound), _l("answer queries on this compound's books"))
    if query.answer is not None:
        raise Conflict(_("This query was already answered."))
    query.answer, query.answered_by_id, query.answered_at = answer, user.id, now()
    db.session.flush()
    notices.answered(query)
    return query


def kept_compounds(user):
    """Subquery of the compounds whose books the user keeps today (their party holds the contract
    in force: the firm, the 自管会 or the street office; see org.parties)."""
    on = today()
    in_force = select(ServiceContract.compound_id).where(
        ServiceContract.start_date <= on, ServiceContract.end_date >= on
    )
    if user.role == Role.firm_staff and user.firm_id:
        return in_force.where(ServiceContract.firm_id == user.firm_id)
    if user.role == Role.street_officer:
        return in_force.where(ServiceContract.street_id.in_(user.street_ids))
    if user.role == Role.committee_member and user.compound_id:
        return in_force.where(
            ServiceContract.compound_id == user.compound_id,
            ServiceContract.committee_id.in_(select(Committee.id).where(Committee.compound_id == user.compound_id)),
        )
    return in_force.where(false())


def listed(user, open_only: bool):
    """The queries the user follows: a committee member, those on their compound's books (they
    wait for the answers); anyone else, those on the books they keep (they owe the answers).
    The queries page lists these and the home counts them: one query for both."""
    query = visible(LedgerQuery, user)
    if user.role != Role.committee_member:
        query = query.where(LedgerQuery.compound_id.in_(kept_compounds(user)))
    if open_only:
        query = query.where(LedgerQuery.answer.is_(None))
    return query.order_by(LedgerQuery.raised_at, LedgerQuery.id)
