"""Acceptances, their findings and the handed-over documents follow their project: whoever sees
the project (its compound's street office and firm, the committee, the contractor that built it,
the city) sees how it was accepted and with which drawings."""

from __future__ import annotations

from pm_app.auth.scope import scope_rule
from pm_app.warranties.acceptance_models import AcceptanceFinding, ProjectAcceptance, ProjectDocument
from pm_app.warranties.scope import through_project

scope_rule(ProjectAcceptance)(through_project(ProjectAcceptance.project_id))
scope_rule(AcceptanceFinding)(through_project(AcceptanceFinding.project_id))
scope_rule(ProjectDocument)(through_project(ProjectDocument.project_id))
