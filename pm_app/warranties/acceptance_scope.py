"""Acceptances, their findings and the handed-over documents follow their project: whoever sees
the project (its compound's street office and firm, the committee, the contractor that built it,
the city) sees how it was accepted and with which drawings."""
from __future__ import annotations

from sqlalchemy import ColumnElement, select, true

from pm_app.auth.scope import scope_clause, scope_rule
from pm_app.warranties.acceptance_models import AcceptanceFinding, ProjectAcceptance, ProjectDocument
from pm_app.warranties.models import RenovationProject


def _through_project(column):
    def rule(user) -> ColumnElement[bool]:
        if user.sees_whole_city:
            return true()
        return column.in_(select(RenovationProject.id).where(scope_clause(RenovationProject, user)))

    return rule


scope_rule(ProjectAcceptance)(_through_project(ProjectAcceptance.project_id))
scope_rule(AcceptanceFinding)(_through_project(AcceptanceFinding.project_id))
scope_rule(ProjectDocument)(_through_project(ProjectDocument.project_id))
