"""Who sees committees and books: whoever sees the compound (its street office, the firms that
serve or served it, its committee members, the city), except contractors, who reach a compound
only for the works they built. Members, entries, queries and votes follow their compound."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, true

from pm_app.auth.models import Role
from pm_app.auth.scope import get_visible, scope_clause, scope_rule
from pm_app.committees.models import Committee, CommitteeMember, FundVote, LedgerEntry, LedgerQuery
from pm_app.errors import NotFound
from pm_app.org.models import Compound
from pm_app.org.scope import compound_ids


def _by_compound(column):
    def rule(user) -> ColumnElement[bool]:
        if user.sees_whole_city:
            return true()
        if user.role == Role.contractor_staff:
            return false()
        return column.in_(compound_ids(user))

    return rule


scope_rule(Committee)(_by_compound(Committee.compound_id))
scope_rule(LedgerEntry)(_by_compound(LedgerEntry.compound_id))
scope_rule(LedgerQuery)(_by_compound(LedgerQuery.compound_id))
scope_rule(FundVote)(_by_compound(FundVote.compound_id))


@scope_rule(CommitteeMember)
def _member(user) -> ColumnElement[bool]:
    if user.sees_whole_city:
        return true()
    return CommitteeMember.committee_id.in_(select(Committee.id).where(scope_clause(Committee, user)))


def visible_compound(compound_id: int, user):
    """The compound whose committee and books the caller may read; 404 otherwise (a contractor
    reaches a compound for its works only)."""
    compound = get_visible(Compound, compound_id, user)
    if user.role == Role.contractor_staff:
        raise NotFound(f"Compound {compound_id} not found")
    return compound
