"""The street office's committee coverage as the audit counts it (seed 003): "全市完成改造的1130个
老旧小区中，已成立业委会、自管会的小区分别占比分别为10.3%、34.1%".

- The base is the renovated compounds — accepted (竣工验收) on or before the day — unless the
  caller asks for all its compounds (`base="all"`); the report says which base it used and how
  many compounds the renovated base left out.
- A kind is counted only for a committee in office (已成立: status active or re-election due); one
  being prepared is shown apart, by the kind being prepared, and an expired one not at all. A
  temporary committee (临时业委会) is a kind of its own, never an owners' committee; the
  renovation supervision committee never takes office (status.ATTENDANT_KINDS).
- Beside them, as seed 001 counts them, the compounds with a party organisation (党组织) and
  those served as 红色物业 (models.PartyRecord).

Shares are of the base, four places, half up. One GROUP BY over the compounds the caller sees."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import false, func, select, true

from pm_app.auth.scope import scope_clause
from pm_app.committees.models import CommitteeKind, PartyRecord
from pm_app.committees.status import ATTENDANT_KINDS, STATUSES, status_columns
from pm_app.extensions import db
from pm_app.org.models import Compound

BASES = ("renovated", "all")
ESTABLISHED = ("active", "re_election_due")  # in office: 已成立
GOVERNING_KINDS = tuple(k.value for k in CommitteeKind if k not in ATTENDANT_KINDS)


@dataclass
class Coverage:
    as_of: date
    base: str = "renovated"
    total: int = 0
    left_out: int = 0  # compounds in scope outside the base (not renovated by the day)
    by_status: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)  # in office, by kind; "none": no committee in office
    preparing: dict[str, int] = field(default_factory=dict)  # being prepared, by the kind being prepared
    party_organisation: int = 0
    red_property: int = 0
    by_street: dict[int, dict[str, int]] = field(default_factory=dict)

    @property
    def established(self) -> int:
        return self.total - self.by_kind["none"]

    def share(self, count: int) -> Decimal:
        """count ÷ total as a ratio with four places, half up (0 when there are no compounds)."""
        if not self.total:
            return Decimal("0.0000")
        return (Decimal(count) / Decimal(self.total)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def renovated_by(as_of: date):
    """The audit's base: compounds whose renovation was accepted on or before the day."""
    return Compound.acceptance_date.is_not(None) & (Compound.acceptance_date <= as_of)


def coverage(user, as_of: date, street_id: int | None = None, base: str = "renovated") -> Coverage:
    status, kind, _committee, joins = status_columns(as_of)
    in_base = renovated_by(as_of) if base == "renovated" else true()
    party = func.coalesce(PartyRecord.party_organisation, false())
    red = func.coalesce(PartyRecord.red_property, false())
    inner = (
        joins(
            select(
                Compound.street_id, status, kind, in_base.label("in_base"), party.label("party"), red.label("red")
            ).select_from(Compound)
        )
        .outerjoin(PartyRecord, PartyRecord.compound_id == Compound.id)
        .where(scope_clause(Compound, user))
    )
    if street_id is not None:
        inner = inner.where(Compound.street_id == street_id)
    rows = inner.subquery()
    query = select(
        rows.c.street_id, rows.c.status, rows.c.kind, func.count(), rows.c.party, rows.c.red, rows.c.in_base
    ).group_by(rows.c.street_id, rows.c.status, rows.c.kind, rows.c.party, rows.c.red, rows.c.in_base)
    counted, left_out = [], 0
    for *row, in_base_value in db.session.execute(query):
        if in_base_value:
            counted.append(row)
        else:
            left_out += row[3]
    result = tally(as_of, counted)
    result.base, result.left_out = base, left_out
    return result


def tally(as_of: date, rows) -> Coverage:
    """Coverage from (street id, status, committee kind, count[, has party organisation, is 红色物业])
    rows: the query above, or the homes' compounds, whose health has read each one's status and
    kind already (without the party flags)."""
    result = Coverage(
        as_of,
        by_status={s: 0 for s in STATUSES},
        by_kind={**{k: 0 for k in GOVERNING_KINDS}, "none": 0},
        preparing={k: 0 for k in GOVERNING_KINDS},
    )
    for street, state, committee_kind, count, *flags in rows:
        kind_key = CommitteeKind(committee_kind).value if committee_kind else None
        result.total += count
        result.by_status[state] += count
        result.by_kind[kind_key if state in ESTABLISHED and kind_key else "none"] += count
        if state == "preparing" and kind_key:
            result.preparing[kind_key] += count
        if flags:
            result.party_organisation += count if flags[0] else 0
            result.red_property += count if flags[1] else 0
        per_street = result.by_street.setdefault(street, {s: 0 for s in STATUSES})
        per_street[state] += count
    return result
