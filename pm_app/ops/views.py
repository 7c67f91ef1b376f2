"""The operations endpoints: /readyz for the balancer and rollouts, /metrics for Prometheus."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from pm_app.ops import metrics, readiness

bp = Blueprint("ops", __name__)
bp.before_app_request(metrics.started)
bp.after_app_request(metrics.answered)


@bp.get("/readyz")
def readyz():
    found = readiness.checks()
    ready = all(state == "ok" for state in found.values())
    return {"status": "ready" if ready else "not ready", "checks": found}, 200 if ready else 503


@bp.get("/metrics")
def prometheus():
    if not metrics.allowed(request.remote_addr):
        abort(404)
    body, content_type = metrics.exposition()
    return Response(body, content_type=content_type)
