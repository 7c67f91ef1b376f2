"""The filters of `/warranties` and its export (issue 27: the list began with items long out of
warranty and could not be narrowed): state, category, compound and project, read from the query
string so a filtered list can be linked, paged and exported as shown. Soonest-expiring first:
the items still in warranty by their end day, then the lapsed ones, most recently lapsed first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case

from pm_app.auth.scope import visible
from pm_app.common.inputs import InputError, parse_int
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.org.models import Compound
from pm_app.warranties import page_queries, queries
from pm_app.warranties.dates import EXPIRING_DAYS
from pm_app.warranties.models import RenovationProject, WarrantyItem

# The chips' words: 在保 is "more than 90 days left", so that the three never overlap.
STATES = {
    "active": _l("In warranty"),
    "expiring": _l("Expiring (within %(days)d days)", days=EXPIRING_DAYS),
    "expired": _l("Out of warranty"),
}


@dataclass(frozen=True)
class Filters:
    state: str | None = None
    category: str | None = None
    compound_id: int | None = None
    project_id: int | None = None

    def args(self) -> dict:
        """The filters as query-string arguments (for links and the export), empty ones left out."""
        return {k: v for k, v in vars(self).items() if v is not None}


def parse(args) -> Filters:
    """The query string's filters; a value the list cannot mean is a 400 naming its field."""
    state = args.get("state") or None
    if state is not None and state not in STATES:
        raise DomainError(_("The list cannot be filtered that way."), {"state": [_("not one of the choices")]}, 400)
    ids = {}
    for name in ("compound_id", "project_id"):
        try:
            ids[name] = parse_int(args[name], name, low=1) if args.get(name) else None
        except InputError:
            raise DomainError(
                _("The list cannot be filtered that way."), {name: [_("not one of the choices")]}, 400
            ) from None
    category = args.get("category") or None
    if category is not None and category not in {c.code for c in page_queries.categories()}:
        raise DomainError(_("The list cannot be filtered that way."), {"category": [_("not one of the choices")]}, 400)
    return Filters(state, category, **ids)


def items(user, filters: Filters, as_of: date) -> Select:
    """The API's own query and scope (warranties.queries), in the page's order."""
    lapsed = WarrantyItem.warranty_end <= as_of
    return (
        queries.items_query(user, filters.args(), as_of)
        .order_by(None)
        .order_by(
            case((lapsed, 1), else_=0),
            case((lapsed, None), else_=WarrantyItem.warranty_end),  # in warranty: soonest end first
            WarrantyItem.warranty_end.desc(),
            WarrantyItem.id,
        )
    )  # lapsed: most recent first


def choices(user, filters: Filters) -> dict:
    """The selects' options: every category, the compounds the user sees, and the projects of the
    chosen compound (a whole city's projects would be a select no one can read)."""
    compounds = list(
        db.session.execute(
            visible(Compound, user).with_only_columns(Compound.id, Compound.name, Compound.code).order_by(Compound.code)
        )
    )
    projects = (
        list(
            db.session.execute(
                visible(RenovationProject, user)
                .with_only_columns(RenovationProject.id, RenovationProject.name, RenovationProject.year)
                .where(RenovationProject.compound_id == filters.compound_id)
                .order_by(RenovationProject.year.desc(), RenovationProject.id)
            )
        )
        if filters.compound_id
        else []
    )
    return {"categories": page_queries.categories(), "compound_choices": compounds, "project_choices": projects}
