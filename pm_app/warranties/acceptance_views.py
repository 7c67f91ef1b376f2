"""The project page's joint acceptance and document forms. The page itself is project_views';
`context(project)` adds what these sections show. A refused form is shown again on the page with
what was typed and the reason next to it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import distinct, func, select

from pm_app.auth.scope import visible_or_404
from pm_app.common.clock import today
from pm_app.common.forms import report
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.warranties import acceptance, documents, services
from pm_app.warranties.acceptance_forms import ROLES, AcceptanceForm, DocumentForm, acceptance_label
from pm_app.warranties.acceptance_models import (
    AcceptanceResult,
    AcceptanceStage,
    DocumentKind,
    ProjectAcceptance,
    ProjectDocument,
)
from pm_app.warranties.models import RenovationProject

bp = Blueprint("acceptance_pages", __name__)


def context(project: RenovationProject) -> dict:
    """What the project page shows of its acceptance and documents, and the forms (kept as typed)."""
    records = acceptance.acceptances_of(project.id)
    handed = documents.documents_of(project.id)
    # Popped: `g` outlives the request where an app context is already pushed (tests, jobs).
    forms = g.pop("acceptance_forms", {})
    return {
        "acceptances": records,
        "acceptance_open": acceptance.open_findings(project.id),
        "accepted": acceptance.passed(records, AcceptanceStage.comprehensive),
        "document_checklist": documents.checklist(handed),
        "documents_missing": documents.missing(handed),
        "participant_roles": ROLES,
        "acceptance_label": acceptance_label,
        "acceptance_form": forms.get("acceptance")
        or AcceptanceForm(
            formdata=None,
            prefix="acceptance",
            held_on=today(),
            stage=(
                AcceptanceStage.comprehensive
                if acceptance.passed(records, AcceptanceStage.district_self)
                else AcceptanceStage.district_self
            ).value,
        ),
        "document_form": forms.get("document") or DocumentForm(formdata=None, prefix="document"),
    }


@bp.app_context_processor
def _summaries() -> dict:
    return {"acceptance_summaries": summaries}


def summaries(projects) -> dict[int, dict]:
    """project id → the day it passed its comprehensive acceptance (None if not yet) and how many
    required documents it lacks, for a list of projects: two grouped statements, whatever their number."""
    ids = [p.id for p in projects]
    if not ids:
        return {}
    accepted = dict(
        db.session.execute(
            select(ProjectAcceptance.project_id, func.max(ProjectAcceptance.held_on))
            .where(
                ProjectAcceptance.project_id.in_(ids),
                ProjectAcceptance.stage == AcceptanceStage.comprehensive,
                ProjectAcceptance.result == AcceptanceResult.passed,
            )
            .group_by(ProjectAcceptance.project_id)
        )
        .tuples()
        .all()
    )
    present = dict(
        db.session.execute(
            select(ProjectDocument.project_id, func.count(distinct(ProjectDocument.kind)))
            .where(ProjectDocument.project_id.in_(ids), ProjectDocument.kind.in_(documents.REQUIRED))
            .group_by(ProjectDocument.project_id)
        )
        .tuples()
        .all()
    )
    return {i: {"accepted_on": accepted.get(i), "missing": len(documents.REQUIRED) - present.get(i, 0)} for i in ids}


def _page(project: RenovationProject, status: int, **forms):
    from pm_app.warranties.project_views import _page as project_page

    g.acceptance_forms = forms
    return project_page(project, status=status)


def _manageable(project_id: int) -> RenovationProject:
    project = visible_or_404(RenovationProject, project_id)
    if not services.can_manage_works(current_user, project.compound):
        abort(403)
    return project


@bp.route("/projects/<int:project_id>/acceptances", methods=["POST"])
@login_required
def record(project_id: int):
    project = _manageable(project_id)
    form = AcceptanceForm(prefix="acceptance")
    if not form.validate_on_submit():
        return _page(project, 422, acceptance=form)
    try:
        done = acceptance.record_acceptance(current_user, project, form.data_for_service())
    except DomainError as error:
        if "participants" in error.errors:
            error.errors["role_residents"] = error.errors.pop("participants")
        report(form, error)
        return _page(project, error.status, acceptance=form)
    db.session.commit()
    flash(_("Acceptance of %(day)s recorded.", day=done.held_on.isoformat()), "success")
    return redirect(url_for("projects.project", project_id=project.id) + "#acceptance")


@bp.route("/projects/<int:project_id>/documents", methods=["POST"])
@login_required
def upload(project_id: int):
    project = _manageable(project_id)
    form = DocumentForm(prefix="document")
    if not form.validate_on_submit():
        return _page(project, 422, document=form)
    try:
        record = documents.attach(
            current_user,
            project,
            DocumentKind(form.kind.data),
            form.title.data,
            form.file.data.stream,
            form.file.data.filename,
        )
    except DomainError as error:
        report(form, error)
        return _page(project, error.status, document=form)
    try:
        db.session.commit()
    except Exception:
        documents.discard(record)
        raise
    flash(_("Document “%(title)s” handed over.", title=record.title), "success")
    return redirect(url_for("projects.project", project_id=project.id) + "#documents")


@bp.route("/projects/<int:project_id>/documents/<int:document_id>")
@login_required
def document(project_id: int, document_id: int):
    project = visible_or_404(RenovationProject, project_id)
    record = db.session.scalar(
        select(ProjectDocument).where(ProjectDocument.id == document_id, ProjectDocument.project_id == project.id)
    )
    if record is None:
        abort(404)
    return documents.send(record)
