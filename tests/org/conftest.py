"""A small city with two streets, so every role has objects inside and outside its scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from pm_app.auth.models import Role
from pm_app.org.models import FirmKind
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    CompoundFactory,
    ContractFactory,
    DistrictFactory,
    FirmFactory,
    HouseholdFactory,
    StreetFactory,
    UserFactory,
)


@dataclass
class City:
    street: object
    other_street: object
    community: object
    compound: object  # in `street`, served by `firm`
    other: object  # in `other_street`, served by `other_firm`
    household: object
    other_household: object
    firm: object
    other_firm: object
    contractor: object
    contract: object
    other_contract: object
    users: dict


@pytest.fixture
def city() -> City:
    district = DistrictFactory(name="鼓楼区")
    street = StreetFactory(name="东街街道", district=district)
    other_street = StreetFactory(name="南街街道", district=DistrictFactory(name="台江区"))
    community = CommunityFactory(name="东门社区", street=street)
    compound = CompoundFactory(code="GL-0001", name="东门新村", street=street, community=community)
    other = CompoundFactory(code="TJ-0001", name="南门花园", street=other_street)
    firm, other_firm = FirmFactory(name="甲物业"), FirmFactory(name="乙物业")
    contractor = FirmFactory(kind=FirmKind.contractor, name="丙建设")
    contract = ContractFactory(compound=compound, firm=firm, start_date=date(2024, 1, 1), end_date=date(2035, 12, 31))
    other_contract = ContractFactory(
        compound=other, firm=other_firm, start_date=date(2024, 1, 1), end_date=date(2035, 12, 31)
    )
    household = HouseholdFactory(building=BuildingFactory(compound_id=compound.id, name="1号楼"), unit="1-101")
    other_household = HouseholdFactory(building=BuildingFactory(compound_id=other.id, name="1号楼"), unit="1-101")
    users = {
        "admin": UserFactory(role=Role.admin),
        "regulator": UserFactory(role=Role.regulator),
        "street_officer": UserFactory(role=Role.street_officer, streets=[street]),
        "firm_staff": UserFactory(role=Role.firm_staff, firm=firm),
        "contractor_staff": UserFactory(role=Role.contractor_staff, firm=contractor),
        "committee_member": UserFactory(role=Role.committee_member, compound=compound),
    }
    return City(
        street,
        other_street,
        community,
        compound,
        other,
        household,
        other_household,
        firm,
        other_firm,
        contractor,
        contract,
        other_contract,
        users,
    )
