"""Who sees which bills. A firm sees the bills it issued (not its successor's at a compound it
left); a street office, a committee and a city's regulator see their compounds' bills; a contractor sees none. Their
sums by month (BillTotal) follow the same rule on the same columns: a total is seen by whoever
sees the bills it adds up."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, true

from pm_app.auth.models import Role
from pm_app.auth.scope import scope_clause, scope_rule
from pm_app.fees.models import Bill, BillTotal, Payment, Receipt, Waiver
from pm_app.org.scope import compound_ids


def _bills(model):
    def rule(user) -> ColumnElement[bool]:
        if user.sees_whole_city:
            return true()
        if user.role == Role.firm_staff:
            return model.firm_id == user.firm_id if user.firm_id else false()
        if user.role in (Role.street_officer, Role.committee_member) or user.city_regulator:
            return model.compound_id.in_(compound_ids(user))
        return false()

    return rule


scope_rule(Bill)(_bills(Bill))
scope_rule(BillTotal)(_bills(BillTotal))
scope_rule(Receipt)(_bills(Receipt))  # a receipt carries its bills' compound and firm


def _through_bill(column):
    def rule(user) -> ColumnElement[bool]:
        return true() if user.sees_whole_city else column.in_(select(Bill.id).where(scope_clause(Bill, user)))

    return rule


scope_rule(Payment)(_through_bill(Payment.bill_id))
scope_rule(Waiver)(_through_bill(Waiver.bill_id))
