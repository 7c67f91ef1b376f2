"""The upload page every import shares: a file (and whether to take the rows a workbook hides)
in, staged, and then the preview page (jobs/import_views.py), where the user confirms and the
import runs as a job (templates/_import_form.html draws the form)."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField

from pm_app.extensions import db


class ImportForm(FlaskForm):
    """Each page's form adds its `file` field (the label names what the file holds)."""

    include_hidden = BooleanField(
        _l("Import hidden rows"),
        description=_l(
            "Rows hidden in the workbook (households that moved out, say) are skipped unless this is ticked."
        ),
    )


def upload_page(template: str, form: ImportForm, kind_name: str, target_id: int | None, **context):
    """Render `template` for `form`; a valid upload is staged and answered with the preview page."""
    from flask_login import current_user

    from pm_app.jobs import uploads

    if form.validate_on_submit():
        upload = uploads.stage(
            current_user,
            kind_name,
            target_id,
            form.file.data.stream,
            form.file.data.filename,
            {"include_hidden": bool(form.include_hidden.data)},
        )
        db.session.commit()
        return redirect(url_for("jobs.import_preview", upload_id=upload.id))
    if request.method == "GET" and request.args.get("include_hidden") == "1":  # back from a preview
        form.include_hidden.data = True
    status = 422 if form.errors else 200
    return render_template(
        template, form=form, max_bytes=current_app.config.get("MAX_CONTENT_LENGTH"), **context
    ), status
