"""The ticket lists: a firm's work queue (`/tickets/queue`: the open tickets assigned to the
firm, overdue first, then by the deadline each races) and the street's board (`/tickets`: every
ticket in sight with filters, counts per status, charts and a CSV/XLSX export)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pm_app.auth.models import Role
from pm_app.common.clock import now, today
from pm_app.common.inputs import text_problem
from pm_app.common.listing import day_arg, page_number, page_of
from pm_app.extensions import db
from pm_app.tickets import charts, exports, queries, stats, stats_report
from pm_app.tickets.labels import (
    CATEGORIES,
    PARTIES,
    PRIORITIES,
    SOURCES,
    STATUSES,
    deadlines_of,
    rated_by,
    ticket_label,
)
from pm_app.tickets.models import Priority, ResponsibleParty, TicketSource, TicketStatus
from pm_app.tickets.workflow import OPEN

bp = Blueprint("ticket_lists", __name__)
bp.add_app_template_filter(ticket_label, "ticket_label")
bp.add_app_template_filter(rated_by, "rated_by")

QUEUE_ROLES = (Role.firm_staff, Role.contractor_staff)
QUEUE_SORTS = ("deadline", "created")


@bp.route("/tickets")
@login_required
def board():
    if current_user.role in QUEUE_ROLES:
        abort(404)  # firms work from their queue; the board is the offices' and the committees'
    filters, at = _filters(), now()
    page = page_of(queries.board_query(current_user, filters, at), page_number(request.args))
    categories = queries.by_category_and_status(current_user, filters, at)
    on_time = queries.on_time_by_month(current_user, filters, at)
    return render_template(
        "tickets/board.html",
        page=page,
        at=at,
        filters=filters,
        args=_filter_args(),
        **_lookups(page.items, at),
        counts=queries.status_counts(current_user, filters, at),
        compounds=queries.visible_compounds(current_user),
        streets=queries.visible_streets(current_user),
        categories=categories,
        category_totals=_category_totals(categories),
        on_time=on_time,
        category_figure=charts.by_category(categories, _("Tickets by category and status")),
        on_time_figure=charts.on_time_rate(on_time, _("Resolved on time, per month")),
        labels={
            "statuses": STATUSES,
            "categories": CATEGORIES,
            "priorities": PRIORITIES,
            "parties": PARTIES,
            "sources": SOURCES,
        },
        rate_percent=charts.rate_percent,
    )


@bp.route("/tickets/stats")
@login_required
def stats_page():
    """Complaint statistics: seed 003's sentence, then a chart and a table per breakdown (the
    API's numbers), quarter presets and the same figures as CSV/XLSX."""
    if current_user.role in QUEUE_ROLES:
        abort(404)
    if not request.args.get("created_from") and not request.args.get("created_to"):
        # Opened from a home or the board: the quarter in progress, as an office reports it
        # (every other period is one preset or one date range away).
        _code, first, last = stats.quarter_presets(today(), 1)[0]
        kept = {name: request.args[name] for name in stats_report.ARGS if request.args.get(name)}
        return redirect(
            url_for("ticket_lists.stats_page", **kept, created_from=first.isoformat(), created_to=last.isoformat())
        )
    filters = _filters()
    found = stats.complaint_stats(current_user, filters, now())
    sections = stats_report.sections(found)
    return render_template(
        "tickets/stats.html",
        found=found,
        filters=filters,
        sections=sections,
        headline=stats_report.headline(found, filters),
        figures=stats_report.figures(sections),
        counted=stats_report.counted_categories(),
        presets=[
            (code, stats_report.quarter_name(code), first, last) for code, first, last in stats.quarter_presets(today())
        ],
        streets=queries.visible_streets(current_user),
        compounds=queries.visible_compounds(current_user),
        args={name: request.args[name] for name in stats_report.ARGS if request.args.get(name)},
        labels={"sources": SOURCES},
    )


