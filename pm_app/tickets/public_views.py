"""Pages for residents, without an account (design §1, "anonymous public"):

- `/c/<compound code>`: report a repair, with an optional photo; answers with a tracking code.
- `/c/<code>/qr.svg` and `/c/<code>/poster`: the QR code of that page, to print on notice boards.
- `/track/<tracking code>`: the ticket's steps and their dates, what was done and the photos of
  the repair (tickets.public_progress says which), nothing personal; once resolved, the reporter confirms and rates it, or reopens it within 7 days, with the
  confirmation key that only they were given: shown once on the receipt and carried by their
  private link `/track/<tracking code>?key=<key>`. Staff see the tracking code, never the key.
- `/track/<tracking code>/photos/<id>`: one photo of the repair; any other photo is a 404.

Every POST carries a CSRF token and is rate limited per client address (PUBLIC_REPORT_LIMIT);
lookups of tracking codes are limited too (PUBLIC_TRACK_LIMIT), so codes cannot be guessed by
trying many.
"""

from __future__ import annotations

import io

import segno
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from pm_app.common.clock import now
from pm_app.common.forms import report as show_refusal
from pm_app.errors import DomainError
from pm_app.extensions import db, limiter
from pm_app.org.models import Building, Compound
from pm_app.tickets import attachments, codes, public_progress, services
from pm_app.tickets.labels import ticket_label
from pm_app.tickets.models import TicketSource
from pm_app.tickets.models import TicketStatus as S
from pm_app.tickets.public_forms import ConfirmForm, PublicReportForm, ReopenForm
from pm_app.tickets.workflow import REOPEN_WINDOW

bp = Blueprint("tickets_public", __name__)
bp.add_app_template_filter(ticket_label, "ticket_label")


def _report_limit() -> str:
    return current_app.config["PUBLIC_REPORT_LIMIT"]


def _track_limit() -> str:
    return current_app.config["PUBLIC_TRACK_LIMIT"]


def _compound(code: str) -> Compound:
    compound = db.session.scalar(select(Compound).where(Compound.code == code))
    if compound is None:
        abort(404)
    return compound


def public_url(code: str) -> str:
    """The address printed in the QR code; PUBLIC_BASE_URL when the app sits behind a proxy."""
    return _absolute("tickets_public.report", code=code)


def _absolute(endpoint: str, **values) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL")
    return base.rstrip("/") + url_for(endpoint, **values) if base else url_for(endpoint, **values, _external=True)


@bp.route("/c/<code>", methods=["GET", "POST"])
@limiter.limit(_report_limit, methods=["POST"])
def report(code: str):
    compound = _compound(code)
    form = PublicReportForm()
    buildings = db.session.scalars(
        select(Building.name).where(Building.compound_id == compound.id).order_by(Building.name)
    ).all()
    form.building.choices = [("", "—"), *((name, name) for name in buildings)]
    if form.website.data:
        abort(400)
    if form.validate_on_submit():
        stored = []
        try:
            with db.session.begin_nested():  # a refused photo takes its ticket with it
                ticket = services.report(None, compound, form.data_for_service(), TicketSource.public_link)
                key = codes.issue_confirm_key(ticket)
                if form.photo.data:
                    stored.append(attachments.attach(None, ticket, form.photo.data.stream, form.photo.data.filename))
            db.session.commit()
        except DomainError as error:
            attachments.discard(stored)
            show_refusal(form, error)
            return render_template("tickets/public_report.html", compound=compound, form=form), error.status
        # The receipt: the only page that shows the key, reached through the reporter's private link.
        return redirect(url_for("tickets_public.track", tracking_code=ticket.tracking_code, key=key, new=1))
    status = 422 if request.method == "POST" else 200
    return render_template("tickets/public_report.html", compound=compound, form=form), status


@bp.route("/c/<code>/qr.svg")
def qr(code: str):
    compound = _compound(code)
    buffer = io.BytesIO()
    segno.make(public_url(compound.code), error="m").save(buffer, kind="svg", scale=8, border=2, title=compound.name)
    return Response(buffer.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})


