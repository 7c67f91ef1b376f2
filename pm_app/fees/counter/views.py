"""The fee counter's pages (收费台): find a household, its account (户账) with the pay form, the
printable receipt (收据) and the cashier's day (日结). The rules are in fees.counter, receipts,
household_search and cashup; these views parse, render and commit."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from pm_app.auth.scope import scope_clause
from pm_app.common.cells import scope_of
from pm_app.common.clock import today
from pm_app.common.forms import report
from pm_app.common.inputs import InputError, parse_day, parse_int
from pm_app.common.money import fen_to_yuan, yuan_display
from pm_app.common.privacy import mask_name
from pm_app.errors import DomainError, NotFound
from pm_app.extensions import db
from pm_app.fees import page_args, payments
from pm_app.fees.counter import cashup, desk, household_search, receipts
from pm_app.fees.counter.forms import CounterPayForm, read_snapshot, snapshot
from pm_app.fees.forms import new_key
from pm_app.fees.models import Bill, BillStatus, Payment, PaymentMethod, Receipt, ReceiptLine, Waiver
from pm_app.fees.reports import exports
from pm_app.org.models import Compound, Household
from pm_app.org.services import sees_personal_data

bp = Blueprint("counter", __name__)
SEARCH_ROWS = 50
UNSETTLED = (BillStatus.unpaid, BillStatus.partial)


@bp.route("/counter")
@login_required
def search():
    q = (request.args.get("q") or "").strip()[:64]
    rows = []
    if q:
        query = household_search.query(current_user, q, _compound_id())
        rows = household_search.found_rows(current_user, db.session.execute(query.limit(SEARCH_ROWS)))
    return render_template("fees/counter.html", q=q, rows=rows, limit=SEARCH_ROWS)


@bp.route("/households/<int:household_id>/account")
@login_required
def account(household_id: int):
    household = page_args.visible_or_404(Household, household_id)
    return _account(household)


@bp.route("/households/<int:household_id>/account/payments", methods=["POST"])
@login_required
def pay(household_id: int):
    household = page_args.visible_or_404(Household, household_id)
    form = CounterPayForm()
    chosen = _chosen()
    if form.validate_on_submit():
        shown = read_snapshot(form.owed.data)
        try:
            if not chosen:
                raise DomainError(_("Tick the months to pay."), {"bill_ids": [_("choose at least one month")]})
            collected = desk.collect(
                current_user,
                household.id,
                amount_fen=form.amount.fen,
                method=PaymentMethod(form.method.data),
                key=form.key.data,
                bill_ids=chosen,
                payer_name=form.payer_name.data,
                expected_fen=sum(shown.get(bill_id, -1) for bill_id in chosen) if shown else None,
            )
        except DomainError as error:
            if error.status == 403:
                abort(403)
            report(form, error)
            if error.status == 409 and "Idempotency-Key" in error.errors:
                form.key.data = new_key()  # that key is spent on another payment: this is a new one
            return _account(household, form, chosen, status=409 if error.status == 409 else 422)
        db.session.commit()
        if collected.replayed:
            flash(_("This payment was already recorded; sending the form again did not record it twice."), "success")
        else:
            flash(
                _(
                    "Payment of %(amount)s yuan recorded; receipt %(number)s.",
                    amount=yuan_display(collected.amount),
                    number=collected.receipt.number,
                ),
                "success",
            )
        return redirect(url_for(".receipt", receipt_id=collected.receipt.id, print=1))
    return _account(household, form, chosen, status=422)


@bp.route("/receipts/<int:receipt_id>")
@login_required
def receipt(receipt_id: int):
    found = page_args.visible_or_404(Receipt, receipt_id)
    return render_template(
        "fees/receipt.html", receipt=receipts.printed(found), auto_print=request.args.get("print") == "1"
    )


@bp.route("/cash-up")
@login_required
def cash_up():
    day, cashier_id = _day_and_cashier()
    return render_template(
        "fees/cashup.html",
        day=cashup_of(day, cashier_id),
        cashiers=cashup.cashiers_of_day(current_user, day),
        methods=list(PaymentMethod),
    )


@bp.route("/cash-up.<any(csv, xlsx):fmt>")
@login_required
def export_cash_up(fmt: str):
    day, cashier_id = _day_and_cashier()
    found = cashup_of(day, cashier_id)
    return exports.download(
        fmt,
        exports.CASH_UP,
        found["receipts"],
        f"cash-up-{found['cashier_id']}-{day:%Y%m%d}",
        _("Cash-up"),
        scope_of(current_user),
        day,
    )


def cashup_of(day, cashier_id):
    try:
        return cashup.cash_up(current_user, day, cashier_id)
    except NotFound:
        abort(404)


def _day_and_cashier():
    try:
        day = parse_day(request.args["date"]) if request.args.get("date") else today()
        cashier_id = parse_int(request.args["cashier_id"], "cashier_id", 1) if request.args.get("cashier_id") else None
    except InputError:
        abort(404)
    return day, cashier_id


def _compound_id() -> int | None:
    try:
        return parse_int(request.args["compound_id"], "compound_id", 1) if request.args.get("compound_id") else None
    except InputError:
        return None


def _chosen() -> list[int]:
    return sorted(
        {
            int(value)
            for value in request.form.getlist("bill_ids")
            if value.isascii() and value.isdigit() and len(value) < 12
        }
    )


def _account(
    household: Household, form: CounterPayForm | None = None, chosen: list[int] | None = None, status: int = 200
):
    bills = list(
        db.session.scalars(select(Bill).where(Bill.household_id == household.id, scope_clause(Bill, current_user)))
    )
    # Oldest unpaid first, then the settled months, newest first.
    unsettled = sorted((b for b in bills if b.status in UNSETTLED), key=lambda b: (b.period, b.id))
    settled = sorted((b for b in bills if b.status not in UNSETTLED), key=lambda b: b.period, reverse=True)
    bill_ids = [b.id for b in bills]
    rows = list(db.session.scalars(select(Payment).where(Payment.bill_id.in_(bill_ids)).order_by(Payment.id)))
    on_receipt = dict(
        db.session.execute(
            select(ReceiptLine.payment_id, Receipt)
            .join(Receipt)
            .where(ReceiptLine.payment_id.in_([p.id for p in rows]))
        ).all()
    )
    waivers = list(db.session.scalars(select(Waiver).where(Waiver.bill_id.in_(bill_ids)).order_by(Waiver.id)))
    may_collect = bool(unsettled) and all(payments.can_collect(current_user, b) for b in unsettled)
    if form is None:
        form = CounterPayForm(
            formdata=None, key=new_key(), amount=fen_to_yuan(sum(b.outstanding_fen for b in unsettled))
        )
    if form.owed.data in (None, "") or status == 409:
        form.owed.data = snapshot(unsettled)  # a stale page is drawn afresh: what is owed now
    compound = db.session.get(Compound, household.compound_id)
    owner = household.owner_name if sees_personal_data(current_user, compound.id) else mask_name(household.owner_name)
    return render_template(
        "fees/account.html",
        household=household,
        compound=compound,
        owner=owner or "",
        unsettled=unsettled,
        settled=settled,
        payments=rows,
        on_receipt=on_receipt,
        periods={b.id: b.period for b in bills},
        reversed_ids={p.reversal_of_id for p in rows if p.reversal_of_id},
        waivers=waivers,
        form=form,
        chosen=set(chosen if chosen is not None else [b.id for b in unsettled]),
        owed_total=sum(b.outstanding_fen for b in unsettled),
        may_collect=may_collect,
    ), status
