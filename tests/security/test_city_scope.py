"""A province deployment (issue 30): the two-street world split into two cities, the `other`
street's district in a second city. A regulator scoped to the first city is walked over every
route as the scoped roles are in test_access_walk.py: the other city's objects answer exactly as
missing ones, a refused write changes nothing, and no 200 body (page, API, list, count, chart,
export) carries a marker of the other city. The province's regulator still sees both cities, and
its home adds them up city by city."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pm_app.auth.models import Role, User
from pm_app.common.clock import now, today
from pm_app.dashboards import snapshot
from pm_app.extensions import db
from pm_app.org.models import City, District
from tests.factories import UserFactory
from tests.security import test_access_walk as access
from tests.security.conftest import login
from tests.security.routes import FIXED_ARGS, OBJECT_ARGS  # noqa: F401  (read through `access`)


@pytest.fixture
def province(world):
    """The world with the other street's district moved to a second city, and a regulator of the first."""
    city = world.city
    home = db.session.get(City, city.street.district.city_id)
    other = City(name="外市")
    db.session.add(other)
    db.session.flush()
    city.other_street.district.city_id = other.id
    city.users["city_regulator"] = UserFactory(role=Role.regulator, city_id=home.id)
    db.session.flush()
    return world, home, other


def test_a_city_regulator_meets_the_other_city_as_missing_everywhere(app, api, province, monkeypatch):
    world, _home, _other = province
    # Walked as a scoped role. What the street officers share it shares: firms (the register is
    # public), the one ranking period of the deployment, the public codes of compounds and tickets.
    monkeypatch.setattr(access, "SCOPED_ROLES", (*access.SCOPED_ROLES, "city_regulator"))
    for kind, roles in access.SHARED.items():
        monkeypatch.setitem(access.SHARED, kind, roles | {"city_regulator"})
    walk = access.Walk(app, api, world)
    for rule in app.url_map.iter_rules():
        if set(rule.arguments) - set(access.OBJECT_ARGS) - set(access.FIXED_ARGS):
            continue  # a route routes.py does not know yet: test_every_route_has_a_rule fails for it
        for method in access._methods(rule):
            access._walk_route(walk, "city_regulator", rule, method)
    assert walk.counts["out_of_scope"] > 50 and walk.counts["status_200"] > 50, walk.counts
    assert walk.failures == [], "\n" + "\n".join(walk.failures)


def test_the_city_regulators_city_wide_figures_are_its_city_only(api, province):
    world, _home, _other = province
    regulator = api.as_(world.city.users["city_regulator"])
    query = "period_from=2026-09&period_to=2026-09"
    city_wide = regulator.get(f"/api/v1/collection-rates?scope=city&{query}")
    own = regulator.get(f"/api/v1/collection-rates?scope=compound&id={world.city.compound.id}&{query}")
    assert city_wide.status_code == own.status_code == 200, city_wide.json
    assert city_wide.json == own.json and city_wide.json[0]["receivable"] != "0.00"
    compounds = regulator.get("/api/v1/compounds").json
    assert [c["id"] for c in compounds] == [world.city.compound.id]
    assert regulator.get(f"/api/v1/compounds/{world.city.other.id}").status_code == 404
    districts = regulator.get("/api/v1/districts").json
    assert [d["id"] for d in districts] == [world.city.street.district.id]


def test_the_province_regulator_sees_both_cities_and_its_home_adds_them_up(app, province):
    world, home, other = province
    regulator = world.city.users["regulator"]  # no city: the province
    snapshot.take(today(), now())  # its worst compounds are the nightly run's (dashboards.snapshot)
    client = app.test_client()
    assert login(client, regulator).status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert 'id="cities"' in page and home.name in page and "外市" in page and world.city.other.name in page
    city_client = app.test_client()
    assert login(city_client, world.city.users["city_regulator"]).status_code == 302
    city_page = city_client.get("/").get_data(as_text=True)
    assert 'id="cities"' not in city_page and world.city.other_street.name not in city_page


def test_the_admin_creates_a_city_and_scopes_a_regulator_which_ends_their_sessions(app, api, city):
    admin = app.test_client()
    assert login(admin, city.users["admin"]).status_code == 302
    assert admin.post("/admin/cities", data={"name": "泉州市"}).status_code == 302
    assert admin.post("/admin/cities", data={"name": "泉州市"}).status_code == 422  # one name, one city
    quanzhou = db.session.scalar(select(City).where(City.name == "泉州市"))
    regulator = city.users["regulator"]
    before = regulator.session_version
    assert admin.post(f"/admin/users/{regulator.id}/city", data={"city_id": str(quanzhou.id)}).status_code == 302
    assert regulator.city_id == quanzhou.id and regulator.session_version == before + 1
    assert api.as_(regulator).get(f"/api/v1/compounds/{city.compound.id}").status_code == 404
    assert admin.post(f"/admin/users/{regulator.id}/city", data={"city_id": ""}).status_code == 302
    assert regulator.city_id is None  # back to every city
    assert admin.post(f"/admin/users/{regulator.id}/city", data={"city_id": "999999"}).status_code == 422
    officer = city.users["street_officer"]
    assert admin.get(f"/admin/users/{officer.id}/city").status_code == 404  # only a regulator has a city


def test_only_a_regulator_takes_a_city_and_it_must_exist(app, city):
    admin = app.test_client()
    assert login(admin, city.users["admin"]).status_code == 302
    form = {"username": "quanzhou-reg", "password": "Ho9-long-enough", "role": "regulator", "city_id": "999999"}
    assert admin.post("/admin/users/new", data=form).status_code == 422
    home = city.street.district.city_id
    form = {**form, "city_id": str(home)}
    assert admin.post("/admin/users/new", data=form).status_code == 302
    assert db.session.scalar(select(User.city_id).where(User.username == "quanzhou-reg")) == home
    form = {
        "username": "officer-x",
        "password": "Ho9-long-enough",
        "role": "street_officer",
        "street_ids": [str(city.street.id)],
        "city_id": str(home),
    }
    assert admin.post("/admin/users/new", data=form).status_code == 422


def test_a_district_names_its_city_once_the_deployment_has_several(api, city):
    admin = api.as_(city.users["admin"])
    assert admin.post("/api/v1/districts", json={"name": "马尾区"}).status_code == 201  # the one city
    other = City(name="厦门市")
    db.session.add(other)
    db.session.flush()
    refused = admin.post("/api/v1/districts", json={"name": "思明区"})
    assert refused.status_code == 422 and "city_id" in refused.json["errors"]
    made = admin.post("/api/v1/districts", json={"name": "鼓楼区", "city_id": other.id})  # 鼓楼区 in two cities
    assert made.status_code == 201 and made.json["city_id"] == other.id
    assert db.session.get(District, made.json["id"]).name == city.street.district.name
