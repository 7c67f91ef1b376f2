"""Organisation and place: city → district → street → community → compound → building → household,
and the firms that serve or built them. A deployment serves one city or, with several cities, a
province (issue 30): the city is the level a regulator may be scoped to."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pm_app.common.clock import today
from pm_app.common.types import UTCDateTime, value_enum
from pm_app.extensions import db


class RenovationType(str, enum.Enum):
    basic = "basic"  # 基础类
    improvement = "improvement"  # 完善类
    upgrade = "upgrade"  # 提升类


class ManagementMode(str, enum.Enum):
    professional = "professional"  # 专业物业
    street_entrusted = "street_entrusted"  # 街道社区托管
    quasi = "quasi"  # 准物业
    self_managed = "self_managed"  # 自管
    none = "none"  # 无物业


class FirmKind(str, enum.Enum):
    property = "property"
    contractor = "contractor"
    supervisor = "supervisor"


class City(db.Model):
    __tablename__ = "city"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    districts: Mapped[list[District]] = relationship(back_populates="city", order_by="District.name")


class District(db.Model):
    __tablename__ = "district"
    # Two cities may each have a 鼓楼区 (Fuzhou and Nanjing do).
    __table_args__ = (UniqueConstraint("city_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    # Left out, the deployment's first city (migration a30a00000014 creates it from CITY_NAME), so
    # a city-level deployment adds districts as it always has.
    city_id: Mapped[int] = mapped_column(
        ForeignKey("city.id"), index=True, default=select(func.min(City.id)).scalar_subquery()
    )
    name: Mapped[str] = mapped_column(String(64))
    city: Mapped[City] = relationship(back_populates="districts")
    streets: Mapped[list[Street]] = relationship(back_populates="district", order_by="Street.name")


class Street(db.Model):
    __tablename__ = "street"
    __table_args__ = (UniqueConstraint("district_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    district: Mapped[District] = relationship(back_populates="streets")


class Community(db.Model):
    __tablename__ = "community"
    __table_args__ = (UniqueConstraint("street_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    street: Mapped[Street] = relationship()


class Compound(db.Model):
    __tablename__ = "compound"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Printed on notice boards and QR codes; never changes once issued.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128), index=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(256))
    year_built: Mapped[int | None] = mapped_column(Integer)
    renovation_type: Mapped[RenovationType | None] = mapped_column(value_enum(RenovationType, "renovation_type"))
    acceptance_date: Mapped[date | None] = mapped_column(Date)
    management_mode: Mapped[ManagementMode] = mapped_column(value_enum(ManagementMode, "management_mode"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())

    street: Mapped[Street] = relationship()
    community: Mapped[Community | None] = relationship()


class Building(db.Model):
    __tablename__ = "building"
    __table_args__ = (UniqueConstraint("compound_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    name: Mapped[str] = mapped_column(String(32), index=True)  # the fee counter finds "3号楼" city-wide


class Household(db.Model):
    __tablename__ = "household"
    __table_args__ = (
        UniqueConstraint("building_id", "unit"),
        CheckConstraint("floor_area_dm2 > 0", name="area_positive"),
        # The fee counter's search (fees.counter.household_search): an owner's name, whole or its start
        # (LIKE '王芳%' reads this index on PostgreSQL through the pattern operator class), and
        # the last four digits of the phone (household_search.PHONE_TAIL is the same expression).
        Index("ix_household_owner_name", "owner_name", postgresql_ops={"owner_name": "varchar_pattern_ops"}),
        Index("ix_household_phone_tail", text("substr(owner_phone, length(owner_phone) - 3)")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # Kept beside building_id so scope and per-compound aggregates need no join.
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), index=True)
    unit: Mapped[str] = mapped_column(String(32))
    floor_area_dm2: Mapped[int] = mapped_column(BigInteger)  # 0.01 m²
    owner_name: Mapped[str | None] = mapped_column(String(64))
    owner_phone: Mapped[str | None] = mapped_column(String(32))
    # The day the household was registered here: bill generation bills it for that month and
    # later, never for months before it existed on record (issue 23). None: registered before
    # the date was kept (migration a23b00000002), billable for any month as before.
    registered_on: Mapped[date | None] = mapped_column(Date, default=today)

    building: Mapped[Building] = relationship()


class Firm(db.Model):
    __tablename__ = "firm"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[FirmKind] = mapped_column(value_enum(FirmKind, "firm_kind"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)  # 统一社会信用代码


class ServiceContract(db.Model):
    __tablename__ = "service_contract"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates_ordered"),
        CheckConstraint("fee_rate_fen >= 0", name="rate_not_negative"),
        CheckConstraint(
            "(CASE WHEN firm_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN committee_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN street_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_collecting_party",
        ),
        Index("ix_service_contract_compound_dates", "compound_id", "start_date", "end_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"))
    # Who manages the compound and collects its fees under this arrangement: a property firm, or
    # instead the compound's own self-management committee (自管会) or its street office (托管).
    # Exactly one of the three (issue 24; pm_app.org.parties reads them).
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id"), index=True)
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committee.id"), index=True)
    street_id: Mapped[int | None] = mapped_column(ForeignKey("street.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)  # inclusive
    fee_rate_fen: Mapped[int] = mapped_column(Integer)  # fen per m² per month
    billing_cycle: Mapped[str] = mapped_column(String(16), default="monthly")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())

    compound: Mapped[Compound] = relationship()
    firm: Mapped[Firm | None] = relationship()
    street: Mapped[Street | None] = relationship()

    def active_on(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date
