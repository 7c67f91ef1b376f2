"""Rules of maintenance tickets: reporting, warranty routing, the workflow, satisfaction.
Functions flush; the request or job commits once."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from pm_app.auth.models import Role
from pm_app.auth.scope import scope_clause
from pm_app.common.clock import now, today
from pm_app.common.inputs import FIRST_DAY
from pm_app.errors import Conflict, DomainError
from pm_app.extensions import db
from pm_app.org.models import Building, Compound
from pm_app.org.services import Forbidden, can_manage_compound, current_contract, ensure
from pm_app.tickets import notices, sla
from pm_app.tickets.codes import holds_confirm_key, new_tracking_code
from pm_app.tickets.labels import ticket_label
from pm_app.tickets.models import BY_REPORTER, Priority, ResponsibleParty, Ticket, TicketEvent, TicketSource
from pm_app.tickets.models import TicketStatus as S
from pm_app.tickets.workflow import FINISHED, NOTE_REQUIRED, OPEN, REOPEN_WINDOW, allowed_from, parties_for
from pm_app.warranties import services as warranties
from pm_app.warranties.models import WarrantyItem

PUBLIC_SOURCES = (TicketSource.public_link,)


def can_report(user, compound: Compound) -> bool:
    """Everyone with the compound in sight except a contractor, which answers claims."""
    return user.role != Role.contractor_staff


def report(user, compound: Compound, data: dict, source: TicketSource) -> Ticket:
    """Open a ticket, routed by warranty: in warranty to the contractor, else the property firm."""
    if user is not None:
        ensure(can_report(user, compound), _l("report repairs for this compound"))
    building_id = _building(compound.id, data.get("building"))
    created = now()
    reported = _reported_at(compound, data.get("reported_at"), created)
    _check_external_ref(user, source, data.get("external_ref"))
    respond_by, resolve_by = sla.deadlines(data["priority"], source, reported)
    ticket = Ticket(
        tracking_code=new_tracking_code(),
        compound_id=compound.id,
        building_id=building_id,
        category=data["category"],
        source=source,
        priority=data["priority"],
        description=data["description"],
        location=data.get("location"),
        reporter_name=data.get("reporter_name"),
        reporter_phone=data.get("reporter_phone"),
        respond_by=respond_by,
        resolve_by=resolve_by,
        created_at=created,
        reported_at=reported,
        external_ref=data.get("external_ref"),
        created_by_id=getattr(user, "id", None),
        responsible_party=ResponsibleParty.property_firm,
    )
    db.session.add(ticket)
    db.session.flush()
    item = _item(compound.id, data.get("warranty_item_id"))
    route(
        ticket,
        item,
        ResponsibleParty.contractor_warranty
        if item and warranties.in_warranty(item, today())
        else ResponsibleParty.property_firm,
    )
    _event(ticket, user, None, S.new, _("reported (%(source)s)", source=_label(source)))
    return ticket


def _reported_at(compound: Compound, reported: datetime | None, at: datetime) -> datetime:
    """When the citizen reported it: not later than now, nor before the compound was built
    (its year_built; not its acceptance day, since construction complaints come before that)."""
    if reported is None:
        return at
    if reported > at:
        raise DomainError(_("A ticket cannot be reported in the future."), {"reported_at": [_("in the future")]})
    if reported.year < max(compound.year_built or FIRST_DAY.year, FIRST_DAY.year):
        raise DomainError(
            _("The compound did not exist yet on that day."), {"reported_at": [_("before the compound was built")]}
        )
    return reported


def _check_external_ref(user, source: TicketSource, external_ref: str | None) -> None:
    """A platform's order number is one ticket: a second report of it names the first, when the
    caller may see it (the unique constraint answers a concurrent one with a 409 as well)."""
    if not external_ref:
        return
    existing = db.session.scalar(select(Ticket).where(Ticket.source == source, Ticket.external_ref == external_ref))
    if existing is None:
        return
    if (
        user is None
        or db.session.scalar(select(Ticket.id).where(Ticket.id == existing.id, scope_clause(Ticket, user))) is None
    ):
        raise Conflict(
            _("Order %(ref)s is already a ticket, of a compound outside your scope.", ref=external_ref),
            {"external_ref": [_("already recorded")]},
        )
    raise Conflict(
        _("Order %(ref)s is already ticket %(code)s.", ref=external_ref, code=existing.tracking_code),
        {"external_ref": [_("already ticket %(code)s", code=existing.tracking_code)]},
    )


def route(ticket: Ticket, item: WarrantyItem | None, party: ResponsibleParty) -> None:
    """Set who must act. A warranty claim goes to the item's contractor and opens its claim; the
    property firm is the one holding the compound's current contract (none: the office acts)."""
    ticket.responsible_party = party
    ticket.warranty_item_id = item.id if item else ticket.warranty_item_id
    firm_before = ticket.assignee_firm_id
    if party == ResponsibleParty.contractor_warranty:
        ticket.assignee_firm_id = item.project.contractor_id
        if ticket.claim_id is None:
            ticket.claim_id = warranties.claim_for_ticket(item, ticket.id, ticket.description).id
        else:
            warranties.settle_claim(ticket.claim_id, None, True, "")
    else:
        contract = current_contract(ticket.compound_id)
        ticket.assignee_firm_id = contract.firm_id if party == ResponsibleParty.property_firm and contract else None
        if ticket.claim_id is not None:
            warranties.settle_claim(ticket.claim_id, None, False, _("re-routed away from the warranty"))
    if ticket.assignee_firm_id != firm_before:
        ticket.assignee_user_id = None  # the person named was the other firm's: the new one dispatches
    db.session.flush()


