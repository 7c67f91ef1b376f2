"""Who sees what of the rankings outside the public page.

- the regulator and the administrator: everything, drafts included;
- a firm's staff: its own results, awards, deductions and appeals once the period is in review
  (its draft score, to check and appeal) and after publication; nothing of a draft still being
  computed, and nothing of other firms (the public page has their published results);
- a street office and a city's regulator (issue 30): read-only, the same for the firms that served
  their compounds in the period (the rankings are run for the whole deployment);
- contractors and committee members: nothing here (the public page is theirs).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, select, true

from pm_app.auth.models import Role
from pm_app.auth.scope import scope_clause, scope_rule
from pm_app.org.scope import compound_ids
from pm_app.rankings.models import (
    Adjustment,
    Appeal,
    PeriodState,
    RankingPeriod,
    RankingResult,
    ResultCompound,
    ScoringScheme,
)

SHOWN = (PeriodState.review, PeriodState.published)


@scope_rule(ScoringScheme)
def _scheme(user) -> ColumnElement[bool]:
    return (
        true()
        if user.sees_whole_city or user.role in (Role.regulator, Role.street_officer, Role.firm_staff)
        else false()
    )


@scope_rule(RankingPeriod)
def _period(user) -> ColumnElement[bool]:
    if user.sees_whole_city:
        return true()
    if user.role in (Role.regulator, Role.street_officer, Role.firm_staff):
        return RankingPeriod.state.in_(SHOWN)
    return false()


@scope_rule(RankingResult)
def _result(user) -> ColumnElement[bool]:
    if user.sees_whole_city:
        return true()
    shown = RankingResult.period_id.in_(select(RankingPeriod.id).where(RankingPeriod.state.in_(SHOWN)))
    if user.role == Role.firm_staff and user.firm_id:
        return shown & (RankingResult.firm_id == user.firm_id)
    if user.role in (Role.street_officer, Role.regulator):
        return shown & exists(
            select(ResultCompound.id).where(
                ResultCompound.result_id == RankingResult.id, ResultCompound.compound_id.in_(compound_ids(user))
            )
        )
    return false()


@scope_rule(ResultCompound)
def _result_compound(user) -> ColumnElement[bool]:
    if user.sees_whole_city:
        return true()
    return ResultCompound.result_id.in_(select(RankingResult.id).where(scope_clause(RankingResult, user)))


def _with_result(model):
    def rule(user) -> ColumnElement[bool]:
        if user.sees_whole_city:
            return true()
        return exists(
            select(RankingResult.id).where(
                RankingResult.period_id == model.period_id,
                RankingResult.firm_id == model.firm_id,
                scope_clause(RankingResult, user),
            )
        )

    return rule


scope_rule(Adjustment)(_with_result(Adjustment))
scope_rule(Appeal)(_with_result(Appeal))
