"""Demo accounts: one per role, bound so each role's view has something in it and something outside it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from pm_app.auth.models import Role
from pm_app.auth.services import authenticate
from pm_app.common.clock import today
from pm_app.extensions import db
from pm_app.fees import seed_bills
from pm_app.org.demo import DEMO_PASSWORD, DEMO_USERNAMES, create_demo_accounts, demo_accounts
from pm_app.org.models import Compound, FirmKind, ServiceContract, Street
from pm_app.seeding import seed_city


@pytest.fixture(autouse=True)
def _one_month_of_bills(monkeypatch):
    """The accounts need the city, not three years of its bills (tests/fees/test_seed.py)."""
    monkeypatch.setattr(seed_bills, "MONTHS", 1)


def _seed_with_accounts(scale: str) -> dict:
    seed_city(scale)
    create_demo_accounts()
    return {user.username: user for user in demo_accounts()}


@pytest.fixture
def accounts():
    return _seed_with_accounts("street")  # the small city is enough where one street will do


def _current(day: date):
    return (ServiceContract.start_date <= day) & (ServiceContract.end_date >= day)


def test_there_is_one_demo_account_per_role_with_the_published_password(accounts):
    assert sorted(accounts) == sorted(DEMO_USERNAMES)
    assert {user.role for user in accounts.values()} == set(Role)
    assert authenticate("street", DEMO_PASSWORD) == accounts["street"]


def test_each_demo_account_is_bound_to_a_fitting_object(accounts):
    first_street = db.session.scalar(select(Street).order_by(Street.id).limit(1))
    assert accounts["street"].streets == [first_street]
    assert accounts["street"].display_name == f"{first_street.district.name} {first_street.name} 街道办"

    per_firm = dict(
        db.session.execute(
            select(ServiceContract.firm_id, func.count())
            .where(_current(today()), ServiceContract.firm_id.is_not(None))
            .group_by(ServiceContract.firm_id)
        ).all()
    )
    assert per_firm[accounts["firm"].firm_id] == max(per_firm.values())
    assert accounts["contractor"].firm.kind == FirmKind.contractor

    committee = accounts["committee"]
    assert (
        db.session.scalar(
            select(ServiceContract.id).where(ServiceContract.compound_id == committee.compound_id, _current(today()))
        )
        is not None
    )
    assert committee.display_name.endswith("业委会")


def test_creating_the_demo_accounts_again_adds_nothing(accounts):
    assert create_demo_accounts() == []


def test_street_account_sees_its_street_and_the_regulator_the_city(api):
    accounts = _seed_with_accounts("demo")  # six streets: something outside the officer's
    street_id = accounts["street"].streets[0].id
    own = set(db.session.scalars(select(Compound.code).where(Compound.street_id == street_id)))

    response = api.as_(accounts["street"]).get("/api/v1/compounds?page_size=100")
    assert response.status_code == 200, response.json
    assert {c["code"] for c in response.json} == own

    response = api.as_(accounts["regulator"]).get("/api/v1/compounds?page_size=100")
    assert len(response.json) == 60 > len(own)


@pytest.mark.parametrize("demo_mode", [True, False])
def test_login_page_lists_demo_accounts_only_in_demo_mode(app, client, accounts, monkeypatch, demo_mode):
    monkeypatch.setitem(app.config, "DEMO_MODE", demo_mode)
    page = client.get("/login").get_data(as_text=True)
    assert (DEMO_PASSWORD in page) is demo_mode
    assert (accounts["street"].display_name in page) is demo_mode
