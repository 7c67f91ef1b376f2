"""Photos on the ticket page: shown to whoever sees the ticket, added by those who take part in it
(tickets.attachments holds the checks). Refusals come back as a message on the ticket page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select

from pm_app.auth.scope import visible_or_404
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.tickets import attachments
from pm_app.tickets.models import Ticket, TicketAttachment

bp = Blueprint("ticket_photos", __name__)


class PhotoForm(FlaskForm):
    photo = FileField(validators=[FileRequired()])


def photos_of(ticket_id: int) -> list[TicketAttachment]:
    return list(
        db.session.scalars(
            select(TicketAttachment).where(TicketAttachment.ticket_id == ticket_id).order_by(TicketAttachment.id)
        )
    )


@bp.route("/tickets/<int:ticket_id>/photos", methods=["POST"])
@login_required
def upload(ticket_id: int):
    ticket = visible_or_404(Ticket, ticket_id)
    if not attachments.can_attach(current_user, ticket):
        abort(403)
    form = PhotoForm(prefix="photo")
    if not form.validate_on_submit():
        flash(_("Choose a photo to add."), "error")
        return redirect(url_for("tickets.ticket", ticket_id=ticket.id, _anchor="photos"))
    stored = []
    try:
        with db.session.begin_nested():
            stored.append(attachments.attach(current_user, ticket, form.photo.data.stream, form.photo.data.filename))
        db.session.commit()
    except DomainError as error:
        attachments.discard(stored)
        flash(" ".join([error.message, *error.errors.get("photo", [])]), "error")
    else:
        flash(_("Photo added."), "success")
    return redirect(url_for("tickets.ticket", ticket_id=ticket.id, _anchor="photos"))


@bp.route("/tickets/<int:ticket_id>/photos/<int:attachment_id>")
@login_required
def photo(ticket_id: int, attachment_id: int):
    visible_or_404(Ticket, ticket_id)
    record = db.session.scalar(
        select(TicketAttachment).where(TicketAttachment.id == attachment_id, TicketAttachment.ticket_id == ticket_id)
    )
    if record is None:
        abort(404)
    return attachments.send(record)
