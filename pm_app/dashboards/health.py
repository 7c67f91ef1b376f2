"""Compound health: one 0–100 score per compound, with the parts it is made of.

Each part is a sub-score between 0 (bad) and 1 (good):

- `collection`: the amount collection rate of the last closed month (the period before today's);
  a compound with nothing billed that month has no such part;
- `overdue_tickets`: open overdue tickets per 100 households, 1 at none, 0 at
  HEALTH_LIMITS["overdue_per_100"] or more (linear between);
- `warranties`: warranty items ending within 90 days while the compound has recorded no joint
  inspection in the last 180 days, 0 at HEALTH_LIMITS["warranty_items"] or more;
- `committee`: the committee status (active 1, re-election due 0.75, preparing 0.5, expired 0.25,
  none 0);
- `management`: the management mode (professional 1, street-entrusted 0.75, quasi 0.5,
  self-managed 0.25, none 0);
- `alerts`: alerts about the compound not yet resolved, 0 at HEALTH_LIMITS["alerts"] or more.

The score is the weighted mean of the parts present (config HEALTH_WEIGHTS), times 100, rounded
half up. A part without data is left out and the others keep their relative weights.

Health belongs to the compound: it counts the compound's own objects, so every viewer who sees
the compound sees the same score. Who sees which compound is the caller's concern (it passes the
ids it may see, or a scoped select of them). Three statements for any number of compounds: the
compounds with their committee status, the four counted parts in one UNION ALL, and the last
closed month's bills (none when the caller has them already). Given the ids, the statements are
built once per process; building them cost more than running them (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Date,
    Integer,
    Select,
    String,
    any_,
    bindparam,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY

from pm_app.alerts.models import Alert
from pm_app.committees.status import RE_ELECTION_DAYS, status_columns
from pm_app.common.types import UTCDateTime
from pm_app.extensions import db
from pm_app.fees.models import BillTotal
from pm_app.fees.services import FEE_TYPE, Rate, grouped, period_of, rates_of, shift, sums_by_key
from pm_app.org.models import Compound, Household
from pm_app.tickets import sla
from pm_app.tickets.models import Ticket
from pm_app.warranties.models import Inspection, WarrantyItem

DEFAULT_WEIGHTS = {
    "collection": 30,
    "overdue_tickets": 20,
    "warranties": 15,
    "committee": 15,
    "management": 10,
    "alerts": 10,
}
DEFAULT_LIMITS = {"overdue_per_100": 5, "warranty_items": 10, "alerts": 5}
WARRANTY_DAYS = 90
INSPECTION_DAYS = 180

PARTS = {
    "collection": _l("Collection rate, last closed month"),
    "overdue_tickets": _l("Overdue tickets per 100 households"),
    "warranties": _l("Warranties ending in 90 days without inspection"),
    "committee": _l("Committee status"),
    "management": _l("Management mode"),
    "alerts": _l("Open alerts"),
}
COMMITTEE_VALUES = {
    "active": Decimal("1"),
    "re_election_due": Decimal("0.75"),
    "preparing": Decimal("0.5"),
    "expired": Decimal("0.25"),
    "none": Decimal("0"),
}
MODE_VALUES = {
    "professional": Decimal("1"),
    "street_entrusted": Decimal("0.75"),
    "quasi": Decimal("0.5"),
    "self_managed": Decimal("0.25"),
    "none": Decimal("0"),
}
ONE = Decimal(1)


@dataclass
class Health:
    compound_id: int
    score: int | None = None
    # part → (the figure as read, its 0–1 value); a part without data is absent.
    parts: dict[str, tuple[object, Decimal]] = field(default_factory=dict)
    households: int = 0
    # the last closed month's rates (both definitions), for pages that add them up by street
    rate: Rate | None = None
    # what the homes show beside the score, read by the same statement
    code: str = ""
    name: str = ""
    street_id: int | None = None
    committee_kind: object = None  # the kind of the committee in office, or of the one being prepared


def weights() -> dict[str, int]:
    return {**DEFAULT_WEIGHTS, **current_app.config.get("HEALTH_WEIGHTS", {})}


def limits() -> dict[str, int]:
    return {**DEFAULT_LIMITS, **current_app.config.get("HEALTH_LIMITS", {})}


def last_closed_period(as_of: date) -> str:
    return shift(period_of(as_of), -1)


def scores(
    compound_ids: Select | Sequence[int], as_of: date, at: datetime, collected: dict[int, Rate] | None = None
) -> dict[int, Health]:
    """compound id → its health, for every compound of `compound_ids`: the ids themselves, or a
    select of them (a filtered list). Given the ids, the statements are the ones built once per
    process (building them costs more than running them for a street); given a select, they are
    built for it.
    `collected`: the last closed month's rates by compound when the caller has them already
    (the homes read them with their trend, fees.services.trend_and_last_by_compound)."""
    if isinstance(compound_ids, Select):
        base, counted, last_month = _statements(compound_ids)
        params = _params(as_of, at)
    else:
        compound_ids = list(compound_ids)
        as_array = len(compound_ids) >= ARRAY_FROM and db.session.get_bind().dialect.name == "postgresql"
        base, counted, last_month = _statements_for_ids(as_array)
        params = _params(as_of, at) | {"compound_ids": compound_ids}
    result: dict[int, Health] = {}
    modes: dict[int, tuple[str, str]] = {}
    for cid, code, name, street_id, mode, state, committee_kind in db.session.execute(base, params).all():
        result[cid] = Health(cid, code=code, name=name, street_id=street_id, committee_kind=committee_kind)
        modes[cid] = (getattr(mode, "value", mode), state)
    if not result:
        return result
    found: dict[str, dict[int, int]] = {part: {} for part in COUNTED}
    for part, cid, n in db.session.execute(counted, params).all():
        found[part][cid] = int(n)
    households, overdue, lapsing, alerts = (found[p] for p in COUNTED)
    if collected is None:
        collected = rates_of(sums_by_key(db.session.execute(last_month, params).all(), 1))
    limit, weight = limits(), weights()  # once: a city has 1,130 compounds
    overdue_zero, items_zero, alerts_zero = limit["overdue_per_100"], limit["warranty_items"], limit["alerts"]
    for cid, health in result.items():
        mode, state = modes[cid]
        parts = health.parts
        households_of = health.households = households.get(cid, 0)
        rate = health.rate = collected.get(cid)
        amount = rate.amount_rate if rate is not None else None  # a property that divides: read once
        if amount is not None:
            parts["collection"] = (amount, min(amount, ONE))
        parts["overdue_tickets"] = _overdue(overdue.get(cid, 0), households_of, overdue_zero)
        items, open_alerts = lapsing.get(cid, 0), alerts.get(cid, 0)
        parts["warranties"] = (items, _falling_count(items, items_zero))
        parts["committee"] = (state, COMMITTEE_VALUES[state])
        parts["management"] = (mode, MODE_VALUES[mode])
        parts["alerts"] = (open_alerts, _falling_count(open_alerts, alerts_zero))
        health.score = combine(parts, weight)
    return result


def combine(parts: dict[str, tuple[object, Decimal]], weight: dict[str, int] | None = None) -> int | None:
    weight = weight or weights()
    total = 0
    weighted = Decimal(0)
    for name, (_figure, value) in parts.items():  # a loop, not two generators: a city scores 1,130
        total += weight[name]
        weighted += weight[name] * value
    if not total:
        return None
    return int((weighted / total * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# The days and times the statements compare with, bound at execution (see _params).
AS_OF, AT = bindparam("as_of", type_=Date), bindparam("at", type_=UTCDateTime())
DUE_FROM, LAPSE_BY, INSPECTED_AFTER = (
    bindparam(name, type_=Date) for name in ("due_from", "lapse_by", "inspected_after")
)
PERIOD = bindparam("period", type_=String)
COUNTED = ("households", "overdue", "lapsing", "alerts")


def _params(as_of: date, at: datetime) -> dict:
    return {
        "as_of": as_of,
        "at": at,
        "due_from": as_of + timedelta(days=RE_ELECTION_DAYS),
        "lapse_by": as_of + timedelta(days=WARRANTY_DAYS),
        "inspected_after": as_of - timedelta(days=INSPECTION_DAYS),
        "period": last_closed_period(as_of),
    }


# From this many ids on, PostgreSQL gets them as one array parameter (= ANY). Expanded into the
# SQL, a regulator's 1,130 ids were 1,130 parameters in each of two statements, whose 20 kB text
# psycopg parsed again on every request: 55 ms of the city home's 200 (docs/performance.md, "Sixth
# pass"). Fewer stay an expanding IN: for one compound `= ANY` cost 0.6 ms more (2.1 against 1.4
# ms for the three statements), the prepared statement's plan not knowing the array is short.
ARRAY_FROM = 100


@cache
def _statements_for_ids(as_array: bool) -> tuple[Select, CompoundSelect, Select]:
    if as_array:
        return _statements(bindparam("compound_ids", type_=ARRAY(Integer)))
    return _statements(bindparam("compound_ids", expanding=True))


def _among(column, compound_ids):
    """column IN the ids: an array parameter, an expanding one, or a select of them."""
    if isinstance(compound_ids, BindParameter) and not compound_ids.expanding:
        return column == any_(compound_ids)
    return column.in_(compound_ids)


def _statements(compound_ids) -> tuple[Select, CompoundSelect, Select]:
    """The compounds with their committee status; the four counted parts (part, compound id,
    count) in one UNION ALL; the last closed month's bill figures by compound."""
    status, kind, _committee, joins = status_columns(AS_OF, DUE_FROM)
    base = joins(
        select(
            Compound.id, Compound.code, Compound.name, Compound.street_id, Compound.management_mode, status, kind
        ).select_from(Compound)
    ).where(_among(Compound.id, compound_ids))
    inspected = select(Inspection.compound_id).where(
        Inspection.inspected_on > INSPECTED_AFTER, Inspection.inspected_on <= AS_OF
    )
    counted = union_all(
        select(literal("households"), Household.compound_id, func.count())
        .where(_among(Household.compound_id, compound_ids))
        .group_by(Household.compound_id),
        select(literal("overdue"), Ticket.compound_id, func.count())
        .where(_among(Ticket.compound_id, compound_ids), sla.overdue_clause(AT))
        .group_by(Ticket.compound_id),
        select(literal("lapsing"), WarrantyItem.compound_id, func.count())
        .where(
            _among(WarrantyItem.compound_id, compound_ids),
            WarrantyItem.warranty_end > AS_OF,
            WarrantyItem.warranty_end <= LAPSE_BY,
            WarrantyItem.compound_id.not_in(inspected),
        )
        .group_by(WarrantyItem.compound_id),
        select(literal("alerts"), Alert.compound_id, func.count())
        .where(_among(Alert.compound_id, compound_ids), Alert.state != "resolved")
        .group_by(Alert.compound_id),
    )
    last_month = grouped(
        [BillTotal.compound_id],
        _among(BillTotal.compound_id, compound_ids) & (BillTotal.fee_type == FEE_TYPE) & (BillTotal.period == PERIOD),
    )
    return base, counted, last_month


