"""Nothing about a published period changes: a guard on every flush, whatever code path (service,
admin, shell) tries it. PostgreSQL also refuses it below the ORM (a trigger, see the migration).

Publishing itself writes the rows' snapshots first and turns the period published in a later
flush, so the guard can be simple: a period that was published before the flush may not change,
and no row of a period that is published may be added, changed or deleted."""

from __future__ import annotations

from flask import has_request_context
from flask_babel import gettext
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from pm_app.errors import Conflict
from pm_app.locks import locked
from pm_app.rankings.models import Adjustment, Appeal, PeriodState, RankingPeriod, RankingResult, ResultCompound


def _(text: str, **values) -> str:
    # The guard also runs in jobs, the shell and the CLI, where there is no request to pick a language.
    return gettext(text, **values) if has_request_context() else text % values


GUARDED = (RankingPeriod, RankingResult, ResultCompound, Adjustment, Appeal)


def refuse_published(period: RankingPeriod) -> None:
    """409 for any change to a published period: a correction is a new publication."""
    if period.state == PeriodState.published:
        raise Conflict(
            _("Period %(code)s is published and can no longer change; publish a correction instead.", code=period.code),
            {"period": [_("published")]},
        )


def lock_open(period: RankingPeriod) -> RankingPeriod:
    """The period's row locked for the transaction and re-read, then refused if published. Every
    change to a period starts here, so a deduction racing the publication waits for it and gets
    the 409 above instead of tripping the database's freeze trigger (a 500)."""
    period = locked(period)
    refuse_published(period)
    return period


def _published_before(period: RankingPeriod) -> bool:
    history = inspect(period).attrs.state.history
    return (history.deleted[0] if history.deleted else period.state) == PeriodState.published


def _period_of(session: Session, obj) -> RankingPeriod | None:
    if isinstance(obj, ResultCompound):
        result = session.get(RankingResult, obj.result_id) if obj.result_id else None
        return result.period if result else None
    return session.get(RankingPeriod, obj.period_id) if obj.period_id else None


@event.listens_for(Session, "before_flush")
def _guard(session: Session, _context, _instances) -> None:
    for obj in (*session.dirty, *session.deleted, *session.new):
        if not isinstance(obj, GUARDED) or (obj in session.dirty and not session.is_modified(obj)):
            continue
        if isinstance(obj, RankingPeriod):
            if obj not in session.new and _published_before(obj):
                raise Conflict(
                    _(
                        "Period %(code)s is published and can no longer change; publish a correction instead.",
                        code=obj.code,
                    ),
                    {"period": [_("published")]},
                )
            continue
        period = _period_of(session, obj)
        if period is not None:
            refuse_published(period)
