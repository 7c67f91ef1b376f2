"""The upload page every import shares: a file form in, then what went in or every row that
stopped it (templates/_import_form.html draws both)."""
from __future__ import annotations

from collections.abc import Callable
from typing import IO

from flask import current_app, render_template
from flask_wtf import FlaskForm

from pm_app.errors import DomainError
from pm_app.extensions import db

SHOWN_ERRORS = 1000  # a table longer than this helps nobody; the count says how many more


def import_page(template: str, form: FlaskForm, import_file: Callable[[IO[bytes]], object], **context):
    """Render `template` for `form`, whose `file` field, once submitted and valid, goes to
    `import_file`: 200 with its result, 422 with a refused file's rows or a form's errors."""
    result, refusal, status = None, None, 200
    if form.validate_on_submit():
        try:
            result = import_file(form.file.data.stream)
            db.session.commit()
        except DomainError as exc:
            if exc.status != 422:
                raise
            refusal, status = exc, 422  # the service's savepoint has already undone its writes
    elif form.errors:
        status = 422
    return render_template(template, form=form, result=result, refusal=refusal, shown=SHOWN_ERRORS,
                           max_bytes=current_app.config.get("MAX_CONTENT_LENGTH"), **context), status
