"""A ranking period's life: draft (compute as often as needed) → review (the firms see their
draft score and deductions and may appeal) → published (frozen). A correction of a published
period is a new period of the same code, one revision up, that starts as a draft."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from pm_app.common.clock import now, today
from pm_app.common.inputs import InputError, token
from pm_app.errors import Conflict, DomainError
from pm_app.extensions import db
from pm_app.locks import insert_or_conflict, locked
from pm_app.org.services import ensure
from pm_app.rankings import notices, scores
from pm_app.rankings.freeze import lock_open
from pm_app.rankings.models import (
    Adjustment,
    Appeal,
    AppealState,
    PeriodState,
    RankingPeriod,
    RankingResult,
    ResultCompound,
)
from pm_app.rankings.schemes import current_scheme, scheme_dict

CODE = re.compile(r"(20[0-9]{2})(?:Q([1-4]))?", re.ASCII)


def can_run(user) -> bool:
    """The city's regulator (and the administrator) run the rankings."""
    return user.sees_whole_city


def parse_code(code) -> str:
    """The period's one spelling (common.inputs.token: NFKC, ASCII digits, the whole text), so
    "20２６Q4" is 2026Q4 and "2026Q4\n" or "٢٠٢٦Q4" is refused: never a second 2026Q4."""
    try:
        return token(code, CODE, "period", "write a quarter (2026Q3) or a year (2026)")
    except InputError as exc:
        raise DomainError(
            _("A period is a quarter like 2026Q3 or a year like 2026."),
            {"period": [_("write a quarter (2026Q3) or a year (2026)")]},
        ) from exc


def dates_of(code: str) -> tuple[date, date]:
    match = CODE.fullmatch(parse_code(code))
    year, quarter = int(match.group(1)), match.group(2)
    if quarter is None:
        return date(year, 1, 1), date(year, 12, 31)
    first = date(year, 3 * int(quarter) - 2, 1)
    after = date(year + 1, 1, 1) if quarter == "4" else date(year, 3 * int(quarter) + 1, 1)
    return first, after - timedelta(days=1)


def create_period(user, code: str) -> RankingPeriod:
    ensure(can_run(user), _l("create ranking periods"))
    code = parse_code(code)
    starts_on, ends_on = dates_of(code)

    def exists() -> Conflict:
        return Conflict(
            _("Period %(code)s already exists; correct its publication instead.", code=code),
            {"period": [_("already exists")]},
        )

    if db.session.scalar(select(RankingPeriod.id).where(RankingPeriod.code == code)) is not None:
        raise exists()
    period = RankingPeriod(
        code=code,
        revision=1,
        starts_on=starts_on,
        ends_on=ends_on,
        state=PeriodState.draft,
        scheme_id=current_scheme().id,
        created_by_id=user.id,
    )
    return insert_or_conflict(period, exists)  # (code, revision 1) is unique: a twin request gets the 409


def compute(user, period: RankingPeriod) -> RankingPeriod:
    """Measure every firm again with the current scheme; only a draft is computed."""
    ensure(can_run(user), _l("compute rankings"))
    period = lock_open(period)
    if period.state != PeriodState.draft:
        raise Conflict(_("Only a draft is computed; this period is in review."), {"state": [period.state.value]})
    period.scheme_id = current_scheme().id
    db.session.execute(
        delete(ResultCompound).where(
            ResultCompound.result_id.in_(select(RankingResult.id).where(RankingResult.period_id == period.id))
        )
    )
    db.session.execute(delete(RankingResult).where(RankingResult.period_id == period.id))
    scores.measure_into(period)
    period.computed_at = now()
    db.session.flush()
    scores.rescore(period)
    return period