@bp.route("/tickets/stats.<any(csv, xlsx):fmt>")
@login_required
def export_stats(fmt: str):
    if current_user.role in QUEUE_ROLES:
        abort(404)
    filters = _filters()
    return stats_report.download(fmt, stats.complaint_stats(current_user, filters, now()), filters)


@bp.route("/tickets.<any(csv, xlsx):fmt>")
@login_required
def export_board(fmt: str):
    if current_user.role in QUEUE_ROLES:
        abort(404)
    tickets = db.session.scalars(queries.board_query(current_user, _filters(), now())).all()
    return exports.download(fmt, current_user, tickets, "tickets")


@bp.route("/tickets/queue")
@login_required
def queue():
    if current_user.role not in QUEUE_ROLES or not current_user.firm_id:
        abort(404)
    filters, at = _filters(), now()
    if filters.status is not None and filters.status not in OPEN:
        abort(400)
    sort = request.args.get("sort") or QUEUE_SORTS[0]
    if sort not in QUEUE_SORTS:
        abort(400)
    page = page_of(queries.queue_query(current_user, filters, at, sort), page_number(request.args))
    return render_template(
        "tickets/queue.html",
        page=page,
        at=at,
        filters=filters,
        sort=sort,
        **_lookups(page.items, at),
        compounds=queries.visible_compounds(current_user),
        statuses={s: STATUSES[s] for s in OPEN},
        priorities=PRIORITIES,
        title=_("Warranty claims to answer") if current_user.role == Role.contractor_staff else _("Work queue"),
    )


def _lookups(tickets, at) -> dict:
    """What a page's rows show besides the ticket: its compound, its assignee, its deadlines."""
    return {
        "compound_of": queries.compounds_by_id(current_user, (t.compound_id for t in tickets)),
        "firm_of": queries.firm_names(t.assignee_firm_id for t in tickets),
        "deadlines": {t.id: deadlines_of(t, at) for t in tickets},
    }


def _category_totals(rows) -> list[tuple[str, dict, int]]:
    """The chart's rows as a table: (category, {status: count}, total), largest first."""
    table: dict[str, dict] = {}
    for category, status, n in rows:
        table.setdefault(category, {})[status] = n
    return sorted(((c, by, sum(by.values())) for c, by in table.items()), key=lambda row: (-row[2], row[0]))


def _filters() -> queries.Filters:
    args = request.args
    compound = (args.get("compound_id") or "").strip()
    if compound and not compound.isdigit():
        abort(400)
    street = (args.get("street_id") or "").strip()
    if street and not street.isdigit():
        abort(400)
    category = args.get("category") or None
    if category is not None and category not in CATEGORIES:
        abort(400)
    q = (args.get("q") or "").strip()
    if len(q) > 100 or text_problem(q, single_line=True):
        abort(400)
    return queries.Filters(
        compound_id=int(compound) if compound else None,
        street_id=int(street) if street else None,
        open=args.get("open") in ("1", "true", "on"),
        q=q or None,
        status=_enum(args, "status", TicketStatus),
        category=category,
        priority=_enum(args, "priority", Priority),
        responsible_party=_enum(args, "responsible_party", ResponsibleParty),
        source=_enum(args, "source", TicketSource),
        overdue=args.get("overdue") in ("1", "true", "on"),
        created_from=day_arg(args, "created_from"),
        created_to=day_arg(args, "created_to"),
        assignee_user_id=current_user.id if args.get("mine") in ("1", "true", "on") else None,
    )


def _filter_args() -> dict:
    """The filters as given, for the export links (the file holds what the page shows)."""
    names = (
        "compound_id",
        "street_id",
        "status",
        "category",
        "priority",
        "responsible_party",
        "source",
        "open",
        "overdue",
        "created_from",
        "created_to",
        "q",
        "mine",
    )
    return {name: request.args[name] for name in names if request.args.get(name)}


def _enum(args, name: str, kind):
    value = args.get(name) or None
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        abort(400)
