"""REST API of the rankings workspace: periods and their life, schemes, awards and deductions,
appeals. What the public reads is in `public_api.py`."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload

from pm_app.auth.scope import get_visible, object_in_scope, visible
from pm_app.common.api import Blueprint
from pm_app.common.filters import where_equal
from pm_app.common.pagination import paginate
from pm_app.extensions import db
from pm_app.org.services import ensure
from pm_app.rankings import adjustments, appeals, periods, schemes
from pm_app.rankings import schemas as s
from pm_app.rankings.models import Adjustment, Appeal, RankingPeriod, RankingResult, ScoringScheme

blp = Blueprint(
    "rankings_api",
    __name__,
    url_prefix="/api/v1",
    description="Red/black rankings of property firms: periods, schemes, deductions, appeals",
)


def _detail(period: RankingPeriod) -> RankingPeriod:
    period.results = list(
        db.session.scalars(
            visible(RankingResult, current_user)
            .where(RankingResult.period_id == period.id)
            .order_by(RankingResult.rank.is_(None), RankingResult.rank, RankingResult.firm_name)
        )
    )
    return period


@blp.route("/rankings/periods")
class Periods(MethodView):
    @blp.arguments(s.PeriodQuery, location="query")
    @blp.response(200, s.PeriodOut(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Ranking periods the caller may see, latest first"""
        query = where_equal(visible(RankingPeriod, current_user), RankingPeriod, args, ("state",))
        return paginate(
            query.order_by(RankingPeriod.ends_on.desc(), RankingPeriod.code, RankingPeriod.revision.desc()),
            pagination_parameters,
        )

    @blp.arguments(s.PeriodIn)
    @blp.response(201, s.PeriodOut)
    def post(self, data):
        """Open a draft period (regulator)"""
        period = periods.create_period(current_user, data["period"])
        db.session.commit()
        return period


@blp.route("/rankings/periods/<int:period_id>")
class PeriodItem(MethodView):
    decorators = [object_in_scope(RankingPeriod, "period_id")]

    @blp.response(200, s.PeriodDetailOut)
    def get(self, period_id):
        """The period and the results the caller may see"""
        return _detail(get_visible(RankingPeriod, period_id, current_user))


def _step(name: str, service, doc: str) -> None:
    def step(period_id):
        period = service(current_user, get_visible(RankingPeriod, period_id, current_user))
        db.session.commit()
        return _detail(period)

    step.__doc__ = doc
    step = blp.alt_response(409, description="the period's state does not allow it (a published period never changes)")(
        step
    )
    step = blp.response(200, s.PeriodDetailOut)(step)
    step = object_in_scope(RankingPeriod, "period_id")(step)
    blp.route(f"/rankings/periods/<int:period_id>/{name}", methods=["POST"], endpoint=f"period_{name}")(step)


_step("compute", periods.compute, "Measure and score every firm again (draft only)")
_step("review", periods.open_review, "Show the draft scores to the firms and open the appeal window")
_step("publish", periods.publish, "Freeze and publish (review only, once the period has ended, no undecided appeal)")


@blp.route("/rankings/periods/<int:period_id>/correct", methods=["POST"])
@object_in_scope(RankingPeriod, "period_id")
@blp.response(201, s.PeriodOut)
@blp.alt_response(409, description="the period is not published (a draft is corrected by editing it)")
def correct(period_id):
    """Start a correction of a published period: a new draft of the same period, one revision up"""
    period = periods.correct(current_user, get_visible(RankingPeriod, period_id, current_user))
    db.session.commit()
    return period


@blp.route("/rankings/schemes")
class Schemes(MethodView):
    @blp.response(200, s.SchemeOut(many=True))
    def get(self):
        """Every version of the scoring scheme, the current one first"""
        schemes.current_scheme()
        return list(db.session.scalars(visible(ScoringScheme, current_user).order_by(ScoringScheme.version.desc())))

    @blp.arguments(s.SchemeIn)
    @blp.response(201, s.SchemeOut)
    def post(self, data):
        """Save a new version (regulator); fields left out keep the current version's value"""
        ensure(periods.can_run(current_user), _l("change the scoring scheme"))
        scheme = schemes.save_scheme(current_user, data)
        db.session.commit()
        return scheme


@blp.route("/deductions")
class Deductions(MethodView):
    @blp.arguments(s.AdjustmentQuery, location="query")
    @blp.response(200, s.AdjustmentOut(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Awards and deductions the caller may see"""
        query = where_equal(visible(Adjustment, current_user), Adjustment, args, ("period_id", "firm_id"))
        return paginate(
            query.order_by(Adjustment.period_id.desc(), Adjustment.id).options(selectinload(Adjustment.appeal)),
            pagination_parameters,
        )

    @blp.arguments(s.AdjustmentIn)
    @blp.response(201, s.AdjustmentOut)
    @blp.alt_response(409, description="the period is published")
    def post(self, data):
        """Record an award or a deduction (regulator); `veto` forces the black list"""
        period = get_visible(RankingPeriod, data["period_id"], current_user)
        adjustment = adjustments.add_adjustment(current_user, period, data)
        db.session.commit()
        return adjustment


@blp.route("/appeals")
class Appeals(MethodView):
    @blp.arguments(s.AppealQuery, location="query")
    @blp.response(200, s.AppealOut(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Appeals the caller may see, newest first"""
        query = where_equal(visible(Appeal, current_user), Appeal, args, ("period_id", "state"))
        return paginate(query.order_by(Appeal.id.desc()), pagination_parameters)

    @blp.arguments(s.AppealIn)
    @blp.response(201, s.AppealOut)
    @blp.alt_response(409, description="not in review, window closed, or already appealed")
    def post(self, data):
        """Appeal a deduction (the firm's staff, while the period is in review)"""
        adjustment = get_visible(Adjustment, data["deduction_id"], current_user)
        appeal = appeals.file_appeal(current_user, adjustment, data["grounds"])
        db.session.commit()
        return appeal


@blp.route("/appeals/<int:appeal_id>/decision", methods=["POST"])
@object_in_scope(Appeal, "appeal_id")
@blp.arguments(s.DecisionIn)
@blp.response(200, s.AppealOut)
@blp.alt_response(409, description="already decided, or the period is published")
def decide(data, appeal_id):
    """Accept (the deduction no longer counts) or reject with a reason (regulator)"""
    appeal = appeals.decide_appeal(
        current_user, get_visible(Appeal, appeal_id, current_user), data["accept"], data.get("reason")
    )
    db.session.commit()
    return appeal
