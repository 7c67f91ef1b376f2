"""HTML pages of the organisation domain: compounds (list, detail, export) and firms."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from pm_app.auth.models import Role
from pm_app.auth.scope import visible, visible_or_404
from pm_app.common import export
from pm_app.common.cells import scope_of
from pm_app.common.clock import now, today
from pm_app.common.inputs import InputError, parse_int
from pm_app.common.listing import PER_PAGE, Page, page_counted_along, page_number, page_of, url_with
from pm_app.common.money import dm2_to_m2, fen_to_yuan, group_yuan, yuan_display
from pm_app.common.privacy import mask_name, mask_phone
from pm_app.dashboards import health
from pm_app.extensions import db
from pm_app.org import arrangements, exports, labels, queries, services
from pm_app.org.api import filter_compounds
from pm_app.org.models import Compound, Firm, FirmKind, ManagementMode, RenovationType

bp = Blueprint("org", __name__)
bp.add_app_template_filter(labels.label, "label")
# Pager and language links in every template keep the page's query arguments.
bp.add_app_template_global(url_with, "url_with")
bp.add_app_template_filter(yuan_display, "yuan")  # grouped, for reading
bp.add_app_template_filter(group_yuan, "yuan_text")  # a service's plain yuan string, grouped
bp.add_app_template_filter(fen_to_yuan, "yuan_plain")  # for placeholders and data- attributes
bp.add_app_template_filter(dm2_to_m2, "m2")

EXPORT_TYPES = {
    "csv": ("text/csv; charset=utf-8", export.write_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export.write_xlsx),
}


@bp.route("/compounds")
@login_required
def compounds():
    filters = _compound_filters(request.args)
    query = filter_compounds(visible(Compound, current_user), filters)
    sort = request.args.get("sort") or "code"
    if sort not in ("code", "health", "-health"):
        abort(400)
    number = page_number(request.args)
    if sort == "code":
        page = page_of(query.options(joinedload(Compound.street)), number)
        scores = health.scores([c.id for c in page.items], today(), now())
    else:
        page, scores = _page_by_health(query, number, worst_first=sort == "health")
    return render_template(
        "org/compounds.html",
        page=page,
        rows=queries.with_counts(page.items),
        filters=filters,
        sort=sort,
        health=scores,
        query_args={k: getattr(v, "value", v) for k, v in filters.items()},
        totals=queries.filter_totals(current_user, query),
        streets=queries.visible_streets(current_user),
        modes=labels.MANAGEMENT_MODES,
        types=labels.RENOVATION_TYPES,
    )


def _page_by_health(query, number: int, worst_first: bool):
    """A page of the filtered compounds ordered by health: every one is scored (a fixed number of
    statements), sorted here, and only the page's compounds are loaded. Unscored last either way."""
    ids = query.with_only_columns(Compound.id).order_by(None)
    scores = health.scores(ids, today(), now())
    order = sorted(
        scores.values(), key=lambda h: (h.score is None, (h.score or 0) * (1 if worst_first else -1), h.compound_id)
    )
    chosen = [h.compound_id for h in order[(number - 1) * PER_PAGE : number * PER_PAGE]]
    loaded = (
        {
            c.id: c
            for c in db.session.scalars(
                select(Compound).options(joinedload(Compound.street)).where(Compound.id.in_(chosen))
            )
        }
        if chosen
        else {}
    )
    return Page(items=[loaded[i] for i in chosen], number=number, per_page=PER_PAGE, total=len(order)), scores


