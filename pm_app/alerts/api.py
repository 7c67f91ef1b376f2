"""Alerts API: the inbox of the caller's organisation, acknowledging, job health, endpoints."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from pm_app.alerts import acks, grouping, services
from pm_app.alerts import schemas as s
from pm_app.alerts.health import job_health
from pm_app.alerts.models import Alert, NotificationEndpoint
from pm_app.auth.access import require_role
from pm_app.auth.models import Role
from pm_app.auth.scope import get_visible, object_in_scope, visible
from pm_app.common.api import Blueprint
from pm_app.common.api_cache import uncached
from pm_app.common.pagination import paginate
from pm_app.extensions import db

blp = Blueprint("alerts_api", __name__, url_prefix="/api/v1", description="Alerts, deliveries and job health")


def filter_alerts(query, args: dict, user):
    """The list's filters; `state` is the caller's (acknowledgement is per person)."""
    return query.where(*grouping.clauses(user, args)).order_by(Alert.opened_at.desc(), Alert.id.desc())


@blp.route("/alerts")
class Alerts(MethodView):
    @blp.arguments(s.AlertQuery, location="query")
    @blp.response(200, s.AlertOut(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        rows = paginate(filter_alerts(visible(Alert, current_user), args, current_user), pagination_parameters)
        acks.reader_states(rows, current_user)
        return rows


@blp.route("/alerts/<int:alert_id>")
@object_in_scope(Alert, "alert_id")
@blp.response(200, s.AlertOut)
def alert(alert_id):
    found = get_visible(Alert, alert_id, current_user)
    acks.reader_states([found], current_user)
    return found


@blp.route("/alerts/<int:alert_id>/acknowledgements")
@object_in_scope(Alert, "alert_id")
@blp.response(200, s.AckByOut(many=True))
def acknowledgements(alert_id):
    """Who acknowledged the alert, and when, in that order."""
    found = get_visible(Alert, alert_id, current_user)
    return [{"user_id": user_id, "name": name, "at": at} for user_id, name, at in acks.acknowledged_by(found.id)]


@blp.route("/alerts/ack", methods=["POST"])
@blp.arguments(s.AckIn)
@blp.response(200, s.AckOut)
def ack_many(data):
    """Acknowledge many for the caller: `ids` all or none (one out of scope is a 404 naming it),
    or a `filter` (everything unread for the caller that matches)."""
    if "ids" in data:
        result = acks.acknowledge_ids(data["ids"], current_user)
    else:
        result = acks.acknowledge_matching(
            visible(Alert, current_user).where(*grouping.clauses(current_user, {**data["filter"], "state": "open"})),
            current_user,
        )
    db.session.commit()
    return result


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
        return paginate(
            visible(NotificationEndpoint, current_user).order_by(NotificationEndpoint.id), pagination_parameters
        )

    @blp.arguments(s.EndpointIn)
    @blp.response(201, s.EndpointOut)
    def post(self, data):
        endpoint = services.save_endpoint(data)
        db.session.commit()
        return endpoint
