"""A job is seen by its creator, the organisation it was started for, and the admin; for
anyone else it does not exist (404)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, true

from pm_app.auth.models import Role
from pm_app.auth.scope import scope_rule
from pm_app.jobs.models import Job


@scope_rule(Job)
def _job(user) -> ColumnElement[bool]:
    if user.role == Role.admin:
        return true()
    org: ColumnElement[bool] = false()
    if user.city_regulator:
        org = (Job.org_kind == "city") & (Job.org_id == user.city_id)
    elif user.role == Role.regulator:
        org = Job.org_kind == "city"
    elif user.role == Role.street_officer:
        org = (Job.org_kind == "street") & Job.org_id.in_(user.street_ids)
    elif user.role == Role.firm_staff and user.firm_id:
        org = (Job.org_kind == "firm") & (Job.org_id == user.firm_id)
    elif user.role == Role.committee_member and user.compound_id:
        org = (Job.org_kind == "compound") & (Job.org_id == user.compound_id)
    return or_(Job.created_by_id == user.id, org)


def organisation_of(user) -> tuple[str, int | None]:
    """The organisation a job started by `user` belongs to."""
    if user.role == Role.firm_staff:
        return "firm", user.firm_id
    if user.role == Role.committee_member:
        return "compound", user.compound_id
    if user.role == Role.street_officer:
        return "street", user.street_ids[0] if user.street_ids else None
    return "city", user.city_id  # None: the whole deployment (admin, the province's regulator)
