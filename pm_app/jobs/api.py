"""REST API of tracked jobs: what a started job is doing, and what it did."""

from __future__ import annotations

from flask_login import current_user

from pm_app.auth.scope import get_visible
from pm_app.common.api import Blueprint
from pm_app.common.api_cache import uncached
from pm_app.jobs import schemas as s
from pm_app.jobs import services
from pm_app.jobs.models import Job

blp = Blueprint(
    "jobs_api",
    __name__,
    url_prefix="/api/v1",
    description="Background jobs a user started (bills for many compounds; imports): state, progress and result.",
)


@blp.route("/jobs/<int:job_id>", methods=["GET"])
@uncached  # polled for its progress: always the row as it is now
@blp.response(200, s.JobOut)
@blp.alt_response(404, description="no job with this id that the caller can see")
def job(job_id):
    """A job's state (queued, running, finished, failed), progress and, at the end, its result"""
    return services.current(get_visible(Job, job_id, current_user))
