"""A compound's works and warranties page: its projects, its warranty items by state and
category with a chart of their ends, its joint inspections, and the forms that register a
project, add an item and record an inspection, for those who may manage the works."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from pm_app.auth.models import Role
from pm_app.auth.scope import visible, visible_or_404
from pm_app.common.clock import today
from pm_app.common.forms import report
from pm_app.common.listing import day_arg, page_number, page_of
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.org import arrangements
from pm_app.org.models import Compound, Firm, FirmKind
from pm_app.warranties import charts, inspections, page_queries, queries, services
from pm_app.warranties.forms import InspectionForm, ItemForm, ProjectForm, choices_from
from pm_app.warranties.labels import ITEM_STATES, works_label
from pm_app.warranties.models import RenovationProject, WarrantyItem
from pm_app.warranties.terms import term_text

bp = Blueprint("warranties", __name__)
bp.add_app_template_filter(works_label, "works_label")


@bp.route("/compounds/<int:compound_id>/works")
@login_required
def compound(compound_id: int):
    return _page(visible_or_404(Compound, compound_id))


@bp.route("/compounds/<int:compound_id>/works/projects", methods=["POST"])
@login_required
def create_project(compound_id: int):
    compound = _manageable(compound_id)
    form = _project_form(compound)
    if form.validate_on_submit():
        try:
            project = services.create_project(current_user, form.data_for_service(compound.id))
        except DomainError as error:
            report(form, error)
        else:
            db.session.commit()
            flash(_("Project “%(name)s” registered.", name=project.name), "success")
            return redirect(url_for("projects.project", project_id=project.id))
    return _page(compound, project_form=form, status=422)


@bp.route("/compounds/<int:compound_id>/works/items", methods=["POST"])
@login_required
def add_item(compound_id: int):
    compound = _manageable(compound_id)
    form = _item_form(compound)
    if form.validate_on_submit():
        project = db.session.get(RenovationProject, form.project_id.data)  # one of the choices: this compound's
        try:
            item = services.add_item(current_user, project, form.data_for_service())
        except DomainError as error:
            report(form, error)
        else:
            db.session.commit()
            flash(_("Warranty item added; its warranty ends on %(end)s.", end=item.warranty_end), "success")
            return redirect(url_for(".compound", compound_id=compound.id) + "#items")
    return _page(compound, item_form=form, status=422)


@bp.route("/compounds/<int:compound_id>/works/inspections", methods=["POST"])
@login_required
def record_inspection(compound_id: int):
    compound = _manageable(compound_id)
    form = _inspection_form(compound)
    if form.validate_on_submit():
        try:
            inspection = inspections.record_inspection(current_user, form.data_for_service(compound.id))
        except DomainError as error:
            report(form, error)
        else:
            db.session.commit()
            claims = sum(finding.in_warranty for finding in inspection.findings)
            flash(
                _(
                    "Inspection of %(day)s recorded; %(claims)d warranty claim(s) opened.",
                    day=inspection.inspected_on,
                    claims=claims,
                ),
                "success",
            )
            return redirect(url_for(".compound", compound_id=compound.id) + "#inspections")
    return _page(compound, inspection_form=form, status=422)


def _page(compound: Compound, project_form=None, item_form=None, inspection_form=None, status=200):
    args = request.args
    as_of = day_arg(args, "as_of") or today()
    chosen = {"state": _choice(args, "state", ITEM_STATES), "category": _choice(args, "category", _category_codes())}
    items = page_of(
        queries.items_query(current_user, {"compound_id": compound.id, **chosen}, as_of).options(
            joinedload(WarrantyItem.project)
        ),
        page_number(args),
    )
    queries.with_state(items.items, as_of)
    ends = page_queries.ends_by_category(current_user, compound.id, as_of)
    found, claims_opened = page_queries.inspections_of(current_user, compound.id)
    manage = services.can_manage_works(current_user, compound)
    return render_template(
        "warranties/compound.html",
        compound=compound,
        as_of=as_of,
        chosen=chosen,
        states=ITEM_STATES,
        categories=page_queries.categories(),
        projects=page_queries.projects_of(current_user, compound.id),
        items=items,
        ends=ends,
        figure=charts.warranty_ends(ends, as_of, _("Warranty ends by category")),
        inspections=found,
        claims_opened=claims_opened,
        may_manage=manage,
        project_form=project_form or (_project_form(compound, fresh=True) if manage else None),
        item_form=item_form or (_item_form(compound, fresh=True) if manage else None),
        inspection_form=inspection_form or (_inspection_form(compound, fresh=True) if manage else None),
        **_arrangement(compound),
    ), status


def _arrangement(compound: Compound) -> dict:
    """Seed 004 §九(五) above the project form: whether a project would be deferred, and who may override."""
    return {
        "arrangement_undecided": compound.id in arrangements.undecided([compound.id], today()),
        "defer_rule": arrangements.DEFER_RULE,
        "defer_source": arrangements.DEFER_SOURCE,
        "may_override": current_user.role == Role.regulator,
    }


def _manageable(compound_id: int) -> Compound:
    """404 for a compound the caller cannot see, then 403 if it may not manage its works."""
    compound = visible_or_404(Compound, compound_id)
    if not services.can_manage_works(current_user, compound):
        abort(403)
    return compound


def _project_form(compound: Compound, fresh: bool = False) -> ProjectForm:
    form = ProjectForm(formdata=None, prefix="project", year=today().year) if fresh else ProjectForm(prefix="project")
    firms = db.session.scalars(
        visible(Firm, current_user).where(Firm.kind.in_([FirmKind.contractor, FirmKind.supervisor])).order_by(Firm.name)
    ).all()
    form.contractor_id.choices = choices_from([f for f in firms if f.kind == FirmKind.contractor], _name, "—")
    form.supervisor_id.choices = choices_from([f for f in firms if f.kind == FirmKind.supervisor], _name, "—")
    return form


def _item_form(compound: Compound, fresh: bool = False) -> ItemForm:
    form = ItemForm(formdata=None, prefix="item") if fresh else ItemForm(prefix="item")
    form.project_id.choices = choices_from(
        page_queries.projects_of(current_user, compound.id), lambda p: f"{p.name} ({p.acceptance_date})", "—"
    )
    form.category.choices = [("", "—")] + [
        (c.code, _("%(name)s (at least %(term)s)", name=c.name, term=term_text(c.term_unit, c.min_years)))
        for c in page_queries.categories()
    ]
    return form


def _inspection_form(compound: Compound, fresh: bool = False) -> InspectionForm:
    form = (
        InspectionForm(formdata=None, prefix="inspection", inspected_on=today())
        if fresh
        else InspectionForm(prefix="inspection")
    )
    form.project_id.choices = choices_from(page_queries.projects_of(current_user, compound.id), _name, "—")
    items = db.session.scalars(queries.items_query(current_user, {"compound_id": compound.id}, today())).all()
    item_choices = choices_from(items, lambda i: f"{i.category.name} · {i.description} ({i.warranty_end})", "—")
    for entry in form.findings:
        entry.form.item_id.choices = item_choices
    return form


def _name(row) -> str:
    return row.name


def _category_codes() -> dict:
    return {c.code: c for c in page_queries.categories()}


def _choice(args, name: str, allowed) -> str | None:
    """An optional argument that must be one of `allowed`: empty is "any", anything else a 400."""
    value = args.get(name) or ""
    if value and value not in allowed:
        abort(400)
    return value or None
