"""The ticket page (everything about one ticket, its timeline, and the forms for the steps the
reader may take now, plus re-routing for the street office) and the "report a repair" form of
a compound for signed-in users."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from pm_app.auth.models import Role, User
from pm_app.auth.scope import visible, visible_or_404
from pm_app.common.clock import now
from pm_app.common.forms import report
from pm_app.common.privacy import mask_name, mask_phone
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.org.labels import ROLES
from pm_app.org.models import Building, Compound, Firm
from pm_app.org.services import can_manage_compound
from pm_app.tickets import attachments, dispatch, photo_views, queries, services
from pm_app.tickets.forms import DispatchForm, EscalateForm, ReportForm, RouteForm, transition_form
from pm_app.tickets.labels import deadlines_of, ticket_label
from pm_app.tickets.models import Priority, Ticket, TicketSource, TicketStatus
from pm_app.tickets.workflow import FINISHED, OPEN, REOPEN_WINDOW, allowed_from, parties_for
from pm_app.warranties.models import WarrantyClaim, WarrantyItem

bp = Blueprint("tickets", __name__)

# The source a role's report most likely came through: the form's first guess.
DEFAULT_SOURCE = {
    Role.committee_member: TicketSource.committee,
    Role.firm_staff: TicketSource.firm,
    Role.street_officer: TicketSource.street,
}


@bp.route("/tickets/<int:ticket_id>")
@login_required
def ticket(ticket_id: int):
    return _page(visible_or_404(Ticket, ticket_id))


@bp.route("/tickets/<int:ticket_id>/transitions/<to>", methods=["POST"])
@login_required
def move(ticket_id: int, to: str):
    ticket = visible_or_404(Ticket, ticket_id)
    target = _status_or_404(to)
    allowed = parties_for(ticket.status, target)
    if allowed and not allowed & services.parties(current_user, ticket):
        abort(403)  # a step of the workflow, not this reader's (a stale page's conflicts go to the form)
    form = transition_form(target)
    if form.validate_on_submit():
        try:
            services.transition(current_user, ticket, target, form.note.data, **form.extra())
        except DomainError as error:
            report(form, error)
            return _page(ticket, failed=(target, form), status=error.status)
        db.session.commit()
        flash(_("The ticket is now %(status)s.", status=ticket_label(target)), "success")
        return redirect(url_for(".ticket", ticket_id=ticket.id))
    return _page(ticket, failed=(target, form), status=422)


@bp.route("/tickets/<int:ticket_id>/route", methods=["POST"])
@login_required
def reroute(ticket_id: int):
    ticket = visible_or_404(Ticket, ticket_id)
    if not can_manage_compound(current_user, db.session.get(Compound, ticket.compound_id)):
        abort(403)
    form = RouteForm(prefix="route")
    form.warranty_item_id.choices = _item_choices(ticket.compound_id)
    if form.validate_on_submit():
        try:
            services.reroute(current_user, ticket, form.party(), form.reason.data or "", form.warranty_item_id.data)
        except DomainError as error:
            report(form, error)
            return _page(ticket, route_form=form, status=error.status)
        db.session.commit()
        flash(_("Ticket re-routed."), "success")
        return redirect(url_for(".ticket", ticket_id=ticket.id))
    return _page(ticket, route_form=form, status=422)


@bp.route("/tickets/<int:ticket_id>/escalate", methods=["POST"])
@login_required
def escalate(ticket_id: int):
    ticket = visible_or_404(Ticket, ticket_id)
    if not can_manage_compound(current_user, db.session.get(Compound, ticket.compound_id)):
        abort(403)
    form = EscalateForm(prefix="escalate").for_ticket(ticket.priority)
    if form.validate_on_submit():
        try:
            services.escalate(current_user, ticket, Priority(form.priority.data), form.reason.data or "")
        except DomainError as error:
            report(form, error)
            return _page(ticket, escalate_form=form, status=error.status)
        db.session.commit()
        flash(_("Ticket escalated to %(priority)s.", priority=ticket_label(ticket.priority)), "success")
        return redirect(url_for(".ticket", ticket_id=ticket.id))
    return _page(ticket, escalate_form=form, status=422)


@bp.route("/tickets/<int:ticket_id>/dispatch", methods=["POST"])
@login_required
def dispatch_to(ticket_id: int):
    ticket = visible_or_404(Ticket, ticket_id)
    if not dispatch.can_dispatch(current_user, ticket):
        abort(403)
    form = _dispatch_form(ticket, fresh=False)
    if form.validate_on_submit():
        try:
            dispatch.dispatch(current_user, ticket, form.user_id.data)
        except DomainError as error:
            report(form, error)
            return _page(ticket, dispatch_form=form, status=error.status)
        db.session.commit()
        flash(
            _("Ticket dispatched to %(name)s.", name=dispatch.name_of(db.session.get(User, ticket.assignee_user_id))),
            "success",
        )
        return redirect(url_for(".ticket", ticket_id=ticket.id))
    return _page(ticket, dispatch_form=form, status=422)


@bp.route("/compounds/<int:compound_id>/tickets/new", methods=["GET", "POST"])
@login_required
def new(compound_id: int):
    compound = visible_or_404(Compound, compound_id)
    if not services.can_report(current_user, compound):
        abort(403)
    form = _report_form(compound)
    if form.validate_on_submit():
        try:
            created = services.report(current_user, compound, form.data_for_service(), form.source_value())
        except DomainError as error:
            report(form, error)
        else:
            db.session.commit()
            flash(_("Ticket reported; its tracking code is %(code)s.", code=created.tracking_code), "success")
            return redirect(url_for(".ticket", ticket_id=created.id))
    status = 422 if form.is_submitted() else 200
    return render_template("tickets/new.html", compound=compound, form=form), status


def _page(ticket: Ticket, failed=None, route_form=None, status: int = 200, escalate_form=None, dispatch_form=None):
    at = now()
    mine = services.parties(current_user, ticket)
    steps = [
        to
        for to in allowed_from(ticket.status)
        if parties_for(ticket.status, to) & mine
        and not (to == TicketStatus.reopened and ticket.resolved_at and at > ticket.resolved_at + REOPEN_WINDOW)
    ]
    forms = {to: failed[1] if failed and failed[0] == to else transition_form(to, fresh=True) for to in steps}
    office = "office" in mine and ticket.status not in FINISHED
    shown = services.sees_reporter(current_user, ticket)
    return render_template(
        "tickets/ticket.html",
        ticket=ticket,
        compound=db.session.get(Compound, ticket.compound_id),
        building=db.session.get(Building, ticket.building_id) if ticket.building_id else None,
        item=_item(ticket),
        claim=db.session.get(WarrantyClaim, ticket.claim_id) if ticket.claim_id else None,
        assignee=db.session.get(Firm, ticket.assignee_firm_id) if ticket.assignee_firm_id else None,
        reporter_name=ticket.reporter_name if shown else mask_name(ticket.reporter_name),
        reporter_phone=ticket.reporter_phone if shown else mask_phone(ticket.reporter_phone),
        deadlines=deadlines_of(ticket, at),
        forms=forms,
        stale=failed[1] if failed and failed[0] not in forms else None,
        stale_step=failed[0] if failed and failed[0] not in forms else None,
        photos=photo_views.photos_of(ticket.id),
        photo_form=photo_views.PhotoForm(prefix="photo")
        if attachments.can_attach(current_user, ticket) and ticket.status not in FINISHED
        else None,
        route_form=route_form or (_route_form(ticket) if office else None),
        escalate_form=escalate_form
        or (
            EscalateForm(formdata=None, prefix="escalate").for_ticket(ticket.priority)
            if office and ticket.status in OPEN and ticket.priority != Priority.emergency
            else None
        ),
        dispatch_form=dispatch_form
        or (
            _dispatch_form(ticket, fresh=True)
            if ticket.status in OPEN and dispatch.can_dispatch(current_user, ticket)
            else None
        ),
        dispatched_to=db.session.get(User, ticket.assignee_user_id) if ticket.assignee_user_id else None,
    ), status


def _dispatch_form(ticket: Ticket, fresh: bool) -> DispatchForm:
    people = [(p.id, f"{dispatch.name_of(p)}（{ROLES[p.role]}）") for p in dispatch.eligible(current_user, ticket)]
    form = (
        DispatchForm(formdata=None, prefix="dispatch", user_id=ticket.assignee_user_id)
        if fresh
        else DispatchForm(prefix="dispatch")
    )
    return form.with_people(people)


def _item(ticket: Ticket) -> WarrantyItem | None:
    if ticket.warranty_item_id is None:
        return None
    return db.session.scalar(
        select(WarrantyItem)
        .where(WarrantyItem.id == ticket.warranty_item_id)
        .options(joinedload(WarrantyItem.project), joinedload(WarrantyItem.category))
    )


def _report_form(compound: Compound) -> ReportForm:
    form = ReportForm(prefix="ticket", source=DEFAULT_SOURCE.get(current_user.role, TicketSource.phone).value)
    form.building.choices = [("", "—")] + [(b.name, b.name) for b in queries.buildings_of(compound.id)]
    form.warranty_item_id.choices = _item_choices(compound.id)
    return form


def _route_form(ticket: Ticket) -> RouteForm:
    form = RouteForm(
        formdata=None,
        prefix="route",
        responsible_party=ticket.responsible_party.value,
        warranty_item_id=ticket.warranty_item_id,
    )
    form.warranty_item_id.choices = _item_choices(ticket.compound_id)
    return form


def _item_choices(compound_id: int) -> list:
    items = db.session.scalars(
        visible(WarrantyItem, current_user)
        .where(WarrantyItem.compound_id == compound_id)
        .options(joinedload(WarrantyItem.category))
        .order_by(WarrantyItem.warranty_end.desc(), WarrantyItem.id)
    ).all()
    return [("", "—")] + [
        (i.id, f"{i.category.name} · {i.description} ({_('warranty to %(end)s', end=i.warranty_end)})") for i in items
    ]


def _status_or_404(value: str) -> TicketStatus:
    try:
        return TicketStatus(value)
    except ValueError:
        abort(404)
