"""The collecting party: who manages a compound and collects its fees under a fee arrangement
(issue 24). A property firm under a service contract, or instead the compound's own
self-management committee (自管会) or its street office (托管). One notion, read by every rule
that used to assume a firm: generating bills, recording payments and waivers (and numbering
their receipts), keeping the compound's books, seeing the owners' names.

A user acts for a party as follows: a firm's staff for their firm; a committee member of the
compound for that compound's committee; a street officer for the streets they serve. The
street office and the city keep their own wider rights besides (org.services.can_manage_compound).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from pm_app.auth.models import Role
from pm_app.common.clock import today
from pm_app.extensions import db
from pm_app.org.models import ServiceContract

FIRM, COMMITTEE, STREET = "firm", "committee", "street"


@dataclass(frozen=True)
class Party:
    kind: str  # firm | committee | street
    id: int

    @property
    def key(self) -> str:
        """The party as a key (receipt sequences): "firm:3", "committee:12", "street:2"."""
        return f"{self.kind}:{self.id}"

    @property
    def firm_id(self) -> int | None:
        return self.id if self.kind == FIRM else None


def of_contract(contract: ServiceContract | None) -> Party | None:
    if contract is None:
        return None
    if contract.firm_id is not None:
        return Party(FIRM, contract.firm_id)
    if contract.committee_id is not None:
        return Party(COMMITTEE, contract.committee_id)
    return Party(STREET, contract.street_id)


def of_bill(bill) -> Party | None:
    """Who issued a bill: the party of the contract it was billed under (a bill loaded without a
    contract but with a firm was that firm's)."""
    if bill.contract_id is not None:
        return of_contract(db.session.get(ServiceContract, bill.contract_id))
    return Party(FIRM, bill.firm_id) if bill.firm_id is not None else None


def current(compound_id: int, on: date | None = None) -> Party | None:
    """Who collects for the compound on `on` (today): the party of the contract in force."""
    from pm_app.org.services import current_contract

    return of_contract(current_contract(compound_id, on))


def acts_for(user, party: Party | None, compound_id: int) -> bool:
    """Whether `user` speaks for `party` at this compound."""
    if party is None:
        return False
    if party.kind == FIRM:
        return user.role == Role.firm_staff and user.firm_id == party.id
    if party.kind == STREET:
        return user.role == Role.street_officer and party.id in user.street_ids
    from pm_app.committees.models import Committee

    committee = db.session.get(Committee, party.id)
    return (
        user.role == Role.committee_member
        and user.compound_id == compound_id
        and committee is not None
        and committee.compound_id == compound_id
    )


def collects(user, compound_id: int, on: date | None = None) -> bool:
    """The user acts for the party collecting for the compound now (or on `on`)."""
    return acts_for(user, current(compound_id, on), compound_id)


def still_serves(party: Party | None, compound_id: int) -> bool:
    """The party has an arrangement for the compound that has not ended (in force, or to start)."""
    if party is None:
        return False
    column = {
        FIRM: ServiceContract.firm_id,
        COMMITTEE: ServiceContract.committee_id,
        STREET: ServiceContract.street_id,
    }[party.kind]
    return (
        db.session.scalar(
            select(ServiceContract.id)
            .where(ServiceContract.compound_id == compound_id, column == party.id, ServiceContract.end_date >= today())
            .limit(1)
        )
        is not None
    )
