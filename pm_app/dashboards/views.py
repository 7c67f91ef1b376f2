"""The home page: one per role, composed of the domains' own aggregates (dashboards.figures) and
figures. The admin and the regulator see the city; a street officer its streets; a firm, a
committee member and a contractor their own objects. Every figure is the viewer's scope."""

from __future__ import annotations

import heapq

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from pm_app.auth.models import Role
from pm_app.auth.scope import visible
from pm_app.committees import coverage, statements
from pm_app.committees.status import STATUSES
from pm_app.common.clock import now, today
from pm_app.dashboards import charts, figures, health, province, snapshot, worklist
from pm_app.extensions import db
from pm_app.fees.services import rate_trend
from pm_app.org import arrangements
from pm_app.org.labels import MANAGEMENT_MODES
from pm_app.org.models import Compound
from pm_app.rankings import charts as ranking_charts
from pm_app.rankings import public
from pm_app.rankings.models import Adjustment, RankingResult
from pm_app.tickets import charts as ticket_charts
from pm_app.tickets.models import Ticket
from pm_app.tickets.workflow import OPEN
from pm_app.warranties.labels import ITEM_STATES
from pm_app.warranties.models import ClaimState, WarrantyClaim

bp = Blueprint("home", __name__)
bp.add_app_template_global(worklist.for_reader, "worklist")  # each home's "awaiting you" list
RECENT = 10
# The home lists the worst compounds, not all of them: a regulator's 1,130 rows were a third of its
# Python time and no one reads them there; the compounds list sorts every one by health.
WORST = 20


@bp.route("/")
@login_required
def index():
    role = current_user.role
    if role in (Role.admin, Role.regulator, Role.street_officer):
        return _overview(city_wide=role != Role.street_officer)
    if role == Role.firm_staff:
        return _firm()
    if role == Role.committee_member:
        return _committee()
    return _contractor()


def _health_rows(scores: dict) -> list[dict]:
    """The viewer's WORST compounds by health, worst first (unscored last)."""
    worst = heapq.nsmallest(WORST, scores.values(), key=lambda h: (h.score is None, h.score or 0, h.code))
    return [{"id": h.compound_id, "code": h.code, "name": h.name, "health": h} for h in worst]


def _common(as_of, at, scores: dict, trend=None) -> dict:
    return _figures(as_of, at, trend) | {"health_rows": _health_rows(scores), "compound_count": len(scores)}


def _figures(as_of, at, trend=None, tickets=None) -> dict:
    trend = trend if trend is not None else figures.collection_trend(current_user, as_of)
    alerts, alert_rows = figures.open_alerts(current_user, RECENT)
    tile, categories = tickets if tickets is not None else figures.tickets_and_categories(current_user, at)
    return {
        "as_of": as_of,
        "trend": trend,
        "latest": trend[-1],
        "tickets": tile,
        "categories": categories,
        "trend_figure": rate_trend(trend, _("Collection rate, last 12 months")),
        "category_figure": ticket_charts.by_category(categories, _("Tickets by category and status")),
        "alerts": alerts,
        # the header's count is the tile's: a value passed here wins over the context processor's
        "unread_alerts": lambda: alerts,
        "open_alert_rows": alert_rows,
    }


def _overview(city_wide: bool):
    as_of, at = today(), now()
    if city_wide and province.serves_province(current_user):
        return _province(as_of, at)
    trend, collected = figures.collection_trend_and_health_rates(current_user, as_of, city_wide)
    scores = health.scores(figures.compound_ids(current_user), as_of, at, collected)
    # the health has read each compound's committee status and kind: coverage counts them
    cover = coverage.tally(
        as_of, ((h.street_id, h.parts["committee"][0], h.committee_kind, 1) for h in scores.values())
    )
    streets = figures.streets(current_user, at, scores) if city_wide else None
    context = _common(as_of, at, scores, trend) | {"households": sum(h.households for h in scores.values())}
    return _render_overview(as_of, city_wide, context, cover, figures.modes(scores), streets)


def _province(as_of, at):
    """A viewer who sees several cities: the same page, its figures added up in the database and
    its worst compounds as the nightly run scored them (dashboards.province)."""
    streets, tickets = province.street_rows(current_user, as_of, at)
    cover = province.committee_coverage(current_user, as_of)
    rows, scored_at = snapshot.worst(current_user, WORST)
    context = _figures(as_of, at, tickets=tickets) | {
        "health_rows": rows,
        "health_scored_at": scored_at,
        "province": True,
        "compound_count": cover.total,
        "households": sum(row["households"] for row in streets),
    }
    return _render_overview(as_of, True, context, cover, province.modes(current_user), streets)


