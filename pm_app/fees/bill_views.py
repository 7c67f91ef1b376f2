"""The bill page: the bill, its payments (reversals shown as such) and waivers, and the forms
that record a payment, reverse one, or waive part of the bill.

The payment form carries an idempotency key drawn when the form is rendered, so its second
submit (a double click, a reload after POST) replays the first payment instead of adding one.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pm_app.common import clock
from pm_app.common.confirm import ask, confirmed
from pm_app.common.forms import report
from pm_app.common.money import yuan_display
from pm_app.common.privacy import mask_name
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.fees import page_args, payments, queries
from pm_app.fees.forms import PaymentForm, ReversalForm, WaiverForm, new_key
from pm_app.fees.models import Bill, Payment, PaymentMethod
from pm_app.org.models import Compound
from pm_app.org.services import sees_personal_data

bp = Blueprint("bills", __name__)


# The city's clock on every page (common.clock); registered here, the first page that needed it.
bp.add_app_template_filter(clock.city_time, "city_time")
bp.add_app_template_filter(clock.city_day, "city_day")
bp.add_app_template_filter(clock.city_seconds, "city_seconds")


@bp.route("/bills/<int:bill_id>")
@login_required
def bill(bill_id: int):
    return _page(page_args.visible_or_404(Bill, bill_id))


@bp.route("/bills/<int:bill_id>/payments", methods=["POST"])
@login_required
def pay(bill_id: int):
    bill = _collectable(bill_id)
    form = PaymentForm(prefix="payment")
    if form.validate_on_submit():
        try:
            result = payments.record_payment(
                current_user,
                bill_id=bill.id,
                amount_fen=form.amount.fen,
                method=PaymentMethod(form.method.data),
                paid_at=form.paid_at_aware,
                key=form.key.data,
            )
        except DomainError as error:
            report(form, error)
            if error.status == 409:
                form.key.data = new_key()  # that key is spent on another payment: this is a new one
            return _page(bill, payment_form=form, status=error.status if error.status == 409 else 422)
        db.session.commit()
        if result.replayed:
            flash(_("This payment was already recorded; sending the form again did not record it twice."), "success")
        else:
            flash(_("Payment of %(amount)s yuan recorded.", amount=yuan_display(result.payment.amount_fen)), "success")
        return redirect(url_for(".bill", bill_id=bill.id))
    return _page(bill, payment_form=form, status=422)


@bp.route("/bills/<int:bill_id>/payments/<int:payment_id>/reversal", methods=["POST"])
@login_required
def reverse(bill_id: int, payment_id: int):
    bill = _collectable(bill_id)
    payment = page_args.visible_or_404(Payment, payment_id)
    if payment.bill_id != bill.id:
        abort(404)
    form = ReversalForm(prefix="reversal")
    if form.validate_on_submit():
        if not confirmed():
            return ask(
                _("Reverse the payment of %(amount)s yuan?", amount=yuan_display(payment.amount_fen)),
                _(
                    "A reversal cannot be undone: the bill owes this amount again and the payment stays on "
                    "the record as reversed; money taken again is a new payment."
                ),
                url_for(".bill", bill_id=bill.id),
            )
        try:
            payments.reverse_payment(current_user, payment, form.reason.data)
        except DomainError as error:
            report(form, error)
            return _page(bill, reversal_form=form, reversal_of=payment.id, status=error.status)
        db.session.commit()
        flash(_("Payment of %(amount)s yuan reversed.", amount=yuan_display(payment.amount_fen)), "success")
        return redirect(url_for(".bill", bill_id=bill.id))
    return _page(bill, reversal_form=form, reversal_of=payment.id, status=422)


@bp.route("/bills/<int:bill_id>/waivers", methods=["POST"])
@login_required
def waive(bill_id: int):
    bill = _collectable(bill_id)
    form = WaiverForm(prefix="waiver")
    if form.validate_on_submit():
        try:
            waiver = payments.waive(
                current_user, bill.id, form.amount.fen, form.reason.data, form.approved_by.data, key=form.key.data
            )
        except DomainError as error:
            report(form, error)
            if error.status == 409:
                form.key.data = new_key()
            return _page(bill, waiver_form=form, status=error.status if error.status == 409 else 422)
        db.session.commit()
        flash(_("%(amount)s yuan waived.", amount=yuan_display(waiver.amount_fen)), "success")
        return redirect(url_for(".bill", bill_id=bill.id))
    return _page(bill, waiver_form=form, status=422)


def _collectable(bill_id: int) -> Bill:
    """404 for a bill the caller cannot see, then 403 for one it sees but may not collect on."""
    bill = page_args.visible_or_404(Bill, bill_id)
    if not payments.can_collect(current_user, bill):
        abort(403)
    return bill


def _page(bill: Bill, payment_form=None, reversal_form=None, reversal_of=None, waiver_form=None, status=200):
    rows = queries.payments_of(current_user, bill.id)
    household = bill.household
    owner = (
        household.owner_name if sees_personal_data(current_user, bill.compound_id) else mask_name(household.owner_name)
    )
    return render_template(
        "fees/bill.html",
        bill=bill,
        household=household,
        compound=db.session.get(Compound, bill.compound_id),
        owner=owner or "",
        payments=rows,
        reversed_ids={p.reversal_of_id for p in rows if p.reversal_of_id},
        waivers=payments.waivers_of(bill.id),
        may_collect=payments.can_collect(current_user, bill),
        # The forms not being submitted are drawn fresh (formdata=None: this POST is not theirs).
        payment_form=payment_form or PaymentForm(formdata=None, prefix="payment", key=new_key()),
        reversal_form=reversal_form or ReversalForm(formdata=None, prefix="reversal"),
        reversal_of=reversal_of,
        waiver_form=waiver_form or WaiverForm(formdata=None, prefix="waiver", key=new_key()),
    ), status
