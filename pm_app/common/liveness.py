"""`GET /healthz`: this app process is up and answering, for the load balancer in front of several
app machines (docs/scaling.md) and for the throughput benchmark (bench/batch.py), where it is the
framework's own limit the API is measured against.

It touches neither the database nor Redis on purpose: when PostgreSQL is down every machine is
equally unable to help, and a balancer that took them all out would turn a degraded service into
no service. Job and sweep health, which do need the database, are at /api/v1/jobs/health.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("liveness", __name__)


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}
