"""The admin's pages for a province deployment (issue 30): the cities, and which city a regulator
sees. Same blueprint and rule as the user pages: 404 for everyone but the admin."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from pm_app.auth import services
from pm_app.auth.admin_views import bp
from pm_app.auth.forms import CityForm, RegulatorCityForm
from pm_app.auth.models import Role, User
from pm_app.common.forms import report
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.org import services as org_services
from pm_app.org.models import City, District

FIELD_ERRORS = {"name": _l("A city of this name already exists."), "city_id": _l("Choose an existing city.")}


@bp.route("/cities", methods=["GET", "POST"])
def cities():
    form = CityForm()
    if form.validate_on_submit():
        try:
            city = org_services.create_city(form.name.data)
        except DomainError as error:
            _report(form, error)
        else:
            db.session.commit()
            flash(_("City %(name)s created.", name=city.name), "success")
            return redirect(url_for("admin.cities"))
    districts = dict(db.session.execute(select(District.city_id, func.count()).group_by(District.city_id)).all())
    regulators = dict(
        db.session.execute(
            select(User.city_id, func.count())
            .where(User.role == Role.regulator, User.city_id.is_not(None))
            .group_by(User.city_id)
        ).all()
    )
    rows = [
        (city, districts.get(city.id, 0), regulators.get(city.id, 0))
        for city in db.session.scalars(select(City).order_by(City.name))
    ]
    return render_template("admin/cities.html", form=form, rows=rows), 422 if form.errors else 200


@bp.route("/users/<int:user_id>/city", methods=["GET", "POST"])
def regulator_city(user_id: int):
    user = db.get_or_404(User, user_id)
    if user.role != Role.regulator:
        abort(404)  # only a regulator is scoped by city
    form = RegulatorCityForm(city_id=user.city_id)
    form.city_id.choices = city_choices()
    if form.validate_on_submit():
        try:
            services.scope_regulator(user, form.city_id.data)
        except DomainError as error:
            _report(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "%(name)s now sees %(scope)s.",
                    name=user.username,
                    scope=user.city.name if user.city else _("every city"),
                ),
                "success",
            )
            return redirect(url_for("admin.users"))
    return render_template("admin/user_city.html", form=form, user=user), 422 if form.errors else 200


def city_choices() -> list[tuple[str, str]]:
    """ "" is the province (every city); then each city by name."""
    return [("", _("Every city (the province)"))] + [
        (str(city.id), city.name) for city in db.session.scalars(select(City).order_by(City.name))
    ]


def _report(form, error: DomainError) -> None:
    for field, problems in (error.errors or {}).items():
        target = getattr(form, field, None)
        if target is not None:
            target.errors = [*target.errors, str(FIELD_ERRORS.get(field, "; ".join(problems)))]
    if not error.errors:
        report(form, error)
