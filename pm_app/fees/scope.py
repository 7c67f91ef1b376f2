"""Who sees which bills. A firm sees the bills it issued (not its successor's at a compound it
left); a street office and a committee see their compounds' bills; a contractor sees none."""
from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, true

from pm_app.auth.models import Role
from pm_app.auth.scope import scope_clause, scope_rule
from pm_app.fees.models import Bill, Payment, Waiver
from pm_app.org.scope import compound_ids


@scope_rule(Bill)
def _bill(user) -> ColumnElement[bool]:
    if user.sees_whole_city:
        return true()
    if user.role == Role.firm_staff:
        return Bill.firm_id == user.firm_id if user.firm_id else false()
    if user.role in (Role.street_officer, Role.committee_member):
        return Bill.compound_id.in_(compound_ids(user))
    return false()


def _through_bill(column):
    def rule(user) -> ColumnElement[bool]:
        return true() if user.sees_whole_city else column.in_(select(Bill.id).where(scope_clause(Bill, user)))

    return rule


scope_rule(Payment)(_through_bill(Payment.bill_id))
scope_rule(Waiver)(_through_bill(Waiver.bill_id))
