"""A compound's committee status, derived from the committees' dates as of a day, never stored:

- `none`: no committee has ever taken office and none is being prepared;
- `preparing`: no committee in office, and one is registered with an election date after the day
  (the preparatory group 筹备组 has fixed the election);
- `active`: the committee in office has more than 90 days of its term left;
- `re_election_due`: it has 1–90 days left (`term_end − day`);
- `expired`: the day is on or after its term end and no successor has been elected.

The committee in office is the compound's committee with the latest election date on or before
the day; its term ends on `term_end`, the first day out of office (`elected_on + term_years`,
29 February → 28 February). A renovation supervision committee (改造工作监督委员会) is none of
this: it sits beside the compound's committee for one renovation, so it neither takes office nor
ends a term (ATTENDANT_KINDS are left out everywhere here). One SQL expression serves a single compound, a street's coverage
page and the alert rules alike.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import and_, case, exists, func, literal, select
from sqlalchemy.orm import aliased

from pm_app.committees.models import Committee, CommitteeKind
from pm_app.org.models import Compound

# Seed 004 §九(九): "作为本小区改造的协调议事机构及监督机构" — not the compound's managing body.
ATTENDANT_KINDS = (CommitteeKind.supervision_committee,)
RE_ELECTION_DAYS = 90
FILING_DAYS = 30

STATUSES = {
    "none": _l("No committee"),
    "preparing": _l("Preparing"),
    # In context: a user account is 启用 when active and a warranty 已到期 when expired; a committee
    # is in office (在任) and its term has run out (任期已届满).
    "active": lazy_pgettext("committee", "Active"),
    "re_election_due": _l("Re-election due"),
    "expired": lazy_pgettext("committee", "Expired"),
}


def in_office(as_of):
    """compound_id → the election date of the committee in office on as_of (subquery)."""
    return (
        select(Committee.compound_id, func.max(Committee.elected_on).label("elected_on"))
        .where(Committee.elected_on <= as_of, governing(Committee))
        .group_by(Committee.compound_id)
        .subquery()
    )


def governing(committee):
    """The clause keeping the committees that govern a compound (not ATTENDANT_KINDS)."""
    return committee.kind.not_in(ATTENDANT_KINDS)


def status_columns(as_of, due_from=None):
    """(status, kind, committee id) of Compound as of a day, and the joins they need:
    use as `select(Compound.id, *cols).select_from(Compound)` then `joins(query)`.

    `as_of` is a date, or a bound parameter for a statement built once and run on many days;
    then `due_from` (the day RE_ELECTION_DAYS after it) must be one too."""
    if due_from is None:
        due_from = as_of + timedelta(days=RE_ELECTION_DAYS)
    office = in_office(as_of)
    current = aliased(Committee, name="current_committee")
    upcoming = aliased(Committee, name="upcoming_committee")
    later = and_(upcoming.compound_id == Compound.id, upcoming.elected_on > as_of, governing(upcoming))
    preparing = exists(select(upcoming.id).where(later))
    next_kind = select(upcoming.kind).where(later).order_by(upcoming.elected_on).limit(1).scalar_subquery()
    status = case(
        (and_(current.id.is_not(None), current.term_end > due_from), literal("active")),
        (and_(current.id.is_not(None), current.term_end > as_of), literal("re_election_due")),
        (preparing, literal("preparing")),
        (current.id.is_not(None), literal("expired")),
        else_=literal("none"),
    )
    kind = case((current.id.is_not(None), current.kind), else_=next_kind)

    def joins(query):
        return query.outerjoin(office, office.c.compound_id == Compound.id).outerjoin(
            current,
            and_(current.compound_id == Compound.id, current.elected_on == office.c.elected_on, governing(current)),
        )

    return status.label("status"), kind.label("kind"), current.id.label("committee_id"), joins
