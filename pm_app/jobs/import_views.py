"""The preview of a staged upload (GET /imports/<id>): the first rows as the import reads them,
the columns it maps and those it ignores, the rows it skips and the problems found so far; then
"确认导入" starts the import as a job and leads to its page (/jobs/<id>). Routes of the jobs
blueprint; the upload pages that stage the file are the domains' (jobs/import_page.py)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField

from pm_app.auth.scope import visible_or_404
from pm_app.common.imports.registry import KINDS, Options
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.jobs import import_results, import_targets, imports, uploads
from pm_app.jobs import services as jobs
from pm_app.jobs.models import ImportUpload
from pm_app.jobs.views import bp

PREVIEW_ROWS = 20


class ConfirmForm(FlaskForm):
    include_hidden = BooleanField(_l("Import hidden rows"))


@bp.route("/imports/<int:upload_id>", methods=["GET", "POST"])
@login_required
def import_preview(upload_id: int):
    upload = visible_or_404(ImportUpload, upload_id)
    if upload.job_id:  # confirmed already (a second tab, the back button): its job says the rest
        return redirect(url_for("jobs.job", job_id=upload.job_id))
    target = import_targets.load(upload.kind, upload.target_id, current_user)
    form = ConfirmForm(data={"include_hidden": bool(upload.options.get("include_hidden"))})
    if form.validate_on_submit():
        upload.options = {**upload.options, "include_hidden": bool(form.include_hidden.data)}
        if request.form.get("action") == "confirm":
            job = imports.start(current_user, upload)
            db.session.commit()
            jobs.launch(job.id)
            return redirect(url_for("jobs.job", job_id=job.id))
        db.session.commit()  # "preview again" with the box changed: the choice is kept
    elif request.method == "POST":
        abort(400)
    kind = KINDS[upload.kind]
    preview, refusal = _preview(kind, target.obj, upload)
    return render_template(
        "imports/preview.html",
        upload=upload,
        kind=kind,
        target=target,
        form=form,
        preview=preview,
        refusal=refusal,
        again_url=_again_url(upload),
        back_url=import_targets.back_url(upload.kind, upload.target_id),
    )


def _preview(kind, target, upload: ImportUpload) -> tuple[dict | None, dict | None]:
    """What the import makes of the first rows, or why the file cannot be read at all."""
    options = Options(include_hidden=bool(upload.options.get("include_hidden")))
    try:
        return kind.preview(current_user, target, uploads.stream_of(upload), options, limit=PREVIEW_ROWS), None
    except DomainError as refusal:
        if refusal.status != 422:
            raise
        return None, imports.refused(refusal)


def _again_url(upload: ImportUpload) -> str:
    url = import_targets.page_url(upload.kind, upload.target_id)
    return url + ("?include_hidden=1" if upload.options.get("include_hidden") else "")


@bp.app_template_global("import_counts")
def _import_counts(result: dict) -> list[tuple[str, int]]:
    return import_results.counts(result or {})


@bp.app_template_global("import_skipped")
def _import_skipped(found: dict) -> list[str]:
    return import_results.skipped(found or {})


@bp.app_template_global("import_problems")
def _import_problems(found) -> dict:
    return import_results.problems(found)


@bp.app_template_global("import_page_url")
def _import_page_url(kind_name: str, target_id: int | None) -> str:
    return import_targets.page_url(kind_name, target_id)


@bp.app_template_global("import_back_url")
def _import_back_url(kind_name: str, target_id: int | None) -> str:
    return import_targets.back_url(kind_name, target_id)


@bp.app_template_global("import_field")
def _import_field(kind_name: str, field: str) -> str:
    return import_results.field_label(kind_name, field)
