"""Rules of the works and warranties domain. Functions flush; the request or job commits once."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from pm_app.auth.scope import get_visible, scope_clause
from pm_app.common.clock import now, today
from pm_app.errors import Conflict, DomainError
from pm_app.extensions import db
from pm_app.locks import locked, locked_id
from pm_app.org.models import Compound, Firm, FirmKind
from pm_app.org.services import can_manage_compound, ensure
from pm_app.warranties.models import ClaimState, RenovationProject, WarrantyCategory, WarrantyClaim, WarrantyItem
from pm_app.warranties.terms import term_text, warranty_end

PROJECT_FIELDS = (
    "name",
    "year",
    "renovation_type",
    "contract_amount_fen",
    "acceptance_date",
    "deposit_fen",
    "deposit_release_date",
    # issue 26: funding.check_schedule and deposit_rules.check_deposit read these
    "deposit_terms",
    "settlement_amount_fen",
    "planned_start",
    "planned_completion",
)


def can_manage_works(user, compound: Compound) -> bool:
    """Projects, items and inspections: the compound's street office and the city."""
    return can_manage_compound(user, compound)


# --- categories ----------------------------------------------------------------------------


def category_by_code(code: str) -> WarrantyCategory | None:
    return db.session.scalar(select(WarrantyCategory).where(WarrantyCategory.code == code))


def create_category(code: str, name: str, min_years: int, source: str, term_unit: str = "year") -> WarrantyCategory:
    if category_by_code(code) is not None:
        raise Conflict(f"code {code!r} already exists", {"code": [_("already exists")]})
    category = WarrantyCategory(code=code, name=name, min_years=min_years, source=source, term_unit=term_unit)
    db.session.add(category)
    db.session.flush()
    return category


# --- projects ------------------------------------------------------------------------------


def create_project(user, data: dict) -> RenovationProject:
    compound = get_visible(Compound, data["compound_id"], user)
    ensure(can_manage_works(user, compound), _l("register works for this compound"))
    project = RenovationProject(compound_id=compound.id)
    project.arrangement_override_reason = check_arrangement(user, compound, data.get("arrangement_override_reason"))
    _apply(user, project, data)
    db.session.add(project)
    db.session.flush()
    return project


def check_arrangement(user, compound: Compound, reason: str | None) -> str | None:
    """Seed 004 §九(五): no renovation for a compound whose management after it is not settled
    (org.arrangements), unless the regulator overrides with a reason, which is kept and audited.
    Returns the reason to store."""
    from flask import has_request_context

    from pm_app.auth.models import Role
    from pm_app.org import arrangements

    reason = (reason or "").strip() or None
    if reason is not None and user.role != Role.regulator:
        # Jobs and the CLI have no request to pick a language from: they get the English.
        message = (
            _("Only the city regulator may override the management-arrangement rule.")
            if has_request_context()
            else "Only the city regulator may override the management-arrangement rule."
        )
        raise DomainError(message, {"arrangement_override_reason": [message]}, status=403)
    if reason is None and compound.id in arrangements.undecided([compound.id], today()):
        message, problem = arrangements.refusal(compound)
        raise DomainError(message, {"compound_id": [problem]})
    return reason


def update_project(user, project: RenovationProject, data: dict) -> RenovationProject:
    ensure(can_manage_works(user, project.compound), _l("change this project"))
    _apply(user, project, data)
    db.session.flush()
    return project


def _apply(user, project: RenovationProject, data: dict) -> None:
    for field in PROJECT_FIELDS:
        if field in data:
            setattr(project, field, data[field])
    if "contractor_id" in data:
        project.contractor_id = _firm(user, data["contractor_id"], FirmKind.contractor, "contractor_id").id
    if "supervisor_id" in data:
        supervisor = data["supervisor_id"]
        project.supervisor_id = (
            None if supervisor is None else _firm(user, supervisor, FirmKind.supervisor, "supervisor_id").id
        )
    if "funding" in data:
        from pm_app.warranties.models import ProjectFunding

        project.funding = [
            ProjectFunding(source=source, amount_fen=amount) for source, amount in data["funding"].items()
        ]
    if (
        project.deposit_release_date
        and project.acceptance_date
        and project.deposit_release_date < project.acceptance_date
    ):
        raise DomainError(
            _("The deposit cannot be due for release before acceptance."),
            {"deposit_release_date": [_("is before the acceptance date")]},
        )
    from pm_app.warranties import deposit_rules, funding

    funding.check_schedule(project)
    if project.id is None or deposit_rules.FIELDS & data.keys():  # a rename does not re-judge an old deposit
        deposit_rules.check_deposit(project)


