"""The `firm_blacklisted` alert: a firm on the black list of the latest publication, for the firm,
the street offices of the compounds it served in the period, and the regulator.

Raised by the publish service itself (`announce_blacklist`), so the firm hears the day the list
goes out; the daily sweep catches up on anything missed and resolves the alerts of firms that a
correction or the next period takes off the list."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from pm_app.alerts.rules import Finding, alert_rule
from pm_app.common.clock import today
from pm_app.extensions import db
from pm_app.org.models import Compound
from pm_app.rankings.models import RankingResult, ResultCompound
from pm_app.rankings.public import publications

RULE = "firm_blacklisted"


@alert_rule(RULE, "A property firm is on the black list of the latest published ranking")
def firm_blacklisted(_as_of: date, _at: datetime) -> list[Finding]:
    current = publications()
    if not current:
        return []
    period = current[0]
    results = list(
        db.session.scalars(
            select(RankingResult).where(RankingResult.period_id == period.id, RankingResult.list_name == "black")
        )
    )
    streets: dict[int, set[int]] = {}
    for result_id, street_id in db.session.execute(
        select(ResultCompound.result_id, Compound.street_id)
        .join(Compound, Compound.id == ResultCompound.compound_id)
        .where(ResultCompound.result_id.in_([r.id for r in results]))
    ):
        streets.setdefault(result_id, set()).add(street_id)
    findings = []
    for result in results:
        why = "一票否决" if result.veto else f"{result.grade}，{result.score} 分"
        audiences = (
            ("firm", result.firm_id),
            ("regulator", 0),
            *(("street", s) for s in sorted(streets.get(result.id, ()))),
        )
        # Keyed by firm and period, not by result: a correction that keeps the firm listed
        # keeps the one alert instead of telling everyone again.
        findings.append(
            Finding(
                "firm",
                result.firm_id,
                f"{result.firm_name}：列入 {period.code} 物业企业黑榜（{why}）",
                severity="critical",
                stage=period.code,
                firm_id=result.firm_id,
                audiences=audiences,
            )
        )
    return findings


def announce_blacklist() -> None:
    from pm_app.alerts.sweeps import apply_rule

    apply_rule(RULE, today())
