"""Users, their role and the bindings that give the role its scope; API tokens."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, func, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pm_app.common.types import UTCDateTime, value_enum
from pm_app.extensions import db
from pm_app.org.models import City, Compound, Firm, Street


class Role(str, enum.Enum):
    admin = "admin"
    regulator = "regulator"
    street_officer = "street_officer"
    firm_staff = "firm_staff"
    contractor_staff = "contractor_staff"
    committee_member = "committee_member"


# Which binding each role needs; create_user refuses a user without it.
ROLE_BINDING = {
    Role.street_officer: "streets",
    Role.firm_staff: "firm",
    Role.contractor_staff: "firm",
    Role.committee_member: "compound",
}

user_street = Table(
    "user_street",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("street_id", ForeignKey("street.id"), primary_key=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(value_enum(Role, "role"))
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id"), index=True)
    compound_id: Mapped[int | None] = mapped_column(ForeignKey("compound.id"), index=True)
    # A regulator's city (issue 30): set, the regulator sees that city only; None, every city of
    # the deployment (the province's regulator, or the one regulator of a city-level deployment).
    city_id: Mapped[int | None] = mapped_column(ForeignKey("city.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # The generation of the user's page sessions: a signed cookie cannot be taken back, so each
    # session carries the number it was opened under, and raising it ends every copy at once.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())

    streets: Mapped[list[Street]] = relationship(secondary=user_street, order_by="Street.id")
    firm: Mapped[Firm | None] = relationship()
    compound: Mapped[Compound | None] = relationship()
    city: Mapped[City | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def street_ids(self) -> list[int]:
        return [s.id for s in self.streets]

    @property
    def sees_whole_city(self) -> bool:
        """Unscoped: everything the deployment holds (every city of a province). A city's
        regulator is not: the scope rules filter them to their city (org.scope)."""
        return self.role == Role.admin or (self.role == Role.regulator and self.city_id is None)

    @property
    def city_regulator(self) -> bool:
        """A regulator scoped to one city: it governs that city as the unscoped regulator
        governs all (registers compounds, reads city-wide rates), and sees nothing else."""
        return self.role == Role.regulator and self.city_id is not None


class ApiToken(db.Model):
    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # Only the SHA-256 of the token is kept: a leaked table leaks no usable token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
