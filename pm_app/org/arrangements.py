"""The management arrangement: the body that manages a compound under its management mode, and
the gaps when there is none (issue 26).

Seed 004 §六(一) asks each renovated compound to "确定改造后的管理模式及具体单位" — a mode *and*
the body that carries it out — and §九(五) puts off renovation without one: "未能确定改造后管理
模式的小区，暂缓改造". Seed 002 names what happens when the body goes: "最终降低服务标准或直接撤离
弃管，形成恶性循环".

The body is the party of the compound's service contract (org.parties: a property firm, the
compound's 自管会, or its street office for 街道社区托管), with the contract's start and end as
its dates: one record of who manages and collects, not a second table that could disagree with
the first. A community's residents' committee acts through its street office here; the street
office is the party that signs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app, has_request_context
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from pm_app.extensions import db
from pm_app.org import parties
from pm_app.org.models import Compound, Firm, ManagementMode, ServiceContract

# Which kinds of managing body each mode admits. A 准物业 compound is looked after at a lower
# standard by whoever the street arranges: a firm, the street or community itself, or the owners.
MODE_PARTIES: dict[ManagementMode, frozenset[str]] = {
    ManagementMode.professional: frozenset({parties.FIRM}),
    ManagementMode.quasi: frozenset({parties.FIRM, parties.STREET, parties.COMMITTEE}),
    ManagementMode.street_entrusted: frozenset({parties.STREET}),
    ManagementMode.self_managed: frozenset({parties.COMMITTEE}),
    ManagementMode.none: frozenset(),
}
# The modes under which a property firm serves the compound: where its leaving is a walk-out.
FIRM_MODES = (ManagementMode.professional, ManagementMode.quasi)
# Seed 004 §九(五), quoted in the refusal and on the pages.
DEFER_RULE = "未能确定改造后管理模式的小区，暂缓改造"
DEFER_SOURCE = "吉市政办发〔2020〕5号 §九(五)"


def walkout_days() -> int:
    """Days without a body after a firm's last contract before firm_withdrawn fires."""
    return current_app.config["FIRM_WITHDRAWN_DAYS"]


@dataclass(frozen=True)
class Walkout:
    compound_id: int
    compound_name: str
    street_id: int
    firm_id: int
    firm_name: str
    ended_on: date  # the last day of the firm's last contract
    days: int  # days since, on the day asked

    @property
    def text(self) -> str:
        return _(
            "%(firm)s: no managing body since its contract ended on %(day)s, %(days)d days ago.",
            firm=self.firm_name,
            day=self.ended_on.isoformat(),
            days=self.days,
        )


def walkouts(as_of: date, compound_ids=None, longer_than: int = 0) -> list[Walkout]:
    """Compounds whose mode says a firm serves them, whose last contract was a firm's and ended
    more than `longer_than` days before `as_of`, with nothing in force on `as_of`. One statement
    whatever the number of compounds; `compound_ids` (a list or a select of ids) narrows it."""
    # Contracts of a compound never overlap, so the one that started last before as_of is its
    # latest; if it has ended, nothing is in force.
    started = (
        select(ServiceContract.compound_id, func.max(ServiceContract.start_date).label("start"))
        .where(ServiceContract.start_date <= as_of)
        .group_by(ServiceContract.compound_id)
    )
    if compound_ids is not None:
        started = started.where(ServiceContract.compound_id.in_(compound_ids))
    latest = started.subquery()
    rows = db.session.execute(
        select(Compound.id, Compound.name, Compound.street_id, Firm.id, Firm.name, ServiceContract.end_date)
        .join(latest, latest.c.compound_id == Compound.id)
        .join(
            ServiceContract,
            (ServiceContract.compound_id == Compound.id) & (ServiceContract.start_date == latest.c.start),
        )
        .join(Firm, Firm.id == ServiceContract.firm_id)
        .where(Compound.management_mode.in_(FIRM_MODES), ServiceContract.end_date < as_of)
        .order_by(ServiceContract.end_date, Compound.id)
    )
    found = [
        Walkout(cid, name, street_id, firm_id, firm, end, (as_of - end).days)
        for cid, name, street_id, firm_id, firm, end in rows
    ]
    return [w for w in found if w.days > longer_than]