@bp.route("/c/<code>/poster")
def poster(code: str):
    compound = _compound(code)
    return render_template("tickets/public_poster.html", compound=compound, url=public_url(compound.code))


@bp.route("/track", methods=["GET"])
def track_lookup():
    code = (request.args.get("code") or "").strip().upper()
    if code:
        return redirect(url_for("tickets_public.track", tracking_code=code))
    return render_template("tickets/public_lookup.html")


@bp.route("/track/<tracking_code>", methods=["GET"])
@limiter.limit(_track_limit)
def track(tracking_code: str):
    ticket = services.must_see(services.by_tracking_code(tracking_code))
    return _track_page(ticket, ConfirmForm(prefix="confirm"), ReopenForm(prefix="reopen"))


@bp.route("/track/<tracking_code>/confirm", methods=["POST"])
@limiter.limit(_report_limit)
def confirm(tracking_code: str):
    ticket = services.must_see(services.by_tracking_code(tracking_code))
    form = ConfirmForm(prefix="confirm")
    if not form.validate_on_submit():
        return _track_page(ticket, form, ReopenForm(prefix="reopen"), 422)
    return _move(
        ticket,
        S.closed,
        form,
        ReopenForm(prefix="reopen"),
        satisfaction=int(form.satisfaction.data),
        comment=form.comment.data,
        confirm_key=form.confirm_key.data,
    )


@bp.route("/track/<tracking_code>/reopen", methods=["POST"])
@limiter.limit(_report_limit)
def reopen(tracking_code: str):
    ticket = services.must_see(services.by_tracking_code(tracking_code))
    form = ReopenForm(prefix="reopen")
    if not form.validate_on_submit():
        return _track_page(ticket, ConfirmForm(prefix="confirm"), form, 422)
    return _move(
        ticket, S.reopened, form, ConfirmForm(prefix="confirm"), note=form.note.data, confirm_key=form.confirm_key.data
    )


@bp.route("/track/<tracking_code>/photos/<int:attachment_id>", methods=["GET"])
@limiter.limit(_track_limit)
def photo(tracking_code: str, attachment_id: int):
    ticket = services.must_see(services.by_tracking_code(tracking_code))
    record = next((p for p in public_progress.after_photos(ticket) if p.id == attachment_id), None)
    if record is None:
        abort(404)
    return attachments.send(record)


def _move(ticket, to: S, form, other, **fields):
    try:
        with db.session.begin_nested():
            services.transition(None, ticket, to, **fields)
        db.session.commit()
    except DomainError as error:
        show_refusal(form, error)
        forms = (form, other) if to == S.closed else (other, form)
        return _track_page(ticket, *forms, error.status)
    return redirect(url_for("tickets_public.track", tracking_code=ticket.tracking_code))


def _private_key() -> str | None:
    """The key of the reporter's private link, offered back in the forms (it is checked on POST)."""
    key = (request.args.get("key") or "").strip()
    return key[:32] if key.isalnum() else None


def _track_page(ticket, confirm_form, reopen_form, status: int = 200):
    can_reopen = (
        ticket.status == S.resolved and ticket.resolved_at is not None and now() <= ticket.resolved_at + REOPEN_WINDOW
    )
    key = _private_key()
    for form in (confirm_form, reopen_form):
        if key and not form.confirm_key.data:
            form.confirm_key.data = key
    return render_template(
        "tickets/public_track.html",
        ticket=ticket,
        steps=public_progress.steps_of(ticket),
        note=public_progress.resolution_note(ticket),
        photos=public_progress.after_photos(ticket),
        compound=db.session.get(Compound, ticket.compound_id),
        confirm_form=confirm_form,
        reopen_form=reopen_form,
        can_reopen=can_reopen,
        new=request.args.get("new"),
        key=key if request.args.get("new") else None,
        private_link=_absolute("tickets_public.track", tracking_code=ticket.tracking_code, key=key) if key else None,
    ), status
