"""The page that bills a month for all the caller's compounds: choose the firm or street and the
month, see what will happen (which compounds, which month), confirm, and follow the job.

Choosing is a GET (the confirmation is a page one can reload or send to a colleague); only the
confirmed POST starts the job. The confirmation carries the number of compounds it showed: if
that changed before the click (a contract signed meanwhile), the page shows the new list again
instead of billing something the reader did not see.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import HiddenField, SelectField

from pm_app.auth.models import Role
from pm_app.auth.scope import visible
from pm_app.common.clock import today
from pm_app.common.confirm import confirmed
from pm_app.common.forms import report
from pm_app.errors import Conflict, DomainError, NotFound
from pm_app.extensions import db
from pm_app.fees.billing import bulk
from pm_app.fees.forms import GenerateForm
from pm_app.fees.periods import period_of
from pm_app.jobs import services as jobs
from pm_app.org.models import Firm, FirmKind, Street

bp = Blueprint("bulk_bills", __name__)


@bp.app_template_global()
def bill_skip_reason(code: str) -> str:
    return str(bulk.REASONS.get(code, code))


class BulkGenerateForm(GenerateForm):
    scope = SelectField(_l("Compounds of"))
    count = HiddenField()


@bp.route("/fees/generate", methods=["GET", "POST"])
@login_required
def choose():
    if current_user.role not in bulk.ROLES:
        abort(403)
    posted = request.method == "POST"
    form = BulkGenerateForm(
        formdata=request.form if posted else (request.args or None),
        meta={} if posted else {"csrf": False},
        period=period_of(today()),
    )
    form.scope.choices = scope_choices(current_user)
    if not (request.args or posted) or not form.validate():
        return _page(form, status=422 if (request.args or posted) else 200)
    try:
        selection = _selection(form)
        if posted and form.count.data == str(len(selection.compounds)) and not confirmed():
            return _page(form, selection=selection, unconfirmed=True, status=422)  # the box is required: say so
        if posted and form.count.data == str(len(selection.compounds)):
            job = bulk.start(current_user, selection)
            db.session.commit()
            jobs.launch(job.id)
            return redirect(url_for("jobs.job", job_id=job.id))
    except NotFound:
        abort(404)
    except Conflict as error:
        report(form, error)
        running = int(error.errors["job_id"][0]) if error.errors.get("job_id", [""])[0] else None
        return _page(form, running=running, status=409)
    except DomainError as error:
        report(form, error)
        return _page(form, status=422)
    changed = posted  # a POST whose count no longer matches: show the list as it is now
    form.count.data = str(len(selection.compounds))
    return _page(form, selection=selection, changed=changed)


def scope_choices(user) -> list[tuple[str, str]]:
    if user.role == Role.firm_staff:
        firm = db.session.get(Firm, user.firm_id) if user.firm_id else None
        return [(f"firm:{firm.id}", firm.name)] if firm else []
    streets = [(f"street:{s.id}", s.name) for s in db.session.scalars(visible(Street, user).order_by(Street.name))]
    if user.role == Role.street_officer:
        return [(key, name) for key, name in streets if int(key[7:]) in user.street_ids]
    firms = db.session.scalars(visible(Firm, user).where(Firm.kind == FirmKind.property).order_by(Firm.name))
    return streets + [(f"firm:{f.id}", f.name) for f in firms]


def _selection(form: BulkGenerateForm) -> bulk.Selection:
    kind, _sep, number = form.scope.data.partition(":")
    ids = {"firm_id": int(number)} if kind == "firm" else {"street_id": int(number)}
    return bulk.select_compounds(current_user, form.period.data, **ids)


def _page(form, selection=None, running=None, changed=False, unconfirmed=False, status=200):
    return render_template(
        "fees/bulk_generate.html",
        form=form,
        selection=selection,
        running=running,
        changed=changed,
        unconfirmed=unconfirmed,
        latest=bulk.latest_period(),
    ), status