def reroute(user, ticket: Ticket, party: ResponsibleParty, reason: str, item_id: int | None = None) -> Ticket:
    """The street office overrides the routing, saying why. It may name the warranty item the defect
    is in: residents report without one (issue 27), and only then can it go to the item's builder."""
    ensure(can_manage_compound(user, db.session.get(Compound, ticket.compound_id)), _l("re-route this ticket"))
    if ticket.status in FINISHED:
        raise Conflict(_("A closed or rejected ticket is not re-routed."))
    if not (reason or "").strip():
        raise DomainError(_("Say why the ticket is re-routed."), {"reason": [_("required")]})
    if item_id is not None:
        item = _item(ticket.compound_id, item_id)
    else:
        item = db.session.get(WarrantyItem, ticket.warranty_item_id) if ticket.warranty_item_id else None
    if party == ResponsibleParty.contractor_warranty and item is None:
        raise DomainError(
            _("Only a ticket about a warranty item can go to its contractor."),
            {"responsible_party": [_("needs a warranty item")]},
        )
    if (
        party == ResponsibleParty.contractor_warranty
        and item_id is not None
        and not warranties.in_warranty(item, today())
    ):
        raise DomainError(
            _("The warranty of this item ended on %(end)s.", end=item.warranty_end),
            {"warranty_item_id": [_("warranty ended")]},
        )
    route(ticket, item, party)
    ticket.routing_note = reason.strip()
    _event(
        ticket,
        user,
        ticket.status,
        ticket.status,
        _("re-routed to %(party)s: %(reason)s", party=_label(party), reason=reason.strip()),
    )
    return ticket


PRIORITY_ORDER = (Priority.low, Priority.normal, Priority.high, Priority.emergency)


