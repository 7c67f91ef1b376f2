"""factory_boy factories for the rows tests need; they flush into the test's transaction."""

from __future__ import annotations

from datetime import date

import factory
from factory.alchemy import SQLAlchemyModelFactory

from pm_app.auth.models import Role, User
from pm_app.auth.services import hash_password
from pm_app.extensions import db
from pm_app.org.models import (
    Building,
    Community,
    Compound,
    District,
    Firm,
    FirmKind,
    Household,
    ManagementMode,
    RenovationType,
    ServiceContract,
    Street,
)
from pm_app.org.uscc import make_uscc

_PASSWORD_HASH = hash_password("password123")  # hashing is slow on purpose: do it once


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731  (the per-test session)
        sqlalchemy_session_persistence = "flush"


class DistrictFactory(Base):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"测试区{n}")


class StreetFactory(Base):
    class Meta:
        model = Street

    name = factory.Sequence(lambda n: f"测试街道{n}")
    district = factory.SubFactory(DistrictFactory)


class CommunityFactory(Base):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"测试社区{n}")
    street = factory.SubFactory(StreetFactory)


class CompoundFactory(Base):
    class Meta:
        model = Compound

    code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"测试小区{n}")
    street = factory.SubFactory(StreetFactory)
    address = "测试路1号"
    year_built = 1995
    renovation_type = RenovationType.basic
    acceptance_date = date(2023, 6, 30)
    management_mode = ManagementMode.professional


class BuildingFactory(Base):
    class Meta:
        model = Building

    compound_id = factory.LazyAttribute(lambda o: CompoundFactory().id)
    name = factory.Sequence(lambda n: f"{n}号楼")


class HouseholdFactory(Base):
    class Meta:
        model = Household

    building = factory.SubFactory(BuildingFactory)
    compound_id = factory.LazyAttribute(lambda o: o.building.compound_id)
    unit = factory.Sequence(lambda n: f"1-{100 + n}")
    floor_area_dm2 = 8640
    registered_on = date(2000, 1, 1)  # long on record: billable for any month the tests bill
    owner_name = "王小明"
    owner_phone = "13812345678"


class FirmFactory(Base):
    class Meta:
        model = Firm

    kind = FirmKind.property
    name = factory.Sequence(lambda n: f"测试物业服务有限公司{n}")
    uscc = factory.Sequence(lambda n: make_uscc(f"91350100MA{n:07d}"))


class ContractFactory(Base):
    class Meta:
        model = ServiceContract

    compound = factory.SubFactory(CompoundFactory)
    firm = factory.SubFactory(FirmFactory)
    start_date = date(2024, 1, 1)
    end_date = date(2030, 12, 31)
    fee_rate_fen = 85


class UserFactory(Base):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password_hash = _PASSWORD_HASH
    role = Role.admin
    active = True
