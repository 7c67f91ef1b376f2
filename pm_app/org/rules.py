"""Alert rules of the organisation domain."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import aliased

from pm_app.alerts.rules import Finding, alert_rule, compound_audiences
from pm_app.extensions import db
from pm_app.org.models import Compound, ManagementMode, ServiceContract

CONTRACT_STAGES = ((30, "T-30", "critical"), (90, "T-90", "warning"))
UNMANAGED_AFTER_DAYS = 30


@alert_rule("contract_expiring", "A service contract ends within 90 days and no successor is registered")
def contract_expiring(as_of: date, _at: datetime) -> list[Finding]:
    successor = aliased(ServiceContract)
    rows = db.session.execute(
        select(
            ServiceContract.id,
            ServiceContract.end_date,
            ServiceContract.firm_id,
            Compound.id,
            Compound.street_id,
            Compound.name,
        )
        .join(Compound, Compound.id == ServiceContract.compound_id)
        .where(
            ServiceContract.end_date >= as_of,
            ServiceContract.end_date <= as_of + timedelta(days=CONTRACT_STAGES[-1][0]),
            ~exists(
                select(successor.id).where(
                    and_(
                        successor.compound_id == ServiceContract.compound_id,
                        successor.start_date > ServiceContract.end_date,
                    )
                )
            ),
        )
    )
    findings = []
    for contract_id, end, firm_id, compound_id, street_id, name in rows:
        days = (end - as_of).days
        _, stage, severity = next(s for s in CONTRACT_STAGES if days <= s[0])
        findings.append(
            Finding(
                "service_contract",
                contract_id,
                f"{name}：物业服务合同将于 {end} 到期（剩 {days} 天），尚无续签",
                severity=severity,
                stage=stage,
                compound_id=compound_id,
                firm_id=firm_id,
                due_on=end,
                audiences=compound_audiences(street_id, compound_id, firm_id),
            )
        )
    return findings


@alert_rule("compound_unmanaged", "A compound has had no management (mode none) for more than 30 days after acceptance")
def compound_unmanaged(as_of: date, _at: datetime) -> list[Finding]:
    rows = db.session.execute(
        select(Compound.id, Compound.street_id, Compound.name, Compound.acceptance_date).where(
            Compound.management_mode == ManagementMode.none,
            Compound.acceptance_date < as_of - timedelta(days=UNMANAGED_AFTER_DAYS),
        )
    )
    return [
        Finding(
            "compound",
            cid,
            f"{name}：竣工验收（{accepted}）后 {(as_of - accepted).days} 天仍无物业管理",
            severity="critical",
            compound_id=cid,
            due_on=accepted + timedelta(days=UNMANAGED_AFTER_DAYS),
            audiences=(("street", street_id), ("regulator", 0)),
        )
        for cid, street_id, name, accepted in rows
    ]


@alert_rule(
    "firm_withdrawn",
    "A compound served by a property firm has had no managing body for more than "
    "FIRM_WITHDRAWN_DAYS (30) days since the firm's last contract ended",
)
def firm_withdrawn(as_of: date, _at: datetime) -> list[Finding]:
    """Seed 002's walk-out: "最终降低服务标准或直接撤离弃管，形成恶性循环". Its own rule rather than a
    stage of compound_unmanaged: that one reads the declared mode (none) from acceptance, this one
    the contracts, and it clears when any body starts; keyed by the day the firm left (the stage),
    so a second walk-out years later is a new alert, not the old one reopened."""
    from pm_app.org.arrangements import walkout_days, walkouts

    days = walkout_days()
    return [
        Finding(
            "compound",
            w.compound_id,
            f"{w.compound_name}: {w.firm_name} 于 {w.ended_on} 合同到期后无管理单位，已 {w.days} 天",
            severity="critical",
            stage=w.ended_on.isoformat(),
            compound_id=w.compound_id,
            firm_id=w.firm_id,
            due_on=w.ended_on + timedelta(days=days + 1),
            audiences=(("street", w.street_id), ("regulator", 0)),
        )
        for w in walkouts(as_of, longer_than=days)
    ]