def _firm(user, firm_id: int, kind: FirmKind, field: str) -> Firm:
    firm = db.session.scalar(select(Firm).where(Firm.id == firm_id, scope_clause(Firm, user)))
    if firm is None or firm.kind != kind:
        raise DomainError(
            f"{field}: unknown {kind.value}", {field: [_("no %(kind)s firm with this id", kind=kind.value)]}
        )
    return firm


# --- warranty items ------------------------------------------------------------------------


def item_values(project: RenovationProject, data: dict) -> dict:
    """Check one item against its category and compute its dates; DomainError names the field."""
    category = category_by_code(data["category"])
    if category is None:
        codes = ", ".join(db.session.scalars(select(WarrantyCategory.code).order_by(WarrantyCategory.code)))
        raise DomainError(_("Unknown category."), {"category": [_("one of %(codes)s", codes=codes)]})
    years = data.get("warranty_years") or category.min_years
    if years < category.min_years:
        raise DomainError(
            _(
                "%(name)s must be guaranteed at least %(term)s (%(source)s).",
                name=category.name,
                term=term_text(category.term_unit, category.min_years),
                source=category.source,
            ),
            {
                "warranty_years": [
                    _(
                        "at least %(min)d for %(code)s (%(source)s)",
                        min=category.min_years,
                        code=category.code,
                        source=category.source,
                    )
                ]
            },
        )
    start = data.get("warranty_start") or project.acceptance_date
    return {
        "project_id": project.id,
        "compound_id": project.compound_id,
        "category_id": category.id,
        "description": data["description"],
        "quantity": data.get("quantity"),
        "unit": data.get("unit"),
        "location": data.get("location"),
        "warranty_years": years,
        "warranty_start": start,
        "warranty_end": warranty_end(category.term_unit, start, years),
    }


def add_item(user, project: RenovationProject, data: dict) -> WarrantyItem:
    ensure(can_manage_works(user, project.compound), _l("add warranty items to this project"))
    item = WarrantyItem(**item_values(project, data))
    db.session.add(item)
    db.session.flush()
    return item


def in_warranty(item: WarrantyItem, day: date) -> bool:
    return item.warranty_start <= day < item.warranty_end


# --- claims --------------------------------------------------------------------------------


def open_claims(project_id: int) -> int:
    from sqlalchemy import func

    return (
        db.session.scalar(
            select(func.count())
            .select_from(WarrantyClaim)
            .where(WarrantyClaim.project_id == project_id, WarrantyClaim.state == ClaimState.open)
        )
        or 0
    )


def can_close_claim(user, claim: WarrantyClaim) -> bool:
    """The contractor that owes the repair reports it done; the street office can close it too."""
    if user.role.value == "contractor_staff":
        return claim.item.project.contractor_id == user.firm_id
    return can_manage_works(user, claim.item.project.compound)


def close_claim(user, claim: WarrantyClaim, note: str) -> WarrantyClaim:
    ensure(can_close_claim(user, claim), _l("close this warranty claim"))
    claim = locked(claim)  # twin closes: the second waits, then finds it closed (409)
    if claim.state == ClaimState.closed:
        raise Conflict(_("This claim is already closed."))
    if not (note or "").strip():
        raise DomainError(_("Say what was done."), {"note": [_("required")]})
    claim.state, claim.closed_at, claim.closed_by_id, claim.closing_note = (
        ClaimState.closed,
        now(),
        user.id,
        note.strip(),
    )
    db.session.flush()
    return claim


# --- claims opened and settled by tickets (the tickets domain calls these) ----------------


def claim_for_ticket(item: WarrantyItem, ticket_id: int, description: str) -> WarrantyClaim:
    """A ticket on an item inside its warranty is a claim on the contractor: open one for it."""
    locked_id(RenovationProject, item.project_id)  # a deposit release waits, then sees the claim
    claim = WarrantyClaim(
        warranty_item_id=item.id, project_id=item.project_id, ticket_id=ticket_id, description=description
    )
    db.session.add(claim)
    db.session.flush()
    return claim


def settle_claim(claim_id: int, user, open_: bool, note: str) -> None:
    """Follow the ticket: closed or rejected closes the claim, reopened opens it again."""
    claim = db.session.get(WarrantyClaim, claim_id)
    if open_:
        claim.state, claim.closed_at, claim.closed_by_id, claim.closing_note = ClaimState.open, None, None, None
    elif claim.state == ClaimState.open:
        claim.state, claim.closed_at, claim.closing_note = ClaimState.closed, now(), note
        claim.closed_by_id = getattr(user, "id", None)
    db.session.flush()
