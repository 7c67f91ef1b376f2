"""The street office's committee coverage: how many of its compounds have a committee, by
status and kind, as counts and shares. One GROUP BY over the compounds the caller sees."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from pm_app.auth.scope import scope_clause
from pm_app.committees.models import CommitteeKind
from pm_app.committees.status import STATUSES, status_columns
from pm_app.extensions import db
from pm_app.org.models import Compound


@dataclass
class Coverage:
    as_of: date
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)  # kind value, or "none" for no committee
    by_street: dict[int, dict[str, int]] = field(default_factory=dict)

    def share(self, count: int) -> Decimal:
        """count ÷ total as a ratio with four places, half up (0 when there are no compounds)."""
        if not self.total:
            return Decimal("0.0000")
        return (Decimal(count) / Decimal(self.total)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def coverage(user, as_of: date, street_id: int | None = None) -> Coverage:
    status, kind, _committee, joins = status_columns(as_of)
    inner = joins(select(Compound.street_id, status, kind).select_from(Compound)).where(scope_clause(Compound, user))
    if street_id is not None:
        inner = inner.where(Compound.street_id == street_id)
    rows = inner.subquery()
    query = select(rows.c.street_id, rows.c.status, rows.c.kind, func.count()) \
        .group_by(rows.c.street_id, rows.c.status, rows.c.kind)
    return tally(as_of, db.session.execute(query))


def tally(as_of: date, rows) -> Coverage:
    """Coverage from (street id, status, committee kind, count) rows: the query above, or the
    homes' compounds, whose health has read each one's status and kind already."""
    result = Coverage(as_of, by_status={s: 0 for s in STATUSES},
                      by_kind={**{k.value: 0 for k in CommitteeKind}, "none": 0})
    for street, state, committee_kind, count in rows:
        kind_key = CommitteeKind(committee_kind).value if committee_kind else "none"
        result.total += count
        result.by_status[state] += count
        result.by_kind[kind_key] += count
        per_street = result.by_street.setdefault(street, {s: 0 for s in STATUSES})
        per_street[state] += count
    return result
