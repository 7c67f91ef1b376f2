"""Who sees which works. A project is seen by whoever sees its compound, and by the contractor
that built it; through its projects a contractor reaches their compounds (name and address, not
households or fees). Items, claims, deposit decisions and inspections follow their project."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select, true

from pm_app.auth.models import Role
from pm_app.auth.scope import scope_clause, scope_rule
from pm_app.org.models import Compound
from pm_app.org.scope import compound_ids, extend_compound_reach
from pm_app.warranties.funding_models import Disbursement
from pm_app.warranties.models import (
    DepositDecision,
    Inspection,
    InspectionFinding,
    RenovationProject,
    WarrantyCategory,
    WarrantyClaim,
    WarrantyItem,
)


@extend_compound_reach
def _contractor_reach(user) -> ColumnElement[bool] | None:
    if user.role != Role.contractor_staff or not user.firm_id:
        return None
    return Compound.id.in_(select(RenovationProject.compound_id).where(RenovationProject.contractor_id == user.firm_id))


@scope_rule(RenovationProject)
def _project(user) -> ColumnElement[bool]:
    if user.sees_whole_city:
        return true()
    if user.role == Role.contractor_staff:
        return RenovationProject.contractor_id == user.firm_id
    return RenovationProject.compound_id.in_(compound_ids(user))


def through_project(column):
    """The scope rule of a project's child rows: whoever sees the project sees them."""

    def rule(user) -> ColumnElement[bool]:
        if user.sees_whole_city:
            return true()
        return column.in_(select(RenovationProject.id).where(scope_clause(RenovationProject, user)))

    return rule


scope_rule(WarrantyItem)(through_project(WarrantyItem.project_id))
scope_rule(WarrantyClaim)(through_project(WarrantyClaim.project_id))
scope_rule(DepositDecision)(through_project(DepositDecision.project_id))
scope_rule(Disbursement)(through_project(Disbursement.project_id))


@scope_rule(Inspection)
def _inspection(user) -> ColumnElement[bool]:
    if user.sees_whole_city:
        return true()
    if user.role == Role.contractor_staff:
        # Only the inspections of its own projects, not the compound's other business.
        return Inspection.project_id.in_(select(RenovationProject.id).where(scope_clause(RenovationProject, user)))
    return or_(Inspection.compound_id.in_(compound_ids(user)))


@scope_rule(InspectionFinding)
def _finding(user) -> ColumnElement[bool]:
    if user.sees_whole_city:
        return true()
    return InspectionFinding.inspection_id.in_(select(Inspection.id).where(scope_clause(Inspection, user)))


@scope_rule(WarrantyCategory)
def _category(_user) -> ColumnElement[bool]:
    return true()  # the terms are public rules
