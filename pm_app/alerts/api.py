"""Alerts API: the inbox of the caller's organisation, acknowledging, job health, endpoints."""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from pm_app.alerts import schemas as s
from pm_app.alerts import services
from pm_app.alerts.health import job_health
from pm_app.alerts.models import Alert, NotificationEndpoint
from pm_app.auth.access import require_role
from pm_app.auth.models import Role
from pm_app.auth.scope import get_visible, object_in_scope, visible
from pm_app.common.api import Blueprint
from pm_app.common.api_cache import uncached
from pm_app.common.filters import where_equal
from pm_app.common.pagination import paginate
from pm_app.extensions import db

blp = Blueprint("alerts_api", __name__, url_prefix="/api/v1", description="Alerts, deliveries and job health")


def filter_alerts(query, args: dict):
    return where_equal(query, Alert, args, ("rule", "state", "compound_id")).order_by(Alert.opened_at.desc(), Alert.id.desc())


@blp.route("/alerts")
class Alerts(MethodView):
    @blp.arguments(s.AlertQuery, location="query")
    @blp.response(200, s.AlertOut(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        return paginate(filter_alerts(visible(Alert, current_user), args), pagination_parameters)


@blp.route("/alerts/<int:alert_id>")
@object_in_scope(Alert, "alert_id")
@blp.response(200, s.AlertOut)
def alert(alert_id):
    return get_visible(Alert, alert_id, current_user)


@blp.route("/alerts/<int:alert_id>/ack", methods=["POST"])
@object_in_scope(Alert, "alert_id")
@blp.response(200, s.AlertOut)
def ack(alert_id):
    result = services.acknowledge(get_visible(Alert, alert_id, current_user), current_user)
    db.session.commit()
    return result


@blp.route("/alerts/<int:alert_id>/resolve", methods=["POST"])
@object_in_scope(Alert, "alert_id")
@blp.response(200, s.AlertOut)
def resolve(alert_id):
    result = services.resolve_by_hand(get_visible(Alert, alert_id, current_user), current_user)
    db.session.commit()
    return result


@blp.route("/jobs/health", methods=["GET"])
@uncached  # the queues' state lives in Redis, not in the tables the cache watches
@require_role(Role.admin, Role.regulator)
@blp.response(200, s.HealthOut)
def health():
    return job_health()


@blp.route("/notification-endpoints")
class Endpoints(MethodView):
    decorators = [require_role(Role.admin)]

    @blp.response(200, s.EndpointOut(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        return paginate(visible(NotificationEndpoint, current_user).order_by(NotificationEndpoint.id),
                        pagination_parameters)

    @blp.arguments(s.EndpointIn)
    @blp.response(201, s.EndpointOut)
    def post(self, data):
        endpoint = services.save_endpoint(data)
        db.session.commit()
        return endpoint
