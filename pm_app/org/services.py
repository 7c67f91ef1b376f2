"""Rules of the organisation domain. Functions flush; the request or job commits once."""

from __future__ import annotations

from datetime import date

from flask import has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from pm_app.auth.models import Role
from pm_app.auth.scope import get_visible, scope_clause
from pm_app.common.clock import today
from pm_app.errors import Conflict, DomainError
from pm_app.extensions import db
from pm_app.org import parties
from pm_app.org.models import (
    Building,
    City,
    Community,
    Compound,
    District,
    Firm,
    FirmKind,
    Household,
    ServiceContract,
    Street,
)
from pm_app.org.uscc import uscc_problem


class Forbidden(DomainError):
    status = 403


# --- who may change what -------------------------------------------------------------------


def current_contract(compound_id: int, on: date | None = None) -> ServiceContract | None:
    on = on or today()
    return db.session.scalar(
        select(ServiceContract).where(
            ServiceContract.compound_id == compound_id, ServiceContract.start_date <= on, ServiceContract.end_date >= on
        )
    )


def can_manage_compound(user, compound: Compound) -> bool:
    """Register and edit the compound itself: the city (its own regulator, or the province's) and
    the compound's street office."""
    if user.city_regulator:
        return compound.street.district.city_id == user.city_id
    return user.sees_whole_city or (user.role == Role.street_officer and compound.street_id in user.street_ids)


def sees_households(user) -> bool:
    """Household counts, fees and collection rates (and the health score's parts built from them):
    not for a contractor, which reaches a compound for its works, not the people living there."""
    return user.role != Role.contractor_staff


def can_manage_households(user, compound: Compound) -> bool:
    """Households: the compound's managers, and its current collecting party (the firm holding
    the contract, or the 自管会 or street office of a fee arrangement: org.parties)."""
    if can_manage_compound(user, compound):
        return True
    return parties.collects(user, compound.id)


def ensure(allowed: bool, what) -> None:
    """403 unless allowed; `what` is a lazy phrase ("change this compound") finishing the sentence."""
    if not allowed:
        # Jobs and the CLI have no request to pick a language from: they get the English.
        message = _("You may not %(what)s.", what=what) if has_request_context() else f"You may not {what}."
        raise Forbidden(str(message))


# --- places --------------------------------------------------------------------------------


def create_city(name: str) -> City:
    """A city of a province deployment (the admin's); its districts, streets and regulator follow."""
    _unique(select(City.id).where(City.name == name), "name", name)
    city = City(name=name)
    db.session.add(city)
    db.session.flush()
    return city


def create_district(name: str, city_id: int | None = None, user=None) -> District:
    """A district of a city: the named one (seen by the caller), the city regulator's own, or the
    deployment's only city; with several cities and none named, `city_id` is required."""
    if city_id is not None:
        city_id = _visible_ref(City, city_id, user, "city_id").id if user is not None else city_id
    elif user is not None and user.city_regulator:
        city_id = user.city_id
    else:
        cities = list(db.session.scalars(select(City.id).limit(2)))
        if len(cities) != 1:
            raise DomainError("city_id: required, the deployment has several cities", {"city_id": ["required"]})
        city_id = cities[0]
    _unique(select(District.id).where(District.city_id == city_id, District.name == name), "name", name)
    district = District(name=name, city_id=city_id)
    db.session.add(district)
    db.session.flush()
    return district


def create_street(user, name: str, district_id: int) -> Street:
    get_visible(District, district_id, user)
    _unique(select(Street.id).where(Street.district_id == district_id, Street.name == name), "name", name)
    street = Street(name=name, district_id=district_id)
    db.session.add(street)
    db.session.flush()
    return street


def create_community(user, name: str, street_id: int) -> Community:
    _visible_ref(Street, street_id, user, "street_id")
    ensure(_governs(user, street_id), _l("add communities to this street"))
    _unique(select(Community.id).where(Community.street_id == street_id, Community.name == name), "name", name)
    community = Community(name=name, street_id=street_id)
    db.session.add(community)
    db.session.flush()
    return community


