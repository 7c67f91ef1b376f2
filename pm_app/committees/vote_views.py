"""The compound's maintenance-fund votes (维修资金表决): every vote with whether it meets Civil
Code Art. 278 and what is left to draw on it, and the form with which the committee (or its
street office) records one. A draw on the accounts page then picks a passing vote by its subject."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from pm_app.committees import fund
from pm_app.committees.majorities import DRAWABLE, MAJORITIES, MAJORITY, MATTERS, owner_count
from pm_app.committees.models import FundVote
from pm_app.committees.views import compound_or_404
from pm_app.committees.vote_forms import VoteForm
from pm_app.common.forms import report
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.org.services import compound_counts

bp = Blueprint("fund_votes", __name__)


@bp.route("/compounds/<int:compound_id>/fund-votes", methods=["GET", "POST"])
@login_required
def page(compound_id: int):
    compound = compound_or_404(compound_id)
    may_record = fund.can_record_vote(current_user, compound)
    form = VoteForm(prefix="vote") if may_record else None
    status = 200
    if form is not None and form.is_submitted():
        if form.validate():
            try:
                vote = fund.record_vote(current_user, compound, form.data_for_service())
            except DomainError as error:
                db.session.rollback()
                report(form, error)
            else:
                db.session.commit()
                passed = fund.failed_threshold(vote) is None
                flash(
                    _("Vote No. %(id)d recorded: it meets Civil Code Art. 278.", id=vote.id)
                    if passed
                    else _(
                        "Vote No. %(id)d recorded: it does not meet Civil Code Art. 278, so nothing may be drawn on "
                        "it.",
                        id=vote.id,
                    ),
                    "success" if passed else "error",
                )
                return redirect(url_for(".page", compound_id=compound.id))
        status = 422
    elif form is None and request.method == "POST":
        abort(403)
    votes = list(
        db.session.scalars(
            select(FundVote)
            .where(FundVote.compound_id == compound.id)
            .order_by(FundVote.voted_on.desc(), FundVote.id.desc())
        )
    )
    drawn = fund.drawn_by_vote([vote.id for vote in votes])
    rows = [_row(vote, drawn.get(vote.id, 0)) for vote in votes]
    # What the vote is judged against, beside the form: the two-thirds turnout is counted from these.
    counts = compound_counts([compound.id]).get(compound.id) or {"floor_area_dm2": 0, "households": 0}
    area, owners = counts["floor_area_dm2"], owner_count(compound.id)
    base = {
        "area": _m2(area),
        "households": counts["households"],
        "owners": owners,
        "area_part": _m2(-(-area * 2 // 3)),
        "owners_part": -(-owners * 2 // 3),
    }  # two-thirds, rounded up
    return render_template(
        "committees/fund_votes.html",
        compound=compound,
        rows=rows,
        form=form,
        base=base,
        balance=fund.balance(compound.id),
        rules=[(MATTERS[m], MAJORITIES[MAJORITY[m]]) for m in MATTERS],
    ), status


def _row(vote: FundVote, drawn_fen: int) -> dict:
    failed = fund.failed_threshold(vote)
    owners = fund.heads_base(vote)
    return {
        "vote": vote,
        "matter": MATTERS[vote.matter],
        "majority": MAJORITIES[MAJORITY[vote.matter]],
        "passed": failed is None,
        "why": fund.refusal(failed, vote) if failed else "",
        "drawable": failed is None and vote.matter in DRAWABLE,
        "drawn": drawn_fen,
        "left": vote.amount_fen - drawn_fen,
        "owners": owners,
        "area_share": _share(vote.approving_area_dm2, vote.participating_area_dm2),
        "owner_share": _share(vote.approving_households, vote.participating_households),
        "turnout_area": _share(vote.participating_area_dm2, vote.total_area_dm2),
        "turnout_owners": _share(vote.participating_households, owners),
    }


def _m2(dm2: int) -> str:
    """An area kept in dm² as the form takes it, in m² with two places (100 dm² = 1 m²)."""
    return f"{dm2 // 100}.{dm2 % 100:02d}"


def _share(part: int, whole: int) -> str:
    """A share as the page shows it, half up to one place ("76.3%")."""
    if not whole:
        return "—"
    return f"{(Decimal(part * 100) / whole).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
