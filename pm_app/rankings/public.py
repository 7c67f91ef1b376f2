"""What the public sees: published periods only, whatever the state of later revisions or
drafts. Every query here filters on `state = published` itself rather than trusting a caller."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import defer

from pm_app.extensions import db
from pm_app.rankings.models import PeriodState, RankingPeriod, RankingResult


def _published():
    return select(RankingPeriod).where(RankingPeriod.state == PeriodState.published)


# What the lists and the homes read of a result: not the indicators and the snapshot, JSON that
# took 8 ms of the regulator's home to decode for the black list's twelve periods. Touching them
# raises, so a page that needs them asks for the full rows instead of lazy-loading each one.
SUMMARY = (defer(RankingResult.indicators, raiseload=True), defer(RankingResult.snapshot, raiseload=True))


def publications() -> list[RankingPeriod]:
    """The current publication of each period (its highest published revision), latest first."""
    # without the scheme's snapshot: loaded (one statement) for the one period a page shows it of
    rows = list(
        db.session.scalars(
            _published()
            .options(defer(RankingPeriod.scheme_snapshot))
            .order_by(
                RankingPeriod.ends_on.desc(),
                RankingPeriod.starts_on.desc(),
                RankingPeriod.code,
                RankingPeriod.revision.desc(),
            )
        )
    )
    seen, current = set(), []
    for period in rows:
        if period.code not in seen:
            seen.add(period.code)
            current.append(period)
    return current


def publication(code: str | None) -> RankingPeriod | None:
    """The given period's current publication, or the latest period's when none is given."""
    if code is None:
        found = publications()
        return found[0] if found else None
    return db.session.scalar(
        _published().where(RankingPeriod.code == code).order_by(RankingPeriod.revision.desc()).limit(1)
    )


def results_of(period: RankingPeriod, summary: bool = False) -> list[RankingResult]:
    """The period's results in rank order; `summary`: without their indicators (see SUMMARY)."""
    if period.state != PeriodState.published:
        return []
    return list(
        db.session.scalars(
            select(RankingResult)
            .where(RankingResult.period_id == period.id)
            .options(*(SUMMARY if summary else ()))
            .order_by(RankingResult.rank.is_(None), RankingResult.rank, RankingResult.firm_name)
        )
    )


def firm_history(firm_id: int) -> list[tuple[RankingPeriod, RankingResult]]:
    """The firm's result in each current publication, oldest first (for its chart)."""
    current = {p.id: p for p in publications()}
    if not current:
        return []
    rows = db.session.scalars(
        select(RankingResult).where(RankingResult.firm_id == firm_id, RankingResult.period_id.in_(list(current)))
    )
    found = [(current[r.period_id], r) for r in rows]
    return sorted(found, key=lambda pr: (pr[0].ends_on, pr[0].starts_on))


def blacklist_history(limit: int = 12) -> list[tuple[RankingPeriod, list[RankingResult]]]:
    """The black-listed firms of each of the latest `limit` current publications, oldest first; a
    period with nobody on the list is kept, with no firms. Two statements however many periods."""
    current = publications()[:limit]
    if not current:
        return []
    black: dict[int, list[RankingResult]] = {}
    for result in db.session.scalars(
        select(RankingResult)
        .where(RankingResult.period_id.in_([p.id for p in current]), RankingResult.list_name == "black")
        .options(*SUMMARY)
        .order_by(RankingResult.rank.is_(None), RankingResult.rank, RankingResult.firm_name)
    ):
        black.setdefault(result.period_id, []).append(result)
    return [(period, black.get(period.id, [])) for period in reversed(current)]


def veto_reasons(result: RankingResult) -> list[str]:
    """Why a veto black-listed the firm: the reasons of its veto deductions that counted, as the
    publication froze them (the snapshot), so the public reads what was decided, not a later edit."""
    return [a["reason"] for a in (result.snapshot or {}).get("adjustments", []) if a["veto"] and not a["void"]]


def lists_of(results: list[RankingResult]) -> tuple[list[RankingResult], list[RankingResult]]:
    red = [r for r in results if r.list_name == "red"]
    black = [r for r in results if r.list_name == "black"]
    return red, black
