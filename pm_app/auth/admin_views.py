"""User administration pages, for the admin role only. Everyone else gets 404, signed in or
not: the pages do not exist for them, so they learn nothing by probing."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from pm_app.auth import services
from pm_app.auth.forms import ActiveForm, PasswordResetForm, SignOutForm, UserForm
from pm_app.auth.models import ROLE_BINDING, Role, User
from pm_app.common.listing import page_number, page_of
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.org.labels import ROLES
from pm_app.org.models import City, Compound, Firm, FirmKind, Street

bp = Blueprint("admin", __name__, url_prefix="/admin")

# The service reports problems in English for the API; the page says them in the reader's language.
FIELD_ERRORS = {
    "username": _l("This username is already taken."),
    "password": _l("The password is too short."),
    "street_ids": _l("A street officer needs at least one existing street."),
    "firm_id": _l(
        "Choose a firm of the kind this role needs: a property firm for firm staff, a contractor for contractor staff."
    ),
    "compound_id": _l("A committee member needs a compound."),
    "city_id": _l("Only a regulator is scoped to a city, and the city must exist."),
}


@bp.before_request
def _admins_only():
    if not current_user.is_authenticated or current_user.role != Role.admin:
        abort(404)


@bp.route("/users")
def users():
    q = (request.args.get("q") or "").strip()[:64]
    query = (
        select(User)
        .options(selectinload(User.streets), joinedload(User.firm), joinedload(User.compound), joinedload(User.city))
        .order_by(User.username)
    )
    if q:
        query = query.where(User.username.ilike(f"%{q}%") | User.display_name.ilike(f"%{q}%"))
    return render_template(
        "admin/users.html",
        page=page_of(query, page_number(request.args)),
        q=q,
        active_form=ActiveForm(),
        sign_out_form=SignOutForm(),
    )


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = UserForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.username.data,
                form.password.data,
                form.role.data,
                street_ids=form.street_ids.data or [],
                firm_id=form.firm_id.data,
                compound_id=form.compound_id.data,
                display_name=form.display_name.data or None,
                city_id=form.city_id.data,
            )
        except DomainError as error:
            _report(form, error)
        else:
            db.session.commit()
            flash(_("User %(name)s created.", name=user.username), "success")
            return redirect(url_for("admin.users"))
    if form.errors:
        status = 422
    return render_template("admin/user_new.html", form=form, **_binding_choices()), status


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def set_active(user_id: int):
    user = db.get_or_404(User, user_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    active = form.active.data == "1"
    if user.id == current_user.id and not active:
        flash(_("You cannot disable your own account."), "error")
    else:
        services.set_active(user, active)
        db.session.commit()
        flash(
            _("User %(name)s enabled.", name=user.username)
            if active
            else _("User %(name)s disabled; their API tokens were revoked.", name=user.username),
            "success",
        )
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/sessions", methods=["POST"])
def end_sessions(user_id: int):
    """Sign a user out everywhere: a stolen cookie or token stops working at its next request."""
    user = db.get_or_404(User, user_id)
    if not SignOutForm().validate_on_submit():
        abort(400)
    services.end_sessions(user)
    db.session.commit()
    flash(_("%(name)s is signed out everywhere: every session and API token has ended.", name=user.username), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = PasswordResetForm()
    form.policy_username = user.username
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        db.session.commit()
        flash(_("Password of %(name)s reset.", name=user.username), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_password.html", form=form, user=user), 422 if form.errors else 200


def _report(form: UserForm, error: DomainError) -> None:
    for field, problems in (error.errors or {"_": [error.message]}).items():
        message = str(FIELD_ERRORS.get(field, "; ".join(problems)))
        target = getattr(form, field, None)
        if target is not None:
            target.errors = [*target.errors, message]
        else:
            form.form_errors.append(message)


def _binding_choices() -> dict:
    """What the binding selects offer: every street, property and contractor firms (grouped by
    kind so the page shows only the kind the chosen role needs), every compound."""
    firms = db.session.scalars(
        select(Firm).where(Firm.kind.in_([FirmKind.property, FirmKind.contractor])).order_by(Firm.kind, Firm.name)
    )
    by_kind: dict[FirmKind, list[Firm]] = {FirmKind.property: [], FirmKind.contractor: []}
    for firm in firms:
        by_kind[firm.kind].append(firm)
    return {
        "streets": list(db.session.scalars(select(Street).options(joinedload(Street.district)).order_by(Street.name))),
        "firms_by_kind": by_kind,
        "compounds": db.session.execute(
            select(Compound.id, Compound.code, Compound.name).order_by(Compound.code)
        ).all(),
        # A regulator may be scoped to one city (optional: none is every city).
        "role_binding": {role.value: need for role, need in ROLE_BINDING.items()} | {Role.regulator.value: "city"},
        "cities": list(db.session.scalars(select(City).order_by(City.name))),
        "firm_kind_for_role": {
            Role.firm_staff.value: FirmKind.property.value,
            Role.contractor_staff.value: FirmKind.contractor.value,
        },
        "roles": ROLES,
    }


from pm_app.auth import city_views  # noqa: E402,F401  (its routes join this blueprint)
