"""The street office's 12345 page (/tickets/import/hotline): upload the platform's export, assign or
skip the orders no compound matched (the file stays on the server meanwhile), see what was created;
and the 办结回复 download (/tickets/hotline-replies.xlsx|csv) to paste back into the platform."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField

from pm_app.auth.scope import get_visible
from pm_app.common.cells import scope_of
from pm_app.common.listing import day_arg
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.jobs import import_targets
from pm_app.org.models import Street
from pm_app.org.services import ensure
from pm_app.tickets import hotline, hotline_replies, hotline_store, queries
from pm_app.tickets.labels import SOURCES
from pm_app.tickets.list_views import QUEUE_ROLES

bp = Blueprint("hotline", __name__)
ASSIGN = "assign:"  # the review form's field of an order is ASSIGN + its order number


def target(street_id: int | None, user) -> import_targets.Target:
    """The street whose compounds the orders are matched in (None: all the caller's): an office
    that receives the platform's orders (else 403), a street it sees (else 404)."""
    ensure(hotline.can_import(user), _l("import 12345 orders"))
    street = get_visible(Street, street_id, user) if street_id is not None else None
    return import_targets.Target(street, street.name if street else "", street.id if street else None)


import_targets.register(
    "hotline",
    target,
    lambda _i: url_for("hotline.upload"),
    lambda _i: url_for("ticket_lists.board", source=hotline.SOURCE),
)


class UploadForm(FlaskForm):
    file = FileField(_l("12345 export (XLSX or CSV UTF-8)"), validators=[FileRequired(_l("Choose a file."))])
    street_id = SelectField(_l("Match within"), choices=[], validate_choice=False)


class ReviewForm(FlaskForm):
    token = HiddenField()
    street_id = HiddenField()


@bp.route("/tickets/import/hotline", methods=["GET", "POST"])
@login_required
def upload():
    ensure(hotline.can_import(current_user), _l("import 12345 orders"))
    streets = queries.visible_streets(current_user)
    form, review = UploadForm(), ReviewForm()
    form.street_id.choices = [("", str(_l("All my compounds")))] + [(str(i), name) for i, name in streets.items()]
    context = {
        "form": form,
        "review": review,
        "result": None,
        "refusal": None,
        "unmatched": None,
        "chosen": {},
        "compounds": [],
        "gone": False,
        "undecided": 0,
    }
    if request.method != "POST":
        return _page(context, 200)
    if "token" in request.form:
        if not review.validate_on_submit():
            abort(400)
        token, street = review.token.data, review.street_id.data
        stream = hotline_store.load(current_user.id, token)
        if stream is None:
            context["gone"] = True
            return _page(context, 422)
    elif form.validate_on_submit():
        street = form.street_id.data or ""
        token = hotline_store.keep(current_user.id, form.file.data.stream)
        stream = hotline_store.load(current_user.id, token)
    else:
        return _page(context, 422)
    street_id = int(street) if street.isdigit() and int(street) in streets else None
    chosen = {key[len(ASSIGN) :]: value for key, value in request.form.items() if key.startswith(ASSIGN) and value}
    try:
        context["result"] = hotline.import_orders(current_user, stream, chosen, street_id)
        db.session.commit()
        hotline_store.forget(current_user.id, token)
        return _page(context, 200)
    except hotline.UnmatchedOrders as exc:
        review.token.data, review.street_id.data = token, street_id or ""
        context.update(
            unmatched=exc.review,
            undecided=len(exc.unmatched),
            chosen=chosen,
            compounds=hotline.compounds_in_scope(current_user, street_id),
        )
    except DomainError as exc:
        if exc.status != 422:
            raise
        hotline_store.forget(current_user.id, token)
        context["refusal"] = exc
    return _page(context, 422)


def _page(context: dict, status: int):
    return render_template(
        "tickets/hotline_import.html",
        hotline_label=SOURCES[hotline.SOURCE],
        max_bytes=current_app.config.get("MAX_CONTENT_LENGTH"),
        **context,
    ), status


@bp.route("/tickets/hotline-replies.<any(csv, xlsx):fmt>")
@login_required
def export_replies(fmt: str):
    if current_user.role in QUEUE_ROLES:
        abort(404)
    rows = hotline_replies.replies(
        current_user, day_arg(request.args, "created_from"), day_arg(request.args, "created_to")
    )
    return hotline_replies.download(fmt, rows, scope_of(current_user))
