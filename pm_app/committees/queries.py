"""The committee's questions on entries, which the serving firm must answer (the entry itself
never changes: the answer explains it, or the firm reverses it)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pm_app.auth.models import Role
from pm_app.committees.entries import can_post
from pm_app.committees.models import LedgerEntry, LedgerQuery
from pm_app.common.clock import now
from pm_app.errors import Conflict
from pm_app.extensions import db
from pm_app.org.models import Compound
from pm_app.org.services import ensure


def can_raise(user, compound: Compound) -> bool:
    return user.role == Role.committee_member and user.compound_id == compound.id


def raise_query(user, entry: LedgerEntry, question: str) -> LedgerQuery:
    compound = db.session.get(Compound, entry.compound_id)
    ensure(can_raise(user, compound), _l("query this compound's entries"))
    query = LedgerQuery(entry_id=entry.id, compound_id=entry.compound_id, question=question, raised_by_id=user.id)
    db.session.add(query)
    db.session.flush()
    return query


def answer_query(user, query: LedgerQuery, answer: str) -> LedgerQuery:
    compound = db.session.get(Compound, query.compound_id)
    ensure(can_post(user, compound), _l("answer queries on this compound's books"))
    if query.answer is not None:
        raise Conflict(_("This query was already answered."))
    query.answer, query.answered_by_id, query.answered_at = answer, user.id, now()
    db.session.flush()
    return query