def _governs(user, street_id: int) -> bool:
    """Whether the caller runs this street's places: the city's offices (a city's regulator only
    reaches its own city's streets, which callers have checked) and the street's own office."""
    return user.sees_whole_city or user.city_regulator or street_id in user.street_ids


def _unique(query, field: str, value) -> None:
    if db.session.scalar(query) is not None:
        raise Conflict(f"{field} {value!r} already exists", {field: ["already exists"]})


def _visible_ref(model, object_id, user, field: str):
    """A referenced object the caller cannot see is reported as unknown, not as forbidden."""
    obj = db.session.scalar(select(model).where(model.id == object_id, scope_clause(model, user)))
    if obj is None:
        raise DomainError(f"{field}: unknown {model.__name__.lower()}", {field: [f"unknown {model.__name__.lower()}"]})
    return obj


# --- compounds -----------------------------------------------------------------------------

COMPOUND_FIELDS = (
    "name",
    "address",
    "year_built",
    "renovation_type",
    "acceptance_date",
    "management_mode",
    "community_id",
    "street_id",
)


def create_compound(user, data: dict) -> Compound:
    street = _visible_ref(Street, data["street_id"], user, "street_id")
    ensure(_governs(user, street.id), _l("register compounds in this street"))
    _unique(select(Compound.id).where(Compound.code == data["code"]), "code", data["code"])
    compound = Compound(code=data["code"])
    _apply_compound(user, compound, data)
    db.session.add(compound)
    db.session.flush()
    return compound


def update_compound(user, compound: Compound, data: dict) -> Compound:
    ensure(can_manage_compound(user, compound), _l("change this compound"))
    if "code" in data and data["code"] != compound.code:
        raise DomainError("code cannot change", {"code": ["is permanent: it is printed in public links"]})
    if "street_id" in data and data["street_id"] != compound.street_id:
        street = _visible_ref(Street, data["street_id"], user, "street_id")
        ensure(_governs(user, street.id), _l("move compounds to this street"))
    _apply_compound(user, compound, data)
    db.session.flush()
    return compound


def _apply_compound(user, compound: Compound, data: dict) -> None:
    for field in COMPOUND_FIELDS:
        if field in data:
            setattr(compound, field, data[field])
    if compound.community_id is not None:
        community = _visible_ref(Community, compound.community_id, user, "community_id")
        if community.street_id != compound.street_id:
            raise DomainError("community_id: not in this street", {"community_id": ["is not in the compound's street"]})


def compound_counts(compound_ids) -> dict[int, dict]:
    """Buildings, households and floor area per compound, in one grouped query."""
    rows = db.session.execute(
        select(
            Household.compound_id,
            func.count(Household.id),
            func.count(func.distinct(Household.building_id)),
            func.coalesce(func.sum(Household.floor_area_dm2), 0),
        )
        .where(Household.compound_id.in_(compound_ids))
        .group_by(Household.compound_id)
    )
    return {cid: {"households": n, "buildings": b, "floor_area_dm2": int(a)} for cid, n, b, a in rows}


# --- households ----------------------------------------------------------------------------


def building_for(compound_id: int, name: str) -> Building:
    building = db.session.scalar(select(Building).where(Building.compound_id == compound_id, Building.name == name))
    if building is None:
        building = Building(compound_id=compound_id, name=name)
        db.session.add(building)
        db.session.flush()
    return building


def add_household(user, compound: Compound, data: dict) -> Household:
    ensure(can_manage_households(user, compound), _l("add households to this compound"))
    building = building_for(compound.id, data["building"])
    exists = select(Household.id).where(Household.building_id == building.id, Household.unit == data["unit"])
    if db.session.scalar(exists) is not None:
        raise Conflict(
            f"unit {data['building']} {data['unit']} already exists", {"unit": ["already exists in this building"]}
        )
    household = Household(
        compound_id=compound.id,
        building_id=building.id,
        unit=data["unit"],
        floor_area_dm2=data["floor_area_dm2"],
        owner_name=data.get("owner_name"),
        owner_phone=data.get("owner_phone"),
    )
    db.session.add(household)
    db.session.flush()
    return household


# --- firms and contracts -------------------------------------------------------------------


