"""The bound of bench/pages.py must do what it claims, or its ratio would prove nothing: find the
caller (by the product's session cookie or bearer token) as the product does, refuse whom the
product refuses, keep an officer to its street, and compute the same figures as the product."""
from __future__ import annotations

from decimal import Decimal

import pytest

from bench.pages_bound import bound_app
from pm_app.auth.models import Role
from pm_app.auth.services import SESSION_VERSION, issue_token
from pm_app.common.clock import now, today
from pm_app.extensions import db
from pm_app.fees.billing import generate_for_compound
from pm_app.fees.periods import period_of, shift
from tests.factories import BuildingFactory, ContractFactory, HouseholdFactory, UserFactory

pytestmark = [pytest.mark.postgres_only, pytest.mark.commits]


@pytest.fixture
def city(app):
    last = shift(period_of(today()), -1)
    admin = UserFactory(role=Role.admin)
    contracts = [ContractFactory(fee_rate_fen=200), ContractFactory(fee_rate_fen=300)]
    for contract in contracts:
        building = BuildingFactory(compound_id=contract.compound.id)
        for n in range(3):
            HouseholdFactory(building=building, unit=f"1-{n}", floor_area_dm2=10000)
        generate_for_compound(admin, contract.compound, last)
    mine, theirs = (c.compound for c in contracts)
    officer = UserFactory(role=Role.street_officer, streets=[mine.street])
    token = issue_token(officer)
    db.session.commit()
    params = {"street": None, "compound": mine.id, "last": last, "first": shift(last, -11), "today": today(),
              "at": now()}
    return {"officer": officer, "token": token, "mine": mine, "theirs": theirs, "params": params}


@pytest.fixture
def bound(app, city):
    """bound(**params): a client of the bound app; each app's own connection (the least's) closed after."""
    made = []

    def make(**params):
        made.append(bound_app(db.engine, app.secret_key, city["params"] | params))
        return made[-1].test_client()

    yield make
    for each in made:
        each.extensions["least_connection"].close()


def _signed_in(client, user, version=None):
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session[SESSION_VERSION] = user.session_version if version is None else version
    return client


def test_the_bounds_rates_are_the_products(client, city, bound):
    """The street's rates by the bound (the reference's SQL, scoped by the token's user) are the
    figures the product's API answers for the same street and months."""
    params = city["params"]
    bearer = {"Authorization": f"Bearer {city['token']}"}
    product = client.get(f"/api/v1/collection-rates?scope=street&id={city['mine'].street_id}"
                         f"&period_from={params['first']}&period_to={params['last']}", headers=bearer).get_json()
    (rows,) = bound().get("/api/rates_street", headers=bearer).get_json()
    assert [[p, _yuan(r), _yuan(d)] for p, r, d, _b, _p in rows] == \
        [[row["period"], row["receivable"], row["received"]] for row in product if row["households_billed"]]
    # three households at 200.00; the other street's three at 300.00 are not the officer's
    assert [[p, int(r), int(d), b, q] for p, r, d, b, q in rows] == [[params["last"], 3 * 20000, 0, 3, 0]]


def test_the_bound_refuses_whom_the_product_refuses(city, bound):
    bound = bound()
    assert bound.get("/api/rates_street").status_code == 401
    assert bound.get("/api/rates_street", headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    assert bound.get("/page/street_home").status_code == 401
    # a cookie from an older generation of the user's sessions (before a logout or a password change)
    assert _signed_in(bound, city["officer"], version=city["officer"].session_version + 1) \
        .get("/page/street_home").status_code == 401


def test_the_bound_keeps_an_officer_to_its_street(city, bound):
    own = _signed_in(bound(), city["officer"])
    assert own.get("/page/compound_page").status_code == 200
    assert own.get("/page/street_home").status_code == 200
    other = _signed_in(bound(compound=city["theirs"].id), city["officer"])
    assert other.get("/page/compound_page").status_code == 404


def test_the_least_computes_the_bounds_rates(city, bound):
    """The least (the token's check inside the rates' one statement) answers the bound's figures."""
    bearer = {"Authorization": f"Bearer {city['token']}"}
    least = bound(street=city["mine"].street_id)
    (rows,) = least.get("/api/rates_street", headers=bearer).get_json()
    assert rows and least.get("/least/rates_street", headers=bearer).get_json() == rows


def test_the_least_answers_nothing_to_whom_the_product_refuses(city, bound):
    """It cannot say 401 or 404 (that would take a second statement), but it reveals nothing either:
    no token, a foreign one, a street not the caller's, or the city to a street officer give no rows."""
    bearer = {"Authorization": f"Bearer {city['token']}"}
    least = bound(street=city["mine"].street_id)
    UserFactory(role=Role.street_officer, streets=[city["theirs"].street])  # the other street has its officer
    db.session.commit()
    assert least.get("/least/rates_street").get_json() == []
    assert least.get("/least/rates_street", headers={"Authorization": "Bearer not-a-token"}).get_json() == []
    assert least.get("/least/rates_city", headers=bearer).get_json() == []
    assert bound(street=city["theirs"].street_id).get("/least/rates_street", headers=bearer).get_json() == []
    regulator = issue_token(UserFactory(role=Role.regulator))
    db.session.commit()
    city_rows = least.get("/least/rates_city", headers={"Authorization": f"Bearer {regulator}"}).get_json()
    assert [[p, int(r)] for p, r, *_ in city_rows] == [[city["params"]["last"], 3 * 20000 + 3 * 30000]]


def _yuan(fen: int) -> str:
    return str((Decimal(fen) / 100).quantize(Decimal("0.01")))