@bp.route("/compounds/export.<any(csv, xlsx):fmt>")
@login_required
def export_compounds(fmt: str):
    query = filter_compounds(visible(Compound, current_user), _compound_filters(request.args))
    mimetype, write = EXPORT_TYPES[fmt]
    body = write(
        exports.rows(queries.export_rows(query)), exports.headers(), title=_("Compounds"), scope=scope_of(current_user)
    )
    filename = f"compounds-{today():%Y%m%d}.{fmt}"
    return Response(
        stream_with_context(body),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/compounds/<int:compound_id>")
@login_required
def compound(compound_id: int):
    # the page shows its street and community: read with it, not in two more round trips
    compound = visible_or_404(Compound, compound_id, joinedload(Compound.street), joinedload(Compound.community))
    contracts = queries.compound_contracts(current_user, compound.id)
    households = page_counted_along(queries.households_query(current_user, compound.id), page_number(request.args))
    personal = services.sees_personal_data(current_user, compound.id)
    score = health.scores([compound.id], today(), now())[compound.id]
    buildings = queries.buildings_with_households(current_user, compound.id)
    # the counts come from what the page reads anyway: health counted the households, the
    # buildings list has each building's (a building counts once it has a household, as in the list)
    counts = {"buildings": sum(1 for _building, n in buildings if n), "households": score.households}
    return render_template(
        "org/compound.html",
        compound=compound,
        health=score,
        health_parts=health.PARTS,
        health_weights=health.weights(),
        describe_health=health.describe,
        counts=counts,
        buildings=buildings,
        households=households,
        owners=[_owner(h, personal) for h in households.items],
        contracts=contracts,
        current=queries.current_of(contracts),
        can_import=services.can_manage_households(current_user, compound),
        may_register_contract=services.can_manage_compound(current_user, compound),
        sees_households=services.sees_households(current_user),
        **_arrangement(compound),
    )


def _arrangement(compound: Compound) -> dict:
    """Who manages the compound against what its mode says, and a firm's walk-out (issue 26): for
    the street office, the city and the owners, not for firms and contractors (a former firm
    would learn its successor)."""
    if current_user.role in (Role.firm_staff, Role.contractor_staff):
        return {"arrangement": None}
    day = today()
    arrangement = arrangements.arrangement_of(compound, day)
    walkout = next(iter(arrangements.walkouts(day, [compound.id])), None)
    return {
        "arrangement": arrangement,
        "walkout": walkout,
        "walkout_days": arrangements.walkout_days(),
        "mismatch": None if walkout else arrangements.mismatch(arrangement),
        "defer_rule": arrangements.DEFER_RULE,
        "defer_source": arrangements.DEFER_SOURCE,
    }


@bp.route("/firms")
@login_required
def firms():
    kind = _enum_arg(request.args, "kind", FirmKind)
    q = (request.args.get("q") or "").strip()[:100]
    query = queries.filter_firms(visible(Firm, current_user), kind, q)
    return render_template(
        "org/firms.html", page=page_of(query, page_number(request.args)), kind=kind, q=q, kinds=labels.FIRM_KINDS
    )


@bp.route("/firms/<int:firm_id>")
@login_required
def firm(firm_id: int):
    firm = visible_or_404(Firm, firm_id)
    return render_template(
        "org/firm.html", firm=firm, contracts=queries.firm_contracts(current_user, firm.id), today=today()
    )


def _compound_filters(args) -> dict:
    """The list's filters from the query string; an empty value means "any", junk is a 400."""
    filters: dict = {}
    street = args.get("street_id") or ""
    if street:
        try:
            filters["street_id"] = parse_int(street, "street_id")
        except InputError:
            abort(400)
    for name, enum in (("management_mode", ManagementMode), ("renovation_type", RenovationType)):
        value = _enum_arg(args, name, enum)
        if value is not None:
            filters[name] = value
    q = (args.get("q") or "").strip()[:100]
    if q:
        filters["q"] = q
    return filters


def _enum_arg(args, name: str, enum):
    value = args.get(name) or ""
    if not value:
        return None
    try:
        return enum(value)
    except ValueError:
        abort(400)


def _owner(household, personal: bool) -> tuple[str, str]:
    """Owner name and phone as this caller may read them."""
    if personal:
        return household.owner_name or "", household.owner_phone or ""
    return mask_name(household.owner_name) or "", mask_phone(household.owner_phone) or ""


from pm_app.org import compound_views, contract_views  # noqa: E402,F401  (their routes are on bp)
