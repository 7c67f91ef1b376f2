"""The job page: a progress bar while the job runs (static/job.js polls the progress), and the
job's summary once it has ended. The page is drawn from the job's row, so a reload, another tab
or a colleague of the same organisation sees the same."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import login_required

from pm_app.auth.scope import visible_or_404
from pm_app.jobs import services
from pm_app.jobs.models import Job
from pm_app.jobs.schemas import JobOut

bp = Blueprint("jobs", __name__)


@bp.route("/jobs/<int:job_id>")
@login_required
def job(job_id: int):
    found = _current(job_id)
    return render_template(
        "jobs/job.html",
        job=found,
        title=services.TITLES.get(found.kind, found.kind),
        result_template=services.TEMPLATES.get(found.kind, "jobs/_none.html"),
    )


@bp.route("/jobs/<int:job_id>/progress")
@login_required
def progress(job_id: int):
    """What the page's script polls (the API wants a bearer token; the page has a session)."""
    found = _current(job_id)
    body = JobOut(only=("id", "state", "progress")).dump(found)
    return jsonify(body), 200, {"Cache-Control": "no-store"}


def _current(job_id: int) -> Job:
    return services.current(visible_or_404(Job, job_id))


# The import preview's routes live on this blueprint, and importing them registers the import
# jobs' runners (jobs/imports.py) wherever the app is built: the server and the RQ worker alike.
from pm_app.jobs import import_views  # noqa: E402,F401