@dataclass(frozen=True)
class Arrangement:
    """A compound's managing body on a day: the contract in force, else the next one to start."""

    mode: ManagementMode
    contract: ServiceContract | None
    in_force: bool
    # Seed 004 §九(五): the mode is not none and a body it admits is in force or to start.
    decided: bool

    @property
    def party(self) -> parties.Party | None:
        return parties.of_contract(self.contract)

    @property
    def fits(self) -> bool:
        return self.party is not None and self.party.kind in MODE_PARTIES[self.mode]


def arrangement_of(compound: Compound, on: date) -> Arrangement:
    contract = db.session.scalar(
        select(ServiceContract)
        .where(ServiceContract.compound_id == compound.id, ServiceContract.end_date >= on)
        # the page names the body: read it along, so every kind of body costs the same statements
        .options(joinedload(ServiceContract.firm), joinedload(ServiceContract.street))
        .order_by(ServiceContract.start_date)
        .limit(1)
    )
    return Arrangement(
        compound.management_mode,
        contract,
        contract is not None and contract.start_date <= on,
        compound.id not in undecided([compound.id], on),
    )


def mismatch(arrangement: Arrangement) -> str | None:
    """What is wrong between the mode and the contracts in force, in a sentence; None if nothing."""
    mode, party = arrangement.mode, arrangement.party if arrangement.in_force else None
    if mode == ManagementMode.none:
        return (
            _("The mode says no property service, yet a managing body is in force; update the mode.")
            if party is not None
            else None
        )
    if party is None:
        return _("The mode names a managing body, but none is in force.")
    if party.kind not in MODE_PARTIES[mode]:
        return _(
            "The body in force (%(party)s) is not one this mode admits (%(admitted)s).",
            party=party_label(party.kind),
            admitted="、".join(party_label(k) for k in sorted(MODE_PARTIES[mode])),
        )
    return None


def party_label(kind: str) -> str:
    return {
        parties.FIRM: _("a property firm"),
        parties.COMMITTEE: _("the self-management committee (自管会)"),
        parties.STREET: _("the street office (entrusted)"),
    }[kind]


def undecided(compound_ids, on: date) -> set[int]:
    """Of these compounds, those with no arrangement decided on `on` (mode none, or no body the
    mode admits in force or to start): one statement, for the projects list's flag."""
    ids = set(compound_ids)
    if not ids:
        return set()
    modes = dict(db.session.execute(select(Compound.id, Compound.management_mode).where(Compound.id.in_(ids))).all())
    bodies: dict[int, set[str]] = {}
    for cid, firm_id, committee_id, _street_id in db.session.execute(
        select(
            ServiceContract.compound_id,
            ServiceContract.firm_id,
            ServiceContract.committee_id,
            ServiceContract.street_id,
        ).where(ServiceContract.compound_id.in_(ids), ServiceContract.end_date >= on)
    ):
        kind = (
            parties.FIRM if firm_id is not None else parties.COMMITTEE if committee_id is not None else parties.STREET
        )
        bodies.setdefault(cid, set()).add(kind)
    return {cid for cid, mode in modes.items() if not (bodies.get(cid, set()) & MODE_PARTIES[mode])}


def refusal(compound: Compound) -> tuple[str, str]:
    """The 422 of a renovation project for a compound with nothing decided, quoting the rule, and
    the problem to put on `compound_id`. In English without a request (jobs, the CLI, the seed)."""
    values = {"compound": compound.name, "source": DEFER_SOURCE, "rule": DEFER_RULE}
    if not has_request_context():
        return (
            f"{compound.name} has no management arrangement decided: its mode and the body that carries it "
            f"out must be settled before renovation. {DEFER_SOURCE}: “{DEFER_RULE}”.",
            f"has no management arrangement decided ({DEFER_SOURCE})",
        )
    return (
        _(
            "%(compound)s has no management arrangement decided: its mode and the body that carries it out "
            "(a contract in force or to start) must be settled before renovation. %(source)s: “%(rule)s”.",
            **values,
        ),
        _("has no management arrangement decided (%(source)s)", source=DEFER_SOURCE),
    )


def flag(projects: list, on: date) -> list:
    """Mark each renovation project with whether its compound has an arrangement decided on `on`
    (the projects list's flag), with one query for the lot."""
    missing = undecided({p.compound_id for p in projects}, on)
    for project in projects:
        project.arrangement_decided = project.compound_id not in missing
    return projects