def open_review(user, period: RankingPeriod) -> RankingPeriod:
    ensure(can_run(user), _l("open rankings for review"))
    period = lock_open(period)
    if period.state != PeriodState.draft or period.computed_at is None:
        raise Conflict(_("Only a computed draft can go to review."), {"state": [period.state.value]})
    period.state, period.review_opened_on = PeriodState.review, today()
    period.appeal_deadline = today() + timedelta(days=period.scheme.appeal_days)
    db.session.flush()
    notices.review_opened(period)
    return period


def publish(user, period: RankingPeriod) -> RankingPeriod:
    """Freeze the period: every result keeps the awards and deductions that counted and the
    firm's name; the period keeps the scheme. Publishing closes the appeal window early."""
    ensure(can_run(user), _l("publish rankings"))
    period = lock_open(period)
    if period.state != PeriodState.review:
        raise Conflict(_("A period is published from review; open the review first."), {"state": [period.state.value]})
    refused = publish_refusal(period)
    if refused:
        raise Conflict(refused, {"ends_on": [period.ends_on.isoformat()]})
    pending = db.session.scalar(
        select(func.count(Appeal.id)).where(Appeal.period_id == period.id, Appeal.state == AppealState.pending)
    )
    if pending:
        raise Conflict(
            _("%(n)d appeal(s) are still undecided; decide them before publishing.", n=pending),
            {"appeals": [_("undecided")]},
        )
    scores.rescore(period)
    scores.freeze_results(period)
    db.session.flush()
    period.state, period.published_at, period.published_by_id = PeriodState.published, now(), user.id
    period.scheme_snapshot = scheme_dict(period.scheme)
    db.session.flush()
    from pm_app.rankings.rules import announce_blacklist

    announce_blacklist()
    return period


def publish_refusal(period: RankingPeriod) -> str | None:
    """Why the period cannot be published yet, or None. A quarter is ranked on the whole quarter:
    published while it still runs (Q4 on 6 December), the list would be judged on two months and
    the tickets of its last weeks would count nowhere. Its last day must be before today, in the
    city's calendar."""
    if period.ends_on >= today():
        return _(
            "A period is published only after it has ended: %(code)s ends on %(end)s; publish it from %(first)s.",
            code=period.code,
            end=period.ends_on.isoformat(),
            first=(period.ends_on + timedelta(days=1)).isoformat(),
        )
    return None


def correct(user, period: RankingPeriod) -> RankingPeriod:
    """A new draft of the same period, one revision up, with the awards and deductions that
    counted; the published one stays as it was, marked as corrected once the new one is out."""
    ensure(can_run(user), _l("correct published rankings"))
    period = locked(period)  # two corrections at once: the second waits, then finds the first
    if period.state != PeriodState.published:
        raise Conflict(
            _("Only a published period is corrected; change the draft instead."), {"state": [period.state.value]}
        )
    if db.session.scalar(select(RankingPeriod.id).where(RankingPeriod.corrects_id == period.id)) is not None:
        raise Conflict(_("A correction of this publication already exists."), {"period": [_("already corrected")]})
    revision = db.session.scalar(select(func.max(RankingPeriod.revision)).where(RankingPeriod.code == period.code))
    fixed = RankingPeriod(
        code=period.code,
        revision=revision + 1,
        corrects_id=period.id,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        state=PeriodState.draft,
        scheme_id=current_scheme().id,
        created_by_id=user.id,
    )
    db.session.add(fixed)
    db.session.flush()
    for old in db.session.scalars(
        select(Adjustment).where(Adjustment.period_id == period.id, Adjustment.void.is_(False))
    ):
        db.session.add(
            Adjustment(
                period_id=fixed.id,
                firm_id=old.firm_id,
                kind=old.kind,
                points=old.points,
                reason=old.reason,
                veto=old.veto,
                ticket_id=old.ticket_id,
                inspection_id=old.inspection_id,
                document=old.document,
                occurred_on=old.occurred_on,
                rectify_by=old.rectify_by,
                created_by_id=user.id,
            )
        )
    db.session.flush()
    return fixed
