"""The lists across compounds: the street's "expiring" list (the items ending within 30, 90 or
180 days, exactly those of `GET /api/v1/warranty-items?expiring_within_days=N&as_of=`) with its
CSV/XLSX export, and `/warranties`, everything the reader sees by state with the open claims —
for a contractor, its own items and the claims it owes."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import Select
from sqlalchemy.orm import joinedload

from pm_app.common import export
from pm_app.common.cells import count, day, scope_of
from pm_app.common.clock import today
from pm_app.common.inputs import InputError, parse_int
from pm_app.common.listing import day_arg, page_number, page_of
from pm_app.extensions import db
from pm_app.org.models import Compound
from pm_app.warranties import claim_codes, item_filters, page_queries, queries
from pm_app.warranties.labels import WITHIN_DAYS
from pm_app.warranties.models import WarrantyItem

bp = Blueprint("warranty_lists", __name__)
# A page that lists claims beside others' (the contractor's home) names them by tracking code too.
bp.add_app_template_global(lambda claims: claim_codes.codes(current_user, claims), "claim_codes")

DEFAULT_WITHIN = 90
SORTS = ("end", "compound")
EXPORT_TYPES = {
    "csv": ("text/csv; charset=utf-8", export.write_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export.write_xlsx),
}
EXPIRING_COLUMNS = (
    (_l("Compound code"), lambda i, c: c.code),
    (_l("Compound"), lambda i, c: c.name),
    (_l("Project"), lambda i, c: i.project.name),
    (_l("Category"), lambda i, c: i.category.name),
    (_l("Description"), lambda i, c: i.description),
    (_l("Quantity"), lambda i, c: "" if i.quantity is None else str(i.quantity)),
    (_l("Unit of measure"), lambda i, c: i.unit or ""),
    (_l("Location"), lambda i, c: i.location or ""),
    (_l("Warranty start"), lambda i, c: day(i.warranty_start)),
    (_l("Warranty end"), lambda i, c: day(i.warranty_end)),
    (_l("Days left"), lambda i, c: count(i.days_left)),
)


@bp.route("/warranties/expiring")
@login_required
def expiring():
    within, as_of, sort = _expiring_args()
    page = page_of(_expiring_query(within, as_of, sort), page_number(request.args))
    queries.with_state(page.items, as_of)
    return render_template(
        "warranties/expiring.html",
        page=page,
        within=within,
        as_of=as_of,
        sort=sort,
        choices=WITHIN_DAYS,
        compounds=page_queries.compounds_by_id(current_user, (i.compound_id for i in page.items)),
        explicit_as_of=request.args.get("as_of") or None,
    )


@bp.route("/warranties/expiring.<any(csv, xlsx):fmt>")
@login_required
def export_expiring(fmt: str):
    within, as_of, sort = _expiring_args()
    items = queries.with_state(db.session.scalars(_expiring_query(within, as_of, sort)).all(), as_of)
    compounds = page_queries.compounds_by_id(current_user, (i.compound_id for i in items))
    mimetype, write = EXPORT_TYPES[fmt]
    rows = ([value(item, compounds[item.compound_id]) for _title, value in EXPIRING_COLUMNS] for item in items)
    body = write(
        rows,
        [str(title) for title, _value in EXPIRING_COLUMNS],
        title=_("Warranty items expiring within %(days)d days", days=within),
        scope=scope_of(current_user),
        as_of=as_of,
    )
    filename = f"warranties-expiring-{within}d-{as_of:%Y%m%d}.{fmt}"
    return Response(
        stream_with_context(body),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/warranties")
@login_required
def index():
    as_of = day_arg(request.args, "as_of") or today()
    filters = item_filters.parse(request.args)
    items = page_of(
        item_filters.items(current_user, filters, as_of).options(joinedload(WarrantyItem.project)),
        page_number(request.args),
    )
    queries.with_state(items.items, as_of)
    claims, code = _claims()
    return render_template(
        "warranties/index.html",
        as_of=as_of,
        filters=filters,
        wanted=filters.state,
        states=item_filters.STATES,
        items=items,
        explicit_as_of=request.args.get("as_of") or None,
        **item_filters.choices(current_user, filters),
        counts=page_queries.state_counts(current_user, as_of),
        claims=claims,
        claim_code=code,
        codes=claim_codes.codes(current_user, claims),
        compounds=page_queries.compounds_by_id(
            current_user, [i.compound_id for i in items.items] + [c.item.compound_id for c in claims]
        ),
        title=_("My warranties") if current_user.role.value == "contractor_staff" else _("Warranties"),
    )


@bp.route("/warranties/export.<any(csv, xlsx):fmt>")
@login_required
def export_items(fmt: str):
    """The list as filtered on the page, every page of it."""
    as_of = day_arg(request.args, "as_of") or today()
    filters = item_filters.parse(request.args)
    found = queries.with_state(
        db.session.scalars(
            item_filters.items(current_user, filters, as_of).options(joinedload(WarrantyItem.project))
        ).all(),
        as_of,
    )
    compounds = page_queries.compounds_by_id(current_user, (i.compound_id for i in found))
    mimetype, write = EXPORT_TYPES[fmt]
    columns = (*EXPIRING_COLUMNS, (_l("State"), lambda i, c: str(item_filters.STATES[i.state])))
    rows = ([value(item, compounds[item.compound_id]) for _title, value in columns] for item in found)
    body = write(
        rows,
        [str(title) for title, _value in columns],
        title=_("Warranty items"),
        scope=scope_of(current_user),
        as_of=as_of,
    )
    return Response(
        stream_with_context(body),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="warranties-{as_of:%Y%m%d}.{fmt}"'},
    )


def _claims():
    """The open claims; with a tracking code typed in "find by tracking code", that claim in
    whatever state (a closed one is still asked about), and the code as read."""
    code = claim_codes.typed_code(request.args.get("claim"))
    query = page_queries.claims_query(current_user, open_only=not code)
    if code:
        query = claim_codes.with_code(query, code)
    return db.session.scalars(query).all(), code


def _expiring_args():
    try:
        within = parse_int(request.args.get("within") or str(DEFAULT_WITHIN), "within")
    except InputError:
        abort(400)
    if within not in WITHIN_DAYS:
        abort(400)
    sort = request.args.get("sort") or SORTS[0]
    if sort not in SORTS:
        abort(400)
    return within, day_arg(request.args, "as_of") or today(), sort


def _expiring_query(within: int, as_of, sort: str) -> Select:
    """The API's own query (same scope, same window); only the order may differ."""
    query = queries.items_query(current_user, {"expiring_within_days": within}, as_of).options(
        joinedload(WarrantyItem.project)
    )
    if sort == "compound":
        query = (
            query.join(Compound, Compound.id == WarrantyItem.compound_id)
            .order_by(None)
            .order_by(Compound.code, WarrantyItem.warranty_end, WarrantyItem.id)
        )
    return query