def _per_100(count: int, households: int) -> Decimal:
    """Overdue tickets per 100 households, two places; with no households any overdue ticket is
    as bad as it gets."""
    if not households:
        return Decimal(0) if not count else Decimal(100)
    return (Decimal(count) * 100 / Decimal(households)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# Called for each compound with a few small integers (most counts are 0): remembered, they cost
# a dict lookup (a regulator's home scores 1,130 compounds). Keyed on ints only: a Decimal
# 0.00 and 0 are equal keys with results that print differently.
@lru_cache(maxsize=8192)
def _overdue(count: int, households: int, zero_at: int) -> tuple[Decimal, Decimal]:
    """The overdue part as (per 100 households, its 0–1 value)."""
    per_100 = _per_100(count, households)
    return per_100, _falling(per_100, zero_at)


@lru_cache(maxsize=8192)
def _falling_count(count: int, zero_at: int) -> Decimal:
    return _falling(Decimal(count), zero_at)


def _falling(figure: Decimal, zero_at: int) -> Decimal:
    """1 at 0, falling linearly to 0 at `zero_at` and staying there."""
    if figure >= zero_at:
        return Decimal(0)
    return Decimal(1) - figure / Decimal(zero_at)


def describe(part: str, figure) -> str:
    """The part's figure as a reader wants it: a rate in per cent, a status or mode by its label."""
    from pm_app.committees.status import STATUSES
    from pm_app.fees.labels import percent
    from pm_app.org.labels import MANAGEMENT_MODES
    from pm_app.org.models import ManagementMode

    if part == "collection":
        return percent(figure)
    if part == "committee":
        return str(STATUSES[figure])
    if part == "management":
        return str(MANAGEMENT_MODES[ManagementMode(figure)])
    return str(figure)
