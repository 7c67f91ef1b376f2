"""Imports as tracked jobs (issue 28): a staged upload (jobs/uploads.py) is checked and written by
a background job, all or nothing, while the page shows its progress.

One job kind per import, "imports.<name>" (common.imports.registry). The import's writes are the
run's ONE transaction, committed at the end together with the job's "finished": a job that fails
or is killed leaves no row. Its progress goes through jobs/liveness.py's own connection. A refused
file (DomainError: rows with problems) fails the job with the first MAX_PROBLEMS problems and
their total as its result.

`answer()` is the API's choice: a file of up to IMPORT_INLINE_ROWS rows (estimated from its bytes,
jobs/import_size.py) is imported in the request as before (201, or 422 with the rows); a larger
one is staged and started as a job (202).
"""

from __future__ import annotations

import io

from flask import current_app, jsonify, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from pm_app.auth.models import User
from pm_app.common.clock import now
from pm_app.common.imports.registry import KINDS, ImportKind, Options
from pm_app.common.inputs import MAX_PROBLEMS
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.jobs import import_targets, uploads
from pm_app.jobs import services as jobs
from pm_app.jobs.import_size import estimate_rows
from pm_app.jobs.liveness import SideChannel
from pm_app.jobs.models import ImportUpload, Job

PREFIX = "imports."


def job_kind(name: str) -> str:
    return PREFIX + name


def options_of(saved: dict) -> Options:
    return Options(include_hidden=bool(saved.get("include_hidden")), assignments=saved.get("assignments") or None)


def start(user, upload: ImportUpload) -> Job:
    """Queue the import of a staged upload (flushed; the caller commits, then jobs.launch). A
    second import into the same compound, project or street while one runs: 409 naming it."""
    target = import_targets.load(upload.kind, upload.target_id, user)

    def busy(running: Job) -> str:
        return _(
            "A file is already being imported here: job %(id)d (%(done)d of %(total)d rows done).",
            id=running.id,
            done=running.progress["done"],
            total=running.progress["total"],
        )

    params = {
        "upload_id": upload.id,
        "target_id": upload.target_id,
        "target_name": target.name,
        "filename": upload.filename,
        "size": upload.size,
        "locale": str(get_locale() or "zh"),
    }
    key = f"{job_kind(upload.kind)}:{upload.target_id if upload.target_id is not None else f'user{user.id}'}"
    job = jobs.start(
        user,
        job_kind(upload.kind),
        params,
        estimate_rows(upload.data),
        import_targets.organisation(user, target),
        key,
        busy,
    )
    upload.job_id = job.id
    db.session.flush()
    return job


def _register(kind: ImportKind) -> None:
    @jobs.runner(
        job_kind(kind.name), _l("Import: %(what)s", what=kind.title), template="jobs/_import.html", one_transaction=True
    )
    def import_rows(job: Job, progress: jobs.Progress) -> dict:
        return run(KINDS[kind.name], job)  # looked up now: a test may stand in for a kind


def run(kind: ImportKind, job: Job) -> dict:
    upload = db.session.get(ImportUpload, job.params["upload_id"])
    if upload is None:
        raise jobs.Refused(_("The uploaded file is no longer kept; upload it again."), {})
    user = db.session.get(User, job.created_by_id)
    with force_locale(job.params.get("locale") or "zh"), SideChannel(job.id) as side:
        try:
            target = import_targets.load(kind.name, upload.target_id, user)
            result = kind.run(user, target.obj, uploads.stream_of(upload), options_of(upload.options), side.progress)
        except DomainError as refusal:
            db.session.rollback()
            summary = refused(refusal)
            _forget_or_keep(upload.id, refusal)
            jobs.fail(job.id, refusal.message, summary, quiet=True)  # while the lock still says "alive"
            raise jobs.Refused(refusal.message, summary) from None
        except BaseException as error:
            db.session.rollback()
            jobs.fail(job.id, error)
            raise
        result = {**result, "filename": job.params.get("filename"), "target_name": job.params.get("target_name")}
        db.session.delete(upload)
        rows = int(result.get("rows") or result.get("imported") or 0)
        job.progress_done = job.progress_total = max(rows, side.done)  # a full bar, whatever the estimate was
        job.state, job.result, job.finished_at, job.active_key = "finished", result, now(), None
        db.session.commit()  # the rows, the upload gone and "finished": one commit, under the lock
    return result


def _forget_or_keep(upload_id: int, refusal: DomainError) -> None:
    """A refused file is gone with its job, except 12345 orders waiting for a person to place
    them: the review page imports the same file again with the choices."""
    upload = db.session.get(ImportUpload, upload_id)
    if upload is None:
        return
    if getattr(refusal, "code", None) == "unmatched_orders":
        upload.job_id = None
    else:
        db.session.delete(upload)


def refused(refusal: DomainError) -> dict:
    """A refusal as a job's result: its sentence, the first MAX_PROBLEMS rows' problems and how
    many rows had problems in all (RowProblems counts past what it keeps)."""
    errors = dict(refusal.errors or {})
    errors.pop("more", None)
    rows = [key for key in errors if key.isascii() and key.isdigit()]
    total = max(getattr(refusal.errors, "rows", 0) or 0, len(rows)) + sum(1 for key in errors if key not in rows)
    kept = dict(list(errors.items())[:MAX_PROBLEMS])
    body = {"message": refusal.message, "status": refusal.status, "problems": kept, "problems_total": total}
    if refusal.code:
        body["code"] = refusal.code
    body.update(refusal.extra or {})
    return body


def inline_rows() -> int:
    return int(current_app.config.get("IMPORT_INLINE_ROWS", 2000))


def answer(user, kind_name: str, target_id: int | None, stream, filename: str | None, options: dict):
    """For the API: ("done", result) after importing a small file here (the caller commits), or
    ("job", job) for a large one staged and queued (the caller commits, then jobs.launch)."""
    kind = KINDS[kind_name]
    target = import_targets.load(kind_name, target_id, user)
    data = stream.read()
    if estimate_rows(data) <= inline_rows():
        return "done", kind.run(user, target.obj, io.BytesIO(data), options_of(options), None)
    upload = uploads.stage(user, kind_name, target_id, io.BytesIO(data), filename, options)
    return "job", start(user, upload)


def active_job(upload: ImportUpload) -> Job | None:
    return db.session.scalar(select(Job).where(Job.id == upload.job_id)) if upload.job_id else None


for _kind in KINDS.values():
    _register(_kind)


def api_import(user, kind_name: str, target_id: int | None, upload, options: dict):
    """The body of every import's POST: the result (201) of a small file, committed; or, for a
    large one, 202 with the job (Location: the job's URL), launched after the commit."""
    how, outcome = answer(user, kind_name, target_id, upload.stream, upload.filename, options)
    db.session.commit()
    if how == "done":
        return outcome
    job_id, total = outcome.id, outcome.progress_total
    jobs.launch(job_id)  # after the commit: the worker finds the row
    status_url = url_for("jobs_api.job", job_id=job_id)
    response = jsonify({"job_id": job_id, "status_url": status_url, "state": "queued", "total": total})
    response.status_code, response.headers["Location"] = 202, status_url
    return response  # a Response as it is: flask-smorest would dump a tuple with the 201 schema
