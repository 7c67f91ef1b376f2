"""Scope rules of the organisation models.

Compounds are the unit of scope: a street officer sees its streets' compounds, a firm the
compounds it holds or held a contract for, a committee member its one compound, a city's
regulator the compounds of its city (the province's regulator and the admin see every city). Later domains
widen a role's reach with `extend_compound_reach` (a contractor reaches the compounds of the
projects it built) rather than editing this file.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, false, or_, select, true

from pm_app.auth.models import Role
from pm_app.auth.scope import scope_clause, scope_rule
from pm_app.org.models import Building, City, Community, Compound, District, Firm, Household, ServiceContract, Street

_reach: list[Callable[[object], ColumnElement[bool] | None]] = []


def extend_compound_reach(rule: Callable[[object], ColumnElement[bool] | None]):
    """Register an extra clause on Compound for some roles (None where it does not apply)."""
    _reach.append(rule)
    return rule


@scope_rule(Compound)
def _compound(user) -> ColumnElement[bool]:
    if user.sees_whole_city:
        return true()
    clauses: list[ColumnElement[bool]] = []
    if user.city_regulator:
        clauses.append(Compound.street_id.in_(streets_of_city(user.city_id)))
    elif user.role == Role.street_officer:
        clauses.append(Compound.street_id.in_(user.street_ids))
    elif user.role == Role.firm_staff and user.firm_id:
        clauses.append(
            Compound.id.in_(select(ServiceContract.compound_id).where(ServiceContract.firm_id == user.firm_id))
        )
    elif user.role == Role.committee_member and user.compound_id:
        clauses.append(Compound.id == user.compound_id)
    clauses.extend(c for c in (rule(user) for rule in _reach) if c is not None)
    return or_(*clauses) if clauses else false()


def streets_of_city(city_id: int):
    """Subquery of the ids of a city's streets."""
    return select(Street.id).join(District, District.id == Street.district_id).where(District.city_id == city_id)


def compound_ids(user):
    """Subquery of the compound ids the user sees, for models that hang off a compound."""
    return select(Compound.id).where(scope_clause(Compound, user))


def _under_compound(column):
    def rule(user) -> ColumnElement[bool]:
        return true() if user.sees_whole_city else column.in_(compound_ids(user))

    return rule


scope_rule(Building)(_under_compound(Building.compound_id))


@scope_rule(Household)
def _household(user) -> ColumnElement[bool]:
    # A contractor reaches the compounds it built for their works, not the people living there.
    if user.role == Role.contractor_staff:
        return false()
    return _under_compound(Household.compound_id)(user)


@scope_rule(ServiceContract)
def _contract(user) -> ColumnElement[bool]:
    if user.sees_whole_city:
        return true()
    if user.role == Role.contractor_staff:
        return false()  # service contracts are the property firms' business
    clause = ServiceContract.compound_id.in_(compound_ids(user))
    if user.role == Role.firm_staff:
        # A firm sees its own contracts, not its competitor's at a compound it used to serve.
        clause = clause & (ServiceContract.firm_id == user.firm_id)
    return clause


@scope_rule(Street)
def _street(user) -> ColumnElement[bool]:
    if user.sees_whole_city:
        return true()
    if user.city_regulator:  # its city's streets, with or without compounds yet
        return Street.id.in_(streets_of_city(user.city_id))
    reached = Street.id.in_(select(Compound.street_id).where(scope_clause(Compound, user)))
    if user.role == Role.street_officer:
        return or_(Street.id.in_(user.street_ids), reached)
    return reached


@scope_rule(District)
def _district(user) -> ColumnElement[bool]:
    if user.sees_whole_city:
        return true()
    if user.city_regulator:
        return District.city_id == user.city_id
    return District.id.in_(select(Street.district_id).where(scope_clause(Street, user)))


@scope_rule(City)
def _city(user) -> ColumnElement[bool]:
    if user.sees_whole_city:
        return true()
    if user.city_regulator:
        return City.id == user.city_id
    return City.id.in_(select(District.city_id).where(scope_clause(District, user)))


@scope_rule(Community)
def _community(user) -> ColumnElement[bool]:
    if user.sees_whole_city:
        return true()
    return Community.street_id.in_(select(Street.id).where(scope_clause(Street, user)))


@scope_rule(Firm)
def _firm(user) -> ColumnElement[bool]:
    # The firm register is public business information that street offices pick contracts
    # from; firms and committees see only the firms they deal with.
    if user.sees_whole_city or user.role == Role.street_officer:
        return true()
    if user.role in (Role.firm_staff, Role.contractor_staff):
        return Firm.id == user.firm_id
    return Firm.id.in_(select(ServiceContract.firm_id).where(scope_clause(ServiceContract, user)))
