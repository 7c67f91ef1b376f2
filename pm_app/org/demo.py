"""Demo accounts: one per role, bound to seeded objects, so a visitor can see every role's view.

They all share the password the login page shows in demo mode; they are only ever created by
`pm-app demo`, never by a normal deployment.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from pm_app.auth.models import Role, User
from pm_app.auth.services import create_user
from pm_app.common.clock import today
from pm_app.extensions import db
from pm_app.org.models import Compound, Firm, FirmKind, ServiceContract, Street

DEMO_PASSWORD = "demo1234"
DEMO_USERNAMES = ("admin", "regulator", "street", "firm", "contractor", "committee")

Binding = dict | None  # create_user keyword arguments plus display_name; None when nothing fits


def create_demo_accounts() -> list[User]:
    """Create the demo accounts that are missing; returns the ones created. An account whose
    binding the database cannot supply (no contractor firm, say) is skipped. Flushes."""
    existing = set(db.session.scalars(select(User.username).where(User.username.in_(DEMO_USERNAMES))))
    created = []
    for username, role, binding in _ACCOUNTS:
        if username in existing:
            continue
        fields = binding()
        if fields is None:
            continue
        created.append(create_user(username, DEMO_PASSWORD, role, enforce_policy=False, **fields))
    return created


def demo_accounts() -> list[User]:
    return list(db.session.scalars(select(User).where(User.username.in_(DEMO_USERNAMES)).order_by(User.id)))


def _street() -> Binding:
    street = db.session.scalar(select(Street).order_by(Street.id).limit(1))
    if street is None:
        return None
    return {"street_ids": [street.id], "display_name": f"{street.district.name} {street.name} 街道办"}


def _busiest_firm() -> Binding:
    """The property firm with the most current contracts: the fullest firm view."""
    day = today()
    firm_id = db.session.scalar(
        select(ServiceContract.firm_id)
        .where(
            ServiceContract.start_date <= day, ServiceContract.end_date >= day, ServiceContract.firm_id.is_not(None)
        )  # not the 自管会's or street office's contracts
        .group_by(ServiceContract.firm_id)
        .order_by(func.count().desc(), ServiceContract.firm_id)
        .limit(1)
    )
    firm = db.session.get(Firm, firm_id) if firm_id else None
    return {"firm_id": firm.id, "display_name": firm.name[:64]} if firm else None


def _contractor() -> Binding:
    firm = db.session.scalar(select(Firm).where(Firm.kind == FirmKind.contractor).order_by(Firm.id).limit(1))
    return {"firm_id": firm.id, "display_name": firm.name[:64]} if firm else None


def _committee() -> Binding:
    """The compound the committees seed gave an owners' committee in office (its _demo_compound):
    the first by code with a current property firm's contract, so the account sees a firm at work."""
    day = today()
    compound = db.session.scalar(
        select(Compound)
        .join(ServiceContract, ServiceContract.compound_id == Compound.id)
        .where(ServiceContract.start_date <= day, ServiceContract.end_date >= day, ServiceContract.firm_id.is_not(None))
        .order_by(Compound.code)
        .limit(1)
    )
    return {"compound_id": compound.id, "display_name": f"{compound.name} 业委会"} if compound else None


_ACCOUNTS: list[tuple[str, Role, Callable[[], Binding]]] = [
    ("admin", Role.admin, lambda: {"display_name": "系统管理员"}),
    ("regulator", Role.regulator, lambda: {"display_name": "市住建局"}),
    ("street", Role.street_officer, _street),
    ("firm", Role.firm_staff, _busiest_firm),
    ("contractor", Role.contractor_staff, _contractor),
    ("committee", Role.committee_member, _committee),
]