def create_firm(kind: FirmKind | str, name: str, uscc: str) -> Firm:
    uscc = uscc.strip().upper()
    problem = uscc_problem(uscc)
    if problem:
        raise DomainError(f"uscc: {problem}", {"uscc": [problem]})
    _unique(select(Firm.id).where(Firm.uscc == uscc), "uscc", uscc)
    firm = Firm(kind=FirmKind(kind), name=name, uscc=uscc)
    db.session.add(firm)
    db.session.flush()
    return firm


def create_contract(user, data: dict) -> ServiceContract:
    compound = get_visible(Compound, data["compound_id"], user)
    ensure(can_manage_compound(user, compound), _l("register contracts for this compound"))
    party = _collecting_party(user, compound, data)
    start, end = data["start"], data["end"]
    if end < start:
        raise DomainError("end is before start", {"end": ["must be on or after start"]})
    _lock_compound(compound.id)
    clash = db.session.scalar(
        select(ServiceContract).where(
            ServiceContract.compound_id == compound.id,
            and_(ServiceContract.start_date <= end, ServiceContract.end_date >= start),
        )
    )
    if clash is not None:
        raise Conflict(
            f"compound already has a contract from {clash.start_date} to {clash.end_date}; "
            "end it before starting another",
            {"start": [f"overlaps contract {clash.id} ({clash.start_date} – {clash.end_date})"]},
        )
    contract = ServiceContract(
        compound_id=compound.id,
        **party,
        start_date=start,
        end_date=end,
        fee_rate_fen=data["fee_rate_fen"],
        billing_cycle=data.get("billing_cycle", "monthly"),
    )
    db.session.add(contract)
    db.session.flush()
    return contract


PARTY_FIELDS = ("firm_id", "committee_id", "street_id")


def _collecting_party(user, compound: Compound, data: dict) -> dict:
    """Exactly one of firm_id (a property firm), committee_id (the compound's own self-management
    committee, 自管会) or street_id (the compound's street office, 托管): who collects under the
    arrangement (org.parties). Anything else is a 422 naming the field."""
    from pm_app.committees.models import Committee, CommitteeKind

    given = [name for name in PARTY_FIELDS if data.get(name) is not None]
    if len(given) != 1:
        problem = _("give exactly one of firm_id, committee_id, street_id")
        raise DomainError(problem, {name: [problem] for name in (given or PARTY_FIELDS)})
    name = given[0]
    if name == "firm_id":
        firm = _visible_ref(Firm, data["firm_id"], user, "firm_id")
        if firm.kind != FirmKind.property:
            raise DomainError("firm_id: not a property firm", {"firm_id": ["must be a property-service firm"]})
    elif name == "committee_id":
        committee = db.session.get(Committee, data["committee_id"])
        if committee is None or committee.compound_id != compound.id:
            raise DomainError(
                _("committee_id: not this compound's committee"),
                {"committee_id": [_("must be a committee of this compound")]},
            )
        if committee.kind != CommitteeKind.self_management:
            raise DomainError(
                _("committee_id: not a self-management committee"),
                {"committee_id": [_("must be the compound's self-management committee (自管会)")]},
            )
    elif data["street_id"] != compound.street_id:
        raise DomainError(
            _("street_id: not the compound's street"), {"street_id": [_("must be the compound's own street")]}
        )
    return {name: data[name]}


def end_contract(user, contract: ServiceContract, end: date) -> ServiceContract:
    ensure(can_manage_compound(user, contract.compound), _l("end this contract"))
    if end < contract.start_date:
        raise DomainError("end is before start", {"end": ["must be on or after the contract's start"]})
    contract.end_date = min(end, contract.end_date)
    db.session.flush()
    return contract


def _lock_compound(compound_id: int) -> None:
    # Two concurrent registrations for one compound serialise on its row (PostgreSQL; SQLite
    # already serialises writers), so the overlap check above cannot race.
    db.session.execute(select(Compound.id).where(Compound.id == compound_id).with_for_update())


def sees_personal_data(user, compound_id: int) -> bool:
    """Owners' names and phones: for the street office and whoever collects the compound's fees
    now (the firm serving it, or its 自管会 under a fee arrangement: org.parties)."""
    if user.role in (Role.admin, Role.street_officer):
        return True
    return parties.collects(user, compound_id)