def escalate(user, ticket: Ticket, priority: Priority, reason: str, at: datetime | None = None) -> Ticket:
    """The street office raises an open ticket's priority, saying why. Its deadlines can only come
    sooner: each becomes the earlier of the old one and the new priority's counted from now."""
    ensure(can_manage_compound(user, db.session.get(Compound, ticket.compound_id)), _l("escalate this ticket"))
    if ticket.status not in OPEN:
        raise Conflict(_("Only an open ticket is escalated."), {"priority": [_("the ticket is not open")]})
    if PRIORITY_ORDER.index(priority) <= PRIORITY_ORDER.index(ticket.priority):
        raise DomainError(
            _("Escalating means a higher priority than %(now)s.", now=_label(ticket.priority)),
            {"priority": [_("higher than %(now)s", now=_label(ticket.priority))]},
        )
    if not (reason or "").strip():
        raise DomainError(_("Say why the ticket is escalated."), {"reason": [_("required")]})
    at = at or now()
    respond_by, resolve_by = sla.deadlines(priority, ticket.source, at)
    before = ticket.priority
    ticket.priority = priority
    ticket.respond_by, ticket.resolve_by = min(ticket.respond_by, respond_by), min(ticket.resolve_by, resolve_by)
    _event(
        ticket,
        user,
        ticket.status,
        ticket.status,
        _(
            "escalated from %(before)s to %(after)s: %(reason)s",
            before=_label(before),
            after=_label(priority),
            reason=reason.strip(),
        ),
        at,
    )
    db.session.flush()
    return ticket


def _label(value) -> str:
    # The timeline and the refusals are read by people: 高, not "high" (the API keeps the values).
    return str(ticket_label(value))


def parties(user, ticket: Ticket) -> set[str]:
    """The workflow parties this user is for this ticket (see tickets.workflow)."""
    found: set[str] = set()
    if user is None:  # the public reporter: transition() checks their confirmation key
        return {"confirmer"}
    # Only the city and street offices can manage a compound: for anyone else, do not load it (a list
    # of a firm's tickets masks every row through here, one compound lookup each).
    if user.sees_whole_city or user.city_regulator or user.role == Role.street_officer:
        if can_manage_compound(user, ticket.compound):
            found |= {"office", "confirmer"}
    if user.role in (Role.firm_staff, Role.contractor_staff) and user.firm_id == ticket.assignee_firm_id:
        found.add("assignee")
    if user.role == Role.committee_member and user.compound_id == ticket.compound_id:
        found.add("confirmer")
    return found


def transition(
    user,
    ticket: Ticket,
    to: S,
    note: str | None = None,
    satisfaction: int | None = None,
    comment: str | None = None,
    cost_fen: int | None = None,
    at: datetime | None = None,
    confirm_key: str | None = None,
) -> Ticket:
    """Move the ticket. `user` None is the public reporter, who must hold the ticket's confirmation
    key: the tracking code alone is seen by staff, and would let the rated firm rate itself."""
    at = at or now()
    frm = ticket.status
    if user is None:
        _check_reporter(ticket, confirm_key)
    allowed = parties_for(frm, to)
    if not allowed:
        names = ", ".join(s.value for s in allowed_from(frm)) or _("none")
        raise Conflict(
            _(
                "A %(frm)s ticket cannot become %(to)s; allowed: %(allowed)s.",
                frm=frm.value,
                to=to.value,
                allowed=names,
            ),
            {"to": [_("allowed from %(frm)s: %(allowed)s", frm=frm.value, allowed=names)]},
        )
    if not allowed & parties(user, ticket):
        raise Forbidden(_("You may not move this ticket from %(frm)s to %(to)s.", frm=frm.value, to=to.value))
    if to in NOTE_REQUIRED and not (note or "").strip():
        raise DomainError(_("Say why."), {"note": [_("required when the ticket becomes %(to)s", to=to.value)]})
    if to == S.reopened and ticket.resolved_at and at > ticket.resolved_at + REOPEN_WINDOW:
        raise Conflict(
            _("A ticket can be reopened within 7 days of its resolution; report a new one."),
            {"to": [_("the 7 days to reopen have passed")]},
        )
    if satisfaction is not None and to != S.closed:
        raise DomainError(
            _("A rating is given when the ticket is confirmed and closed."), {"satisfaction": [_("only when closing")]}
        )
    _apply(ticket, user, frm, to, at, satisfaction, comment, cost_fen)
    event = _event(ticket, user, frm, to, (note or "").strip() or None, at)
    notices.after_transition(ticket, frm, to, event.id)
    return ticket


