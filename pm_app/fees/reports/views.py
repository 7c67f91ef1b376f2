"""The collection overview: both rates per period and the compounds ranked worst first, for
the scopes the caller's role may use (the city, a street, a firm), and both as spreadsheets.

The scope travels as one argument, `scope=city`, `scope=street:<id>` or `scope=firm:<id>`, so the
chooser is one select and every link and export carries the same selection.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pm_app.auth.models import Role
from pm_app.common.clock import today
from pm_app.common.listing import PER_PAGE, Page, day_arg, page_number
from pm_app.fees import page_args, queries, rates
from pm_app.fees.periods import period_of, period_range, shift
from pm_app.fees.reports import arrears, charts, exports, overview

bp = Blueprint("fees_overview", __name__)

MAX_PERIODS = 120  # ten years, as the API allows
ARREARS_MIN_PERIODS = 3


@dataclass
class Selection:
    scope: str  # city | street | firm
    scope_id: int | None
    key: str  # the `scope` argument: "city", "street:3"
    name: str
    period_from: str
    period_to: str
    as_of: date | None


@bp.route("/fees")
@login_required
def index():
    if current_user.role == Role.committee_member:
        # A committee has one compound: its overview is that compound's fee page.
        return redirect(url_for("fees.compound", compound_id=current_user.compound_id))
    chosen, choices = _selection()
    trend = rates.collection_rates(
        current_user, chosen.scope, chosen.scope_id, chosen.period_from, chosen.period_to, chosen.as_of
    )
    ranked = _ranked(chosen, arrears_counted=False)
    number = page_number(request.args)
    page = Page(
        items=ranked[(number - 1) * PER_PAGE : number * PER_PAGE], number=number, per_page=PER_PAGE, total=len(ranked)
    )
    _add_arrears(chosen, page.items, only_these=True)
    limit = overview.threshold()
    return render_template(
        "fees/overview.html",
        chosen=chosen,
        choices=choices,
        trend=trend,
        total=rates.total(trend),
        figure=charts.rate_trend(trend, _("Collection rates: %(scope)s", scope=chosen.name), threshold=limit),
        page=page,
        below=sum(row["below_threshold"] for row in ranked),
        threshold=limit,
        min_periods=ARREARS_MIN_PERIODS,
        export_args=_export_args(chosen),
    )


@bp.route("/fees/rates.<any(csv, xlsx):fmt>")
@login_required
def export_rates(fmt: str):
    chosen, _choices = _selection()
    rows = rates.collection_rates(
        current_user, chosen.scope, chosen.scope_id, chosen.period_from, chosen.period_to, chosen.as_of
    )
    return exports.download(
        fmt,
        exports.PERIOD_RATES,
        rows,
        f"collection-rates-{_file_part(chosen)}",
        _("Collection rates"),
        chosen.name,
        chosen.as_of,
    )


@bp.route("/fees/compounds.<any(csv, xlsx):fmt>")
@login_required
def export_compounds(fmt: str):
    chosen, _choices = _selection()
    return exports.download(
        fmt,
        exports.COMPOUNDS,
        _ranked(chosen),
        f"compound-rates-{_file_part(chosen)}",
        _("Collection rates by compound"),
        chosen.name,
        chosen.as_of,
    )


def _ranked(chosen: Selection, arrears_counted: bool = True) -> list[dict]:
    """The ranked compounds, with their arrears counts unless the caller counts them for the rows
    it shows: two grouped queries, whatever their number."""
    ranked = overview.ranked_compounds(
        current_user, chosen.scope, chosen.scope_id, chosen.period_from, chosen.period_to, chosen.as_of
    )
    if arrears_counted:
        _add_arrears(chosen, ranked)
    return ranked


def _add_arrears(chosen: Selection, rows: list[dict], only_these: bool = False) -> None:
    """Each row's households in arrears and what they owe. The page counts them for its own rows
    only: the order is by collection rate, never by arrears, and a city's or a firm's every
    unsettled bill grouped by household was the dearest read of the peak hour (350 ms of
    PostgreSQL at city scale against ~15 for a page of compounds: docs/performance.md)."""
    user = current_user
    where = rates.scope_filter(user, chosen.scope, chosen.scope_id)
    ids = [row["compound_id"] for row in rows] if only_these else None
    counts = arrears.arrears_counts(user, where, chosen.as_of or today(), ARREARS_MIN_PERIODS, compound_ids=ids)
    for row in rows:
        row["arrears_households"], row["arrears_fen"] = counts.get(row["compound_id"], (0, 0))


def _selection() -> tuple[Selection, dict]:
    """The scope and range asked for, limited to what the role may use: anything else is 404,
    as if it did not exist. Contractors have no fee data: the page does not exist for them."""
    if not queries.sees_fees(current_user) or current_user.role == Role.committee_member:
        abort(404)
    choices = queries.overview_choices(current_user)
    options = {"city": _("The whole city")} if choices["city"] else {}
    options.update({f"street:{s.id}": s.name for s in choices["streets"]})
    options.update({f"firm:{f.id}": f.name for f in choices["firms"]})
    if not options:
        abort(404)
    key = request.args.get("scope") or next(iter(options))
    if key not in options:
        abort(404)
    scope, _sep, scope_id = key.partition(":")
    last_closed = shift(period_of(today()), -1)
    period_to = page_args.period(request.args, "period_to") or last_closed
    period_from = page_args.period(request.args, "period_from") or shift(period_to, -11)
    if period_from > period_to:  # a range typed backwards means the same months
        period_from, period_to = period_to, period_from
    if len(period_range(period_from, period_to)) > MAX_PERIODS:
        abort(400)
    chosen = Selection(
        scope,
        int(scope_id) if scope_id else None,
        key,
        options[key],
        period_from,
        period_to,
        day_arg(request.args, "as_of"),
    )
    return chosen, {"options": options}


def _export_args(chosen: Selection) -> dict:
    args = {"scope": chosen.key, "period_from": chosen.period_from, "period_to": chosen.period_to}
    if chosen.as_of:
        args["as_of"] = chosen.as_of.isoformat()
    return args


def _file_part(chosen: Selection) -> str:
    return f"{chosen.key.replace(':', '-')}-{chosen.period_from}-{chosen.period_to}"
