"""Committee lifecycle: register an elected committee with its members, record its filing with
the street office, and read a compound's status and history. Functions flush; the request commits.

Member count (业主大会议事规则 practice, design §2): an odd number from 5 to 11, or 3 for a
compound under 100 households (counted from its registered households).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from pm_app.auth.models import Role
from pm_app.committees.models import Committee, CommitteeKind, CommitteeMember, MemberRole
from pm_app.committees.status import ATTENDANT_KINDS, FILING_DAYS, status_columns
from pm_app.common.clock import today
from pm_app.errors import Conflict, DomainError
from pm_app.extensions import db
from pm_app.locks import insert_or_conflict, locked
from pm_app.org.models import Compound, Household
from pm_app.org.services import can_manage_compound, ensure
from pm_app.warranties.dates import add_years

MAX_TERM_YEARS = 5
SMALL_COMPOUND_HOUSEHOLDS = 100


@dataclass
class CommitteeStatus:
    status: str
    committee: Committee | None
    kind: CommitteeKind | None
    as_of: date

    @property
    def days_to_term_end(self) -> int | None:
        return (self.committee.term_end - self.as_of).days if self.committee else None


def household_count(compound_id: int) -> int:
    return db.session.scalar(select(func.count(Household.id)).where(Household.compound_id == compound_id)) or 0


def member_count_problem(count: int, households: int) -> str | None:
    """Why `count` members is not allowed for a compound of `households`, or None."""
    if count % 2 == 1 and 5 <= count <= 11:
        return None
    if count == 3 and households < SMALL_COMPOUND_HOUSEHOLDS:
        return None
    return _(
        "A committee has an odd number of members from 5 to 11 (3 only for a compound under "
        "%(small)d households; this one has %(households)d); got %(count)d.",
        small=SMALL_COMPOUND_HOUSEHOLDS,
        households=households,
        count=count,
    )


def can_register(user, compound: Compound) -> bool:
    """Committees are registered (备案) by the compound's street office, or the city."""
    return can_manage_compound(user, compound)


def register_committee(user, compound: Compound, data: dict) -> Committee:
    ensure(can_register(user, compound), _l("register committees for this compound"))
    years = data["term_years"]
    if not 1 <= years <= MAX_TERM_YEARS:
        raise DomainError(
            _("term_years: a term is 1 to 5 years"),
            {"term_years": [_("A committee's term is at most %(max)d years.", max=MAX_TERM_YEARS)]},
        )
    members = data["members"]
    # A supervision committee is made of representatives (seed 004 §九(九): "街道、社区的工作人员及居民
    # 代表、物业公司代表、驻区相关单位代表"), not owners elected to it: the count rule is not its.
    if CommitteeKind(data["kind"]) in ATTENDANT_KINDS:
        problem = None if members else _("A committee has at least one member.")
    else:
        problem = member_count_problem(len(members), household_count(compound.id))
    if problem:
        raise DomainError(problem, {"members": [problem]})
    if sum(m["role"] == MemberRole.chair for m in members) > 1:
        message = _("A committee has one chair.")
        raise DomainError(message, {"members": [message]})
    elected = data["elected_on"]
    filed = data.get("filed_on")
    if filed is not None and filed < elected:
        raise DomainError(_("filed_on is before the election"), {"filed_on": [_("Must be on or after the election.")]})
    if (
        db.session.scalar(
            select(Committee.id).where(Committee.compound_id == compound.id, Committee.elected_on == elected)
        )
        is not None
    ):
        raise Conflict(
            _("This compound already has a committee elected on %(day)s.", day=elected),
            {"elected_on": [_("already registered")]},
        )
    committee = Committee(
        compound_id=compound.id,
        kind=CommitteeKind(data["kind"]),
        elected_on=elected,
        term_years=years,
        term_end=add_years(elected, years),
        filed_on=filed,
        created_by_id=getattr(user, "id", None),
    )
    committee.members = [
        CommitteeMember(name=m["name"], role=MemberRole(m["role"]), phone=m.get("phone")) for m in members
    ]
    # (compound, elected_on) is unique: a twin registration sent at once gets the same 409.
    return insert_or_conflict(
        committee,
        lambda: Conflict(
            _("This compound already has a committee elected on %(day)s.", day=elected),
            {"elected_on": [_("already registered")]},
        ),
    )


def record_filing(user, committee: Committee, filed_on: date) -> Committee:
    compound = db.session.get(Compound, committee.compound_id)
    ensure(can_register(user, compound), _l("record this committee's filing"))
    committee = locked(committee)  # twin filings: the second waits, then finds it recorded (409)
    if committee.filed_on is not None:
        raise Conflict(_("The filing was already recorded on %(day)s.", day=committee.filed_on))
    if filed_on < committee.elected_on:
        raise DomainError(_("filed_on is before the election"), {"filed_on": [_("Must be on or after the election.")]})
    committee.filed_on = filed_on
    db.session.flush()
    return committee


def filing_due(committee: Committee) -> date:
    return committee.elected_on + timedelta(days=FILING_DAYS)


def filing_overdue(committee: Committee, as_of: date) -> bool:
    return committee.filed_on is None and as_of > filing_due(committee)


def status_of(compound_id: int, as_of: date | None = None) -> CommitteeStatus:
    as_of = as_of or today()
    status, kind, committee_id, joins = status_columns(as_of)
    row = db.session.execute(
        joins(select(status, kind, committee_id).select_from(Compound)).where(Compound.id == compound_id)
    ).one()
    committee = db.session.get(Committee, row.committee_id) if row.committee_id else None
    return CommitteeStatus(row.status, committee, CommitteeKind(row.kind) if row.kind else None, as_of)


def history(compound_id: int) -> list[Committee]:
    """Every committee of the compound, newest election first."""
    return list(
        db.session.scalars(
            select(Committee).where(Committee.compound_id == compound_id).order_by(Committee.elected_on.desc())
        )
    )


def sees_member_contacts(user) -> bool:
    """Members' phones: for the street office that registers them and the city; masked for others."""
    return user.role in (Role.admin, Role.regulator, Role.street_officer)