def _render_overview(as_of, city_wide: bool, context: dict, cover, modes: dict, streets: list[dict] | None):
    ends, ending = figures.warranty_ends(current_user, as_of)
    context |= {
        "city_wide": city_wide,
        # seed 002's walk-out: compounds a firm left with nothing in its place (org.arrangements)
        "walkouts": arrangements.walkouts(as_of, figures.visible_compound_ids(current_user)),
        "walkout_days": arrangements.walkout_days(),
        "ending": ending,
        "coverage": cover,
        "covered": cover.by_status["active"] + cover.by_status["re_election_due"],
        "ends": ends,
        "modes": modes,
        "statuses": STATUSES,
        "mode_labels": {m.value: t for m, t in MANAGEMENT_MODES.items()},
        "ends_figure": charts.ends_by_month(ends, _("Warranty ends by month, next 12 months")),
        "status_figure": charts.bars(cover.by_status, STATUSES, _("Committee status"), _("Compounds")),
        "mode_figure": charts.bars(
            modes, {m.value: t for m, t in MANAGEMENT_MODES.items()}, _("Management mode"), _("Compounds")
        ),
    }
    if streets is not None:  # city-wide
        period = public.publication(None)
        results = public.results_of(period, summary=True) if period else []
        history = public.blacklist_history()
        context |= {
            "streets": streets,
            "cities": figures.cities(streets),
            "period": period,
            "results": results,
            "lists": public.lists_of(results),
            "black_history": history,
            "black_figure": ranking_charts.blacklist_history(
                [(p.code, black) for p, black in history], _("Black list by published period")
            ),
            "ranking_figure": ranking_charts.score_distribution(
                results, _("Score distribution, %(period)s", period=period.code)
            )
            if period
            else None,
        }
    return render_template("dashboards/overview.html", **context)


def _firm():
    as_of, at = today(), now()
    firm_id = current_user.firm_id
    queue = figures.tickets(current_user, at, Ticket.assignee_firm_id == firm_id)
    period = public.publication(None)
    result = adjustments = None
    if period is not None:
        result = db.session.scalar(
            visible(RankingResult, current_user).where(
                RankingResult.period_id == period.id, RankingResult.firm_id == firm_id
            )
        )
        adjustments = list(
            db.session.scalars(
                visible(Adjustment, current_user)
                .where(Adjustment.period_id == period.id, Adjustment.firm_id == firm_id)
                .order_by(Adjustment.occurred_on, Adjustment.id)
            )
        )
    scores = health.scores(figures.compound_ids(current_user), as_of, at)
    return render_template(
        "dashboards/firm.html",
        **_common(as_of, at, scores),
        queue=queue,
        period=period,
        result=result,
        adjustments=adjustments or [],
    )


def _committee():
    as_of, at = today(), now()
    compound = db.session.get(Compound, current_user.compound_id)
    score = health.scores([compound.id], as_of, at)[compound.id]
    recent = list(
        db.session.scalars(
            visible(Ticket, current_user).order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(RECENT)
        )
    )
    rated = [t.satisfaction for t in recent if t.satisfaction is not None]
    return render_template(
        "dashboards/committee.html",
        compound=compound,
        health=score,
        parts=health.PARTS,
        weights=health.weights(),
        describe=health.describe,
        as_of=as_of,
        balances=statements.balances(compound.id),
        accounts=statements.ACCOUNTS,
        recent=recent,
        rated=rated,
        tickets=figures.tickets(current_user, at),
    )


def _contractor():
    as_of, at = today(), now()
    states = figures.items_by_state(current_user, as_of)
    claims = list(
        db.session.scalars(
            visible(WarrantyClaim, current_user)
            .where(WarrantyClaim.state == ClaimState.open)
            .order_by(WarrantyClaim.opened_at, WarrantyClaim.id)
            .options(selectinload(WarrantyClaim.item))
        )
    )
    return render_template(
        "dashboards/contractor.html",
        as_of=as_of,
        states=states,
        claims=claims,
        state_labels=ITEM_STATES,
        ending=figures.warranties_ending(current_user, as_of),
        queue=figures.tickets(
            current_user, at, Ticket.assignee_firm_id == current_user.firm_id, Ticket.status.in_(OPEN)
        ),
        state_figure=charts.bars(states, ITEM_STATES, _("Warranty items by state"), _("Items")),
    )
