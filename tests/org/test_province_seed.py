"""The province seed (issue 30): several cities in one database, each its own city-scale seed in
its own City row, resumable city by city; and a regulator of one city sees that city only."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from pm_app.auth.models import Role
from pm_app.auth.scope import visible
from pm_app.extensions import db
from pm_app.fees import seed_bills
from pm_app.fees.models import Bill, Payment
from pm_app.org.models import City, Compound, District, Household, Street
from pm_app.org.seed_run import SCALES
from pm_app.seeding import seed_city
from tests.factories import UserFactory

AS_OF = date(2026, 6, 30)
# Two small cities: the province's shape at the street scale's size.
TINY = replace(SCALES["street"], name="province", province=True, compounds=6, households=240, cities=2)


@pytest.fixture(autouse=True)
def _two_months_of_bills(monkeypatch):
    monkeypatch.setattr(seed_bills, "MONTHS", 2)


def _per_city(model, column) -> dict[str, int]:
    """Rows of `model` by the city of their compound (`column`: the compound's id on the row)."""
    query = (
        select(City.name, func.count())
        .join(District, District.city_id == City.id)
        .join(Street, Street.district_id == District.id)
        .join(Compound, Compound.street_id == Street.id)
    )
    if model is not Compound:
        query = query.join(model, column == Compound.id)
    return dict(db.session.execute(query.group_by(City.name)).all())


def test_each_city_is_seeded_whole_in_its_own_city_and_billed_once(app):
    calls = []
    run = seed_city(TINY, as_of=AS_OF, after_city=lambda r: calls.append(r.rows.get("city")))
    assert calls == [1, 2] and run.rows["city"] == 2
    assert _per_city(Compound, Compound.id) == {"福州市": 6, "厦门市": 6}
    households = _per_city(Household, Household.compound_id)
    bills = _per_city(Bill, Bill.compound_id)
    assert set(bills) == {"福州市", "厦门市"} and run.rows["bill"] == sum(bills.values())
    # Two months of each city's own households: a later city's run bills no earlier city again.
    assert all(bills[name] <= 2 * households[name] for name in bills)
    codes = list(db.session.scalars(select(Compound.code)))
    assert {code.split("-")[0] for code in codes} == {"FZ", "XM"} and len(set(codes)) == len(codes)
    assert db.session.scalar(select(func.count()).select_from(Payment)) == run.rows["payment"]
    # 鼓楼区 in both cities: districts are unique within their city only.
    assert db.session.scalar(select(func.count()).select_from(District).where(District.name == "鼓楼区")) == 2


def test_a_province_seed_resumes_with_the_cities_not_yet_there(app):
    seed_city(replace(TINY, cities=1), as_of=AS_OF)
    first = db.session.scalar(select(func.count()).select_from(Compound))
    run = seed_city(TINY, as_of=AS_OF)
    assert run.rows["city"] == 1 and _per_city(Compound, Compound.id) == {"福州市": first, "厦门市": 6}


def test_a_regulator_of_one_seeded_city_sees_that_city_only(app):
    seed_city(TINY, as_of=AS_OF)
    xiamen = db.session.scalar(select(City).where(City.name == "厦门市"))
    regulator = UserFactory(role=Role.regulator, city_id=xiamen.id)
    seen = list(db.session.scalars(visible(Compound, regulator)))
    assert seen and all(c.code.startswith("XM-") for c in seen) and len(seen) == 6
    bills = db.session.scalar(
        select(func.count())
        .select_from(Bill)
        .where(Bill.id.in_(select(Bill.id).where(visible(Bill, regulator).whereclause)))
    )
    assert bills == _per_city(Bill, Bill.compound_id)["厦门市"]
