"""What the works pages read, each a fixed number of scoped statements whatever the number of
compounds, projects or items: lists load their relations eagerly, counts are GROUP BYs."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload, selectinload

from pm_app.auth.models import User
from pm_app.auth.scope import scope_clause, visible
from pm_app.extensions import db
from pm_app.org.models import Compound
from pm_app.warranties.dates import EXPIRING_DAYS, state
from pm_app.warranties.models import (
    ClaimState,
    DepositDecision,
    Inspection,
    InspectionFinding,
    RenovationProject,
    WarrantyCategory,
    WarrantyClaim,
    WarrantyItem,
)


def projects_of(user, compound_id: int) -> list[RenovationProject]:
    query = (
        visible(RenovationProject, user)
        .where(RenovationProject.compound_id == compound_id)
        .options(joinedload(RenovationProject.contractor), selectinload(RenovationProject.funding))
        .order_by(RenovationProject.year.desc(), RenovationProject.id)
    )
    return list(db.session.scalars(query))


def categories() -> list[WarrantyCategory]:
    return list(
        db.session.scalars(select(WarrantyCategory).order_by(WarrantyCategory.min_years, WarrantyCategory.code))
    )


def ends_by_category(user, compound_id: int, as_of: date) -> list[dict]:
    """Items per (category, end day) of a compound, with the state of that day on `as_of`."""
    query = (
        select(WarrantyCategory.name, WarrantyItem.warranty_end, func.count())
        .join(WarrantyCategory, WarrantyCategory.id == WarrantyItem.category_id)
        .where(scope_clause(WarrantyItem, user), WarrantyItem.compound_id == compound_id)
        .group_by(WarrantyCategory.name, WarrantyItem.warranty_end)
        .order_by(WarrantyItem.warranty_end, WarrantyCategory.name)
    )
    return [
        {"category": name, "end": end, "items": items, "state": state(end, as_of), "days_left": (end - as_of).days}
        for name, end, items in db.session.execute(query)
    ]


def state_counts(user, as_of: date) -> dict[str, int]:
    """Items the user sees by state on `as_of`, one GROUP BY (the same boundaries as dates.state)."""
    label = case(
        (WarrantyItem.warranty_end <= as_of, "expired"),
        (WarrantyItem.warranty_end <= as_of + timedelta(days=EXPIRING_DAYS), "expiring"),
        else_="active",
    )
    query = select(label, func.count()).where(scope_clause(WarrantyItem, user)).group_by(label)
    counts = {"active": 0, "expiring": 0, "expired": 0}
    counts.update({name: n for name, n in db.session.execute(query)})
    return counts


def inspections_of(user, compound_id: int) -> tuple[list[Inspection], dict[int, int]]:
    """The compound's inspections, newest first, with their findings, and the number of warranty
    claims each one opened."""
    query = (
        visible(Inspection, user)
        .where(Inspection.compound_id == compound_id)
        .options(selectinload(Inspection.findings))
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
    )
    found = list(db.session.scalars(query))
    claims = (
        select(InspectionFinding.inspection_id, func.count(WarrantyClaim.id))
        .join(WarrantyClaim, WarrantyClaim.finding_id == InspectionFinding.id)
        .where(InspectionFinding.inspection_id.in_([i.id for i in found]))
        .group_by(InspectionFinding.inspection_id)
    )
    return found, dict(db.session.execute(claims).all()) if found else {}


def claims_query(user, project_id: int | None = None, open_only: bool = False):
    query = visible(WarrantyClaim, user).options(
        joinedload(WarrantyClaim.item).options(joinedload(WarrantyItem.project), joinedload(WarrantyItem.category))
    )
    if project_id is not None:
        query = query.where(WarrantyClaim.project_id == project_id)
    if open_only:
        query = query.where(WarrantyClaim.state == ClaimState.open)
    open_first = case((WarrantyClaim.state == ClaimState.open, 0), else_=1)
    return query.order_by(open_first, WarrantyClaim.opened_at.desc(), WarrantyClaim.id.desc())


def decisions_of(user, project_id: int) -> list[tuple[DepositDecision, str | None]]:
    """The project's deposit decisions, oldest first, with the name of who decided."""
    query = (
        select(DepositDecision, func.coalesce(User.display_name, User.username))
        .outerjoin(User, User.id == DepositDecision.decided_by_id)
        .where(scope_clause(DepositDecision, user), DepositDecision.project_id == project_id)
        .order_by(DepositDecision.decided_at, DepositDecision.id)
    )
    return list(db.session.execute(query).all())


def compounds_by_id(user, ids) -> dict[int, Compound]:
    """The compounds of a page's rows in one statement (the items carry only the id)."""
    ids = set(ids)
    if not ids:
        return {}
    return {c.id: c for c in db.session.scalars(visible(Compound, user).where(Compound.id.in_(ids)))}
