"""Read-only queries behind the organisation pages. Each one starts from the caller's scope
(pm_app.auth.scope) and aggregates in SQL, so a page's statement count does not grow with
the number of compounds it covers."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from pm_app.auth.scope import count_visible, scope_clause, visible
from pm_app.common.clock import today
from pm_app.extensions import db
from pm_app.org.models import Building, Compound, Firm, Household, ServiceContract, Street
from pm_app.org.services import compound_counts

EXPORT_BATCH = 500
NO_COUNTS = {"households": 0, "buildings": 0, "floor_area_dm2": 0}


def visible_streets(user) -> list[Street]:
    return list(db.session.scalars(visible(Street, user).order_by(Street.name)))


def filter_totals(user, compounds: Select) -> dict[str, int]:
    """Compounds and households in a filtered compound list (all pages, not just this one)."""
    ids = compounds.order_by(None).with_only_columns(Compound.id)
    return {
        "compounds": db.session.scalar(select(func.count()).select_from(ids.subquery())) or 0,
        "households": count_visible(Household, user, Household.compound_id.in_(ids)),
    }


def with_counts(compounds: list[Compound]) -> list[tuple[Compound, dict]]:
    counts = compound_counts([c.id for c in compounds])
    return [(c, counts.get(c.id, NO_COUNTS)) for c in compounds]


def export_rows(compounds: Select) -> Iterator[tuple[Compound, dict]]:
    """Every compound of a filtered list with its counts, read in batches so a city-wide
    export holds one batch in memory and issues two queries per batch."""
    query = compounds.options(joinedload(Compound.street), joinedload(Compound.community))
    offset = 0
    while batch := list(db.session.scalars(query.limit(EXPORT_BATCH).offset(offset))):
        yield from with_counts(batch)
        offset += EXPORT_BATCH


def buildings_with_households(user, compound_id: int) -> list[tuple[Building, int]]:
    query = (
        select(Building, func.count(Household.id))
        .outerjoin(Household, Household.building_id == Building.id)
        .where(Building.compound_id == compound_id, scope_clause(Building, user))
        .group_by(Building.id)
        .order_by(Building.name)
    )
    return [(building, n) for building, n in db.session.execute(query)]


def households_query(user, compound_id: int) -> Select:
    # The building is joined once, for the order and the page's column alike, and by the compound
    # too: PostgreSQL then reads the compound's buildings by index instead of hashing them all.
    return (
        visible(Household, user)
        .where(Household.compound_id == compound_id)
        .join(Building, (Building.id == Household.building_id) & (Building.compound_id == compound_id))
        .options(contains_eager(Household.building))
        .order_by(Building.name, Household.unit)
    )


def compound_contracts(user, compound_id: int) -> list[ServiceContract]:
    """The compound's contracts the caller may see, newest first (a firm sees only its own)."""
    return list(
        db.session.scalars(
            visible(ServiceContract, user)
            .where(ServiceContract.compound_id == compound_id)
            .options(joinedload(ServiceContract.firm))
            .order_by(ServiceContract.start_date.desc())
        )
    )


def current_of(contracts: list[ServiceContract]) -> ServiceContract | None:
    day = today()
    return next((c for c in contracts if c.active_on(day)), None)


def firm_contracts(user, firm_id: int) -> list[ServiceContract]:
    """A firm's contracts at compounds the caller sees, newest first."""
    return list(
        db.session.scalars(
            visible(ServiceContract, user)
            .where(ServiceContract.firm_id == firm_id)
            .options(selectinload(ServiceContract.compound).joinedload(Compound.street))
            .order_by(ServiceContract.start_date.desc(), ServiceContract.id)
        )
    )


def filter_firms(query: Select, kind=None, q: str | None = None) -> Select:
    if kind is not None:
        query = query.where(Firm.kind == kind)
    if q:
        query = query.where(or_(Firm.name.ilike(f"%{q}%"), Firm.uscc == q.upper()))
    return query.order_by(Firm.name, Firm.id)
