"""The compound's accounts page: balances, the chain check, a month's statement (and its
CSV/XLSX), income vs expense by month, the entries with their queries, and the forms with which
the firm posts and answers and the committee asks."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from pm_app.auth.scope import visible, visible_or_404
from pm_app.committees import anchors, charts, entries, fee_books, fund, ledger, queries, statements
from pm_app.committees.forms import AnswerForm, EntryForm, QueryForm, ReverseForm
from pm_app.committees.models import LedgerEntry, LedgerQuery
from pm_app.committees.views import compound_or_404
from pm_app.common.clock import today
from pm_app.common.forms import report
from pm_app.common.listing import page_number, page_of
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.fees.services import PeriodError, download, parse_period, period_of, shift
from pm_app.org.models import Compound

bp = Blueprint("accounts", __name__)

CHART_MONTHS = 12


@bp.route("/compounds/<int:compound_id>/accounts")
@login_required
def page(compound_id: int):
    shown = _page(compound_or_404(compound_id))
    db.session.commit()  # the anchor the statement printed is recorded
    return shown


@bp.route("/compounds/<int:compound_id>/accounts/statement.<any(csv, xlsx):fmt>")
@login_required
def export_statement(compound_id: int, fmt: str):
    compound = compound_or_404(compound_id)
    month = _month(compound.id)
    anchor = anchors.issue(compound.id, month, current_user, fmt)
    rows = statements.statement_table(
        statements.statement(compound.id, month), anchor, fee_books.fee_check(compound.id, month)
    )
    db.session.commit()  # the anchor printed in the file is recorded
    return download(
        fmt,
        statements.STATEMENT_COLUMNS,
        rows,
        f"statement-{compound.code}-{month}",
        _("Statement of accounts %(month)s", month=month),
        compound.name,
    )


@bp.route("/compounds/<int:compound_id>/accounts/entries", methods=["POST"])
@login_required
def post_entry(compound_id: int):
    compound = compound_or_404(compound_id)
    if not entries.can_post(current_user, compound):
        abort(403)
    form = EntryForm(prefix="entry").with_votes(fund.vote_choices(compound.id))
    if form.validate_on_submit():
        try:
            entry = entries.post_entry(current_user, compound, form.data_for_service())
        except DomainError as error:
            report(form, error)
        else:
            db.session.commit()
            flash(_("Entry %(seq)d posted.", seq=entry.seq), "success")
            return redirect(url_for(".page", compound_id=compound.id, month=period_of(entry.entry_date)))
    return _page(compound, entry_form=form, status=422)


@bp.route("/compounds/<int:compound_id>/accounts/entries/<int:entry_id>/reverse", methods=["POST"])
@login_required
def reverse(compound_id: int, entry_id: int):
    compound = compound_or_404(compound_id)
    entry = _entry(compound.id, entry_id)
    if not entries.can_post(current_user, compound):
        abort(403)
    form = ReverseForm(prefix=f"reverse-{entry.id}")
    if not form.validate_on_submit():
        flash(_("Say why the entry is reversed."), "error")
    else:
        try:
            done = entries.post_entry(
                current_user,
                compound,
                {"reversal_of": entry.id, "entry_date": today(), "description": form.reason.data},
            )
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Entry %(seq)d reversed by entry %(new)d.", seq=entry.seq, new=done.seq), "success")
    return redirect(url_for(".page", compound_id=compound.id) + "#entries")


@bp.route("/compounds/<int:compound_id>/accounts/entries/<int:entry_id>/queries", methods=["POST"])
@login_required
def raise_query(compound_id: int, entry_id: int):
    compound = compound_or_404(compound_id)
    entry = _entry(compound.id, entry_id)
    if not queries.can_raise(current_user, compound):
        abort(403)
    form = QueryForm(prefix=f"query-{entry.id}")
    if form.validate_on_submit():
        queries.raise_query(current_user, entry, form.question.data)
        db.session.commit()
        flash(_("Your question was sent to the firm."), "success")
    else:
        flash(_("Write a question of 2 to 2000 characters."), "error")
    return redirect(url_for(".page", compound_id=compound.id, month=period_of(entry.entry_date)) + f"#entry-{entry.id}")


@bp.route("/compounds/<int:compound_id>/accounts/queries/<int:query_id>/answer", methods=["POST"])
@login_required
def answer(compound_id: int, query_id: int):
    compound = compound_or_404(compound_id)
    query = visible_or_404(LedgerQuery, query_id)
    if query.compound_id != compound.id:
        abort(404)
    if not entries.can_post(current_user, compound):
        abort(403)
    form = AnswerForm(prefix=f"answer-{query.id}")
    if form.validate_on_submit():
        try:
            queries.answer_query(current_user, query, form.answer.data)
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Answer recorded."), "success")
    else:
        flash(_("Write an answer of 2 to 2000 characters."), "error")
    return redirect(url_for(".page", compound_id=compound.id) + f"#entry-{query.entry_id}")


def _entry(compound_id: int, entry_id: int) -> LedgerEntry:
    entry = db.session.scalar(
        visible(LedgerEntry, current_user).where(LedgerEntry.id == entry_id, LedgerEntry.compound_id == compound_id)
    )
    if entry is None:
        abort(404)
    return entry


def _month(compound_id: int) -> str:
    """The month asked for; by default the last month with entries (an empty current month
    showed nothing the committee came to read), or this month while the books are empty."""
    raw = request.args.get("month") or statements.last_month(compound_id) or period_of(today())
    try:
        return parse_period(raw)
    except PeriodError:
        abort(400)


def _paper_anchor():
    """The anchor a reader typed from a statement they hold (anchor_seq, anchor_hash), if any."""
    try:
        return anchors.held(request.args.get("anchor_seq"), request.args.get("anchor_hash")), {}
    except DomainError as error:
        return None, error.errors


def _page(compound, entry_form=None, status=200):
    month = _month(compound.id)
    paper, paper_errors = _paper_anchor()
    flows = statements.monthly_flows(compound.id, shift(month, 1 - CHART_MONTHS), month)
    listed = page_of(
        visible(LedgerEntry, current_user)
        .where(LedgerEntry.compound_id == compound.id)
        .options(selectinload(LedgerEntry.queries))
        .order_by(LedgerEntry.seq.desc()),
        page_number(request.args),
    )
    may_post = entries.can_post(current_user, compound)
    reversed_ids = set(
        db.session.scalars(
            visible(LedgerEntry, current_user)
            .with_only_columns(LedgerEntry.reversal_of_id)
            .where(LedgerEntry.compound_id == compound.id, LedgerEntry.reversal_of_id.is_not(None))
        )
    )
    return render_template(
        "committees/accounts.html",
        compound=compound,
        month=month,
        prev_month=shift(month, -1),
        next_month=shift(month, 1),
        balances=statements.balances(compound.id),
        statement=statements.statement(compound.id, month),
        check=ledger.verify(compound.id, paper),
        flows=flows,
        paper=paper,
        paper_errors=paper_errors,
        anchor=anchors.issue(compound.id, month, current_user, "page"),
        figure=charts.income_expense(flows, _("Income and expense, last %(n)d months", n=CHART_MONTHS)),
        entries=listed,
        reversed_ids=reversed_ids,
        may_post=may_post,
        may_query=queries.can_raise(current_user, compound),
        fees=fee_books.fee_check(compound.id, month),
        entry_form=entry_form
        or (
            EntryForm(formdata=None, prefix="entry", entry_date=today()).with_votes(fund.vote_choices(compound.id))
            if may_post
            else None
        ),
        query_form=QueryForm,
        answer_form=AnswerForm,
        reverse_form=ReverseForm,
    ), status


@bp.route("/accounts/queries")
@login_required
def queries_list():
    """The ledger queries the reader follows, across compounds: those the books' keeper owes an
    answer to (answered here), or, for a committee member, those awaiting the keeper's answer.
    `open=1` (the home's link) keeps the unanswered."""
    open_only = request.args.get("open") in ("1", "true", "on")
    listed = page_of(
        queries.listed(current_user, open_only).options(selectinload(LedgerQuery.entry)), page_number(request.args)
    )
    compounds = {
        c.id: c
        for c in db.session.scalars(
            visible(Compound, current_user).where(Compound.id.in_({q.compound_id for q in listed.items}))
        )
    }
    may_answer = {cid for cid, c in compounds.items() if entries.can_post(current_user, c)}
    return render_template(
        "committees/queries.html",
        page=listed,
        open_only=open_only,
        compounds=compounds,
        may_answer=may_answer,
        answer_form=AnswerForm,
        period_of=period_of,
    )
