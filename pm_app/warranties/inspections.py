"""Joint inspections and what their findings set in motion: a finding on an item still inside its
warranty opens a warranty claim against the contractor (the ticket issue will open a ticket for
it and link it through `WarrantyClaim.ticket_id`)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from pm_app.auth.scope import get_visible
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.locks import locked_id
from pm_app.org.models import Compound
from pm_app.org.services import ensure
from pm_app.warranties.models import Inspection, InspectionFinding, RenovationProject, WarrantyClaim, WarrantyItem
from pm_app.warranties.services import can_manage_works, in_warranty


def record_inspection(user, data: dict) -> Inspection:
    compound = get_visible(Compound, data["compound_id"], user)
    ensure(can_manage_works(user, compound), _l("record inspections of this compound"))
    project_id = data.get("project_id")
    if project_id is not None:
        project = db.session.get(RenovationProject, project_id)
        if project is None or project.compound_id != compound.id:
            raise DomainError(
                _("The project is not one of this compound's."), {"project_id": [_("not a project of this compound")]}
            )
    inspection = Inspection(
        compound_id=compound.id,
        project_id=project_id,
        inspected_on=data["inspected_on"],
        participants=data["participants"],
        score=data["score"],
        summary=data.get("summary"),
        recorded_by_id=user.id,
    )
    db.session.add(inspection)
    db.session.flush()
    errors = {}
    for n, finding in enumerate(data.get("findings") or []):
        problem = _add_finding(inspection, compound.id, finding)
        if problem:
            errors[f"findings.{n}.warranty_item_id"] = [problem]
    if errors:
        raise DomainError(_("A finding names an item that is not this compound's."), errors)
    db.session.flush()
    return inspection


def _add_finding(inspection: Inspection, compound_id: int, data: dict) -> str | None:
    item = None
    if data.get("warranty_item_id") is not None:
        item = db.session.scalar(
            select(WarrantyItem).where(
                WarrantyItem.id == data["warranty_item_id"], WarrantyItem.compound_id == compound_id
            )
        )
        if item is None:
            return _("not a warranty item of this compound")
    covered = item is not None and in_warranty(item, inspection.inspected_on)
    finding = InspectionFinding(
        inspection_id=inspection.id,
        warranty_item_id=item and item.id,
        description=data["description"],
        in_warranty=covered,
    )
    db.session.add(finding)
    db.session.flush()
    if covered:
        # The project's row lock: a deposit release deciding at this moment waits, then sees the claim.
        locked_id(RenovationProject, item.project_id)
        db.session.add(
            WarrantyClaim(
                warranty_item_id=item.id,
                project_id=item.project_id,
                finding_id=finding.id,
                description=data["description"],
            )
        )
    return None