def record(ticket: Ticket, user, note: str) -> TicketEvent:
    """A step that changes no status (a dispatch to someone else): on the timeline all the same."""
    return _event(ticket, user, ticket.status, ticket.status, note)


def _check_reporter(ticket: Ticket, key: str | None) -> None:
    if ticket.confirm_key_hash is None:
        raise Forbidden(
            _(
                "This repair was not reported on the public page with a confirmation key: the "
                "committee or the street office confirms it."
            )
        )
    if not holds_confirm_key(ticket, key):
        raise DomainError(
            _("The confirmation key does not match this repair."),
            {"confirm_key": [_("the key on your receipt, or in your private tracking link")]},
            status=403,
        )


def _apply(ticket, user, frm, to, at, satisfaction, comment, cost_fen) -> None:
    ticket.status = to
    if ticket.responded_at is None and (
        to in (S.in_progress, S.rejected) or (to == S.assigned and "assignee" in parties(user, ticket))
    ):
        ticket.responded_at = at
    if to == S.resolved:
        ticket.resolved_at = at
        ticket.cost_fen = cost_fen if cost_fen is not None else ticket.cost_fen
    if to in (S.closed, S.rejected):
        ticket.closed_at = at
    if to == S.closed:
        ticket.satisfaction, ticket.satisfaction_comment = satisfaction, (comment or "").strip() or None
        ticket.satisfaction_by = None if satisfaction is None else BY_REPORTER if user is None else user.role.value
    # One workflow, not two: the contractor resolving the ticket settles its claim (a reopen opens
    # it again), so the claims open are the warranty tickets still open in the contractor's queue.
    if ticket.claim_id is not None and to in (S.resolved, S.closed, S.rejected, S.reopened):
        warranties.settle_claim(ticket.claim_id, user, to == S.reopened, _("ticket %(to)s", to=_label(to)))
    db.session.flush()


def _event(ticket: Ticket, user, frm, to, note, at: datetime | None = None) -> TicketEvent:
    label = "reporter" if user is None else (user.display_name or user.username)
    event = TicketEvent(
        ticket_id=ticket.id,
        actor_id=getattr(user, "id", None),
        actor_label=label[:64],
        from_status=frm.value if frm else None,
        to_status=to.value,
        note=note,
        at=at or now(),
    )
    db.session.add(event)
    db.session.flush()
    return event


def _building(compound_id: int, name: str | None) -> int | None:
    if not name:
        return None
    building = db.session.scalar(select(Building).where(Building.compound_id == compound_id, Building.name == name))
    if building is None:
        raise DomainError(_("No such building in this compound."), {"building": [_("not a building of this compound")]})
    return building.id


def _item(compound_id: int, item_id: int | None) -> WarrantyItem | None:
    if item_id is None:
        return None
    item = db.session.scalar(
        select(WarrantyItem).where(WarrantyItem.id == item_id, WarrantyItem.compound_id == compound_id)
    )
    if item is None:
        raise DomainError(
            _("No such warranty item in this compound."),
            {"warranty_item_id": [_("not a warranty item of this compound")]},
        )
    return item


def by_tracking_code(code: str) -> Ticket | None:
    return db.session.scalar(select(Ticket).where(Ticket.tracking_code == (code or "").strip().upper()))


def must_see(ticket: Ticket | None) -> Ticket:
    if ticket is None:
        from pm_app.errors import NotFound

        raise NotFound(_("No ticket with this tracking code."))
    return ticket


def sees_reporter(user, ticket: Ticket) -> bool:
    """The reporter's name and phone: for whoever must call back (the office, the assignee)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.admin:
        return True
    return bool(parties(user, ticket) & {"office", "assignee"}) and user.role != Role.regulator
