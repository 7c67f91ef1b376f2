"""Alert rules of committees and accounts.

`committee_term_ending`: the committee in office (status.py) has 1–90 days of its term left →
stage `T-90` (warning); on and after its term end, while no successor has been elected, stage
`expired` (critical, supersedes T-90). Electing a successor clears it. To the street office and
the committee. The title names the kind by its short name ("自管会", "业委会", "临时业委会" …,
labels.SHORT_KINDS); a renovation supervision committee has no term to renew (status.ATTENDANT_KINDS).

`committee_missing`: a compound accepted (竣工验收, its handover) more than
`COMMITTEE_MISSING_DAYS` (default 365) days before the sweep day that has never had a committee
in office (one being prepared does not count yet; a temporary committee counts, a renovation
supervision committee does not). To the street office.

`maintenance_fund_missing`: an accepted compound (accepted on or before the sweep day) that has no
maintenance fund at all — no maintenance-fund deposit (`in`, not a reversal, not reversed) dated
on or before the sweep day. Civil Code Art. 281: "建筑物及其附属设施的维修资金，属于业主共有。经业主
共同决定，可以用于电梯、屋顶、外墙、无障碍设施等共有部分的维修、更新和改造"; without one, the
owners have nothing to vote a repair from (seed 004 §八(一) lists "物业维修资金" among the owners' share
of renovation money). Cleared when the first deposit is booked. To the street office.

`maintenance_fund_low`: the maintenance fund's balance on the sweep day is below 30 % of its
initial deposit — the compound's first maintenance-fund `in` entry that is not a reversal (the
deposit handed over when the fund was set up). Compared in integers: 10 × balance < 3 × deposit.
To the street office, the committee and the firm holding the current contract.

Each rule is one statement (plus one for the rows it flags, for the fund), whatever the city's size.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import aliased

from pm_app.alerts.rules import Finding, alert_rule, compound_audiences
from pm_app.committees.coverage import renovated_by
from pm_app.committees.labels import SHORT_KINDS
from pm_app.committees.models import Account, Committee, Direction, LedgerEntry
from pm_app.committees.status import RE_ELECTION_DAYS, governing, in_office
from pm_app.common.money import fen_to_yuan
from pm_app.extensions import db
from pm_app.org.models import Compound, ServiceContract

FUND_LOW_NUMERATOR, FUND_LOW_DENOMINATOR = 3, 10  # 30 %


@alert_rule(
    "committee_term_ending",
    "A committee's term ends within 90 days (T-90), or has ended with no successor elected (expired)",
)
def committee_term_ending(as_of: date, _at: datetime) -> list[Finding]:
    office = in_office(as_of)
    rows = db.session.execute(
        select(Committee.id, Committee.kind, Committee.term_end, Compound.id, Compound.street_id, Compound.name)
        .join(office, and_(office.c.compound_id == Committee.compound_id, office.c.elected_on == Committee.elected_on))
        .join(Compound, Compound.id == Committee.compound_id)
        .where(Committee.term_end <= as_of + timedelta(days=RE_ELECTION_DAYS))
        .order_by(Committee.id)
    )
    findings = []
    for committee_id, kind, end, compound_id, street_id, name in rows:
        days, short = (end - as_of).days, SHORT_KINDS[kind]
        if days > 0:
            stage, severity, title = (
                "T-90",
                "warning",
                f"{name}：{short}任期将于 {end} 届满（剩 {days} 天），请组织换届选举",
            )
        else:
            stage, severity, title = "expired", "critical", f"{name}：{short}任期已于 {end} 届满 {-days} 天，尚未换届"
        findings.append(
            Finding(
                "committee",
                committee_id,
                title,
                severity=severity,
                stage=stage,
                compound_id=compound_id,
                due_on=end,
                audiences=compound_audiences(street_id, compound_id),
            )
        )
    return findings


@alert_rule(
    "committee_missing",
    "An accepted compound has had no committee for more than COMMITTEE_MISSING_DAYS (default 365) days",
)
def committee_missing(as_of: date, _at: datetime) -> list[Finding]:
    days = current_app.config["COMMITTEE_MISSING_DAYS"]
    ever = exists(
        select(Committee.id).where(
            Committee.compound_id == Compound.id, Committee.elected_on <= as_of, governing(Committee)
        )
    )
    rows = db.session.execute(
        select(Compound.id, Compound.street_id, Compound.name, Compound.acceptance_date)
        .where(Compound.acceptance_date < as_of - timedelta(days=days), ~ever)
        .order_by(Compound.id)
    )
    return [
        Finding(
            "compound",
            cid,
            f"{name}：竣工验收（{accepted}）后 {(as_of - accepted).days} 天仍未成立业委会或自管会",
            compound_id=cid,
            due_on=accepted + timedelta(days=days),
            audiences=(("street", street_id),),
        )
        for cid, street_id, name, accepted in rows
    ]


@alert_rule("maintenance_fund_low", "A compound's maintenance fund is below 30 % of its initial deposit")
def maintenance_fund_low(as_of: date, _at: datetime) -> list[Finding]:
    fund = and_(LedgerEntry.account == Account.maintenance_fund, LedgerEntry.entry_date <= as_of)
    first = (
        select(LedgerEntry.compound_id, func.min(LedgerEntry.seq).label("seq"))
        .where(fund, LedgerEntry.direction == Direction.in_, LedgerEntry.reversal_of_id.is_(None))
        .group_by(LedgerEntry.compound_id)
        .subquery()
    )
    deposit = (
        select(LedgerEntry.compound_id, LedgerEntry.amount_fen.label("amount"))
        .join(first, and_(first.c.compound_id == LedgerEntry.compound_id, first.c.seq == LedgerEntry.seq))
        .subquery()
    )
    signed = case((LedgerEntry.direction == Direction.in_, LedgerEntry.amount_fen), else_=-LedgerEntry.amount_fen)
    held = (
        select(LedgerEntry.compound_id, func.sum(signed).label("balance"))
        .where(fund)
        .group_by(LedgerEntry.compound_id)
        .subquery()
    )
    firms = (
        select(ServiceContract.compound_id, func.min(ServiceContract.firm_id).label("firm_id"))
        .where(ServiceContract.start_date <= as_of, ServiceContract.end_date >= as_of)
        .group_by(ServiceContract.compound_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Compound.id, Compound.street_id, Compound.name, held.c.balance, deposit.c.amount, firms.c.firm_id)
        .join(held, held.c.compound_id == Compound.id)
        .join(deposit, deposit.c.compound_id == Compound.id)
        .outerjoin(firms, firms.c.compound_id == Compound.id)
        .where(FUND_LOW_DENOMINATOR * held.c.balance < FUND_LOW_NUMERATOR * deposit.c.amount)
        .order_by(Compound.id)
    )
    return [
        Finding(
            "compound",
            cid,
            f"{name}：专项维修资金余额 {fen_to_yuan(int(balance))} 元，低于首次缴存 {fen_to_yuan(amount)} 元的 30%",
            compound_id=cid,
            firm_id=firm_id,
            audiences=compound_audiences(street_id, cid, firm_id),
        )
        for cid, street_id, name, balance, amount, firm_id in rows
    ]


@alert_rule("maintenance_fund_missing", "An accepted compound has no maintenance fund at all")
def maintenance_fund_missing(as_of: date, _at: datetime) -> list[Finding]:
    reversal = aliased(LedgerEntry)
    deposit = exists(
        select(LedgerEntry.id).where(
            LedgerEntry.compound_id == Compound.id,
            LedgerEntry.account == Account.maintenance_fund,
            LedgerEntry.direction == Direction.in_,
            LedgerEntry.reversal_of_id.is_(None),
            LedgerEntry.entry_date <= as_of,
            ~exists(select(reversal.id).where(reversal.reversal_of_id == LedgerEntry.id)),
        )
    )
    rows = db.session.execute(
        select(Compound.id, Compound.street_id, Compound.name)
        .where(renovated_by(as_of), ~deposit)
        .order_by(Compound.id)
    )
    return [
        Finding(
            "compound",
            cid,
            f"{name}：尚未建立专项维修资金（账簿中没有维修资金缴存记录）",
            compound_id=cid,
            audiences=(("street", street_id),),
        )
        for cid, street_id, name in rows
    ]
