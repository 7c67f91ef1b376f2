"""CSRF on every state-changing page, walked route by route, and mass assignment: a body cannot
set what its caller may not (a role, an amount, a hash, an id, a timestamp).

- Every page route (not /api/) that takes POST/PUT/PATCH/DELETE is sent that method without a
  CSRF token, by a signed-in admin, with the app's CSRF protection on as in production: each must
  answer 400 and change no row. A route added later is walked too, so one that skips CSRF fails.
- Only the API blueprints (bearer tokens, which a browser never sends by itself) are exempt.
- Every API input body schema refuses unknown fields (marshmallow RAISE): an extra field is a 422
  naming it, and nothing is written. Query strings ignore unknown parameters (webargs' EXCLUDE):
  they only filter what the caller may already see.
- Page forms read only their declared fields (WTForms): an extra field is ignored.
"""

from __future__ import annotations

import pytest
from marshmallow import RAISE, Schema, fields

from pm_app.extensions import csrf, db
from tests.fees.pages import csrf_login
from tests.security.test_access_walk import _snapshot, _values

WRITES = ("POST", "PUT", "PATCH", "DELETE")
BODY_LOCATIONS = ("json", "form", "json_or_form")


def test_every_page_form_refuses_a_write_without_the_csrf_token(world, csrf_client):
    # `world` first: built before the CSRF app's context is pushed, so its requests keep its session.
    csrf_login(csrf_client, world.city.users["admin"])
    walked = []
    for rule in csrf_client.application.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.endpoint == "static":
            continue
        url = rule.build(_values(rule, world, "own"), append_unknown=False)[1]
        for method in sorted(set(rule.methods) & set(WRITES)):
            before = _snapshot()
            response = csrf_client.open(url, method=method, data={"note": "no token", "role": "admin"})
            assert response.status_code == 400, (method, url, response.status_code)
            assert _snapshot() == before, (method, url)
            walked.append(rule.endpoint)
    assert len(walked) >= 35, walked  # the walk reached the forms (login, logout, admin, fees, tickets, …)
    print(f"\n{len(walked)} page writes refused without a CSRF token")


def test_only_api_blueprints_are_exempt_from_csrf(app):
    assert not csrf._exempt_views  # noqa: SLF001  (flask-wtf keeps the exemptions here)
    for blueprint in csrf._exempt_blueprints:  # noqa: SLF001
        assert blueprint.url_prefix.startswith("/api/"), blueprint.name


def _argument_schemas(app):
    """(endpoint, method, location, schema) of every flask-smorest argument of the API."""
    for endpoint, view in app.view_functions.items():
        cls = getattr(view, "view_class", None)
        methods = [
            (m.upper(), getattr(cls, m))
            for m in ("get", "post", "patch", "put", "delete")
            if cls is not None and hasattr(cls, m)
        ] or [("", view)]
        for method, function in methods:
            for parameter in getattr(function, "_apidoc", {}).get("arguments", {}).get("parameters", []):
                yield endpoint, method, parameter["in"], parameter["schema"]


def _nested(schema: Schema):
    yield schema
    for field in schema.fields.values():
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested) and isinstance(inner.schema, Schema):
            yield from _nested(inner.schema)


def test_every_input_body_schema_refuses_unknown_fields(app):
    bodies = [(e, m, s) for e, m, location, s in _argument_schemas(app) if location in BODY_LOCATIONS]
    assert len(bodies) >= 40, len(bodies)
    for endpoint, method, schema in bodies:
        for part in _nested(schema):
            assert part.unknown == RAISE, (endpoint, method, type(part).__name__)


def _body_writes(app, world):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        view = app.view_functions[rule.endpoint]
        cls = getattr(view, "view_class", None)
        for method in sorted(set(rule.methods) & set(WRITES)):
            function = getattr(cls, method.lower()) if cls is not None else view
            parameters = getattr(function, "_apidoc", {}).get("arguments", {}).get("parameters", [])
            locations = {p["in"] for p in parameters} & set(BODY_LOCATIONS)
            if locations:
                yield method, rule.build(_values(rule, world, "own"), append_unknown=False)[1], locations


def test_an_unknown_field_in_any_body_is_a_422_naming_it_and_writes_nothing(app, api, world):
    admin = api.as_(world.city.users["admin"])
    admin.get("/api/v1/auth/me")  # the token is issued before the first snapshot
    sent = 0
    for method, url, locations in _body_writes(app, world):
        before = _snapshot()
        if "form" in locations:  # the uploads: multipart fields and files
            response = admin.request(method, url, data={"zz_planted": "1"}, content_type="multipart/form-data")
        else:
            response = admin.request(method, url, json={"zz_planted": 1})
        assert response.status_code == 422, (method, url, response.status_code, response.json)
        assert "zz_planted" in response.json["errors"], (method, url, response.json)
        assert _snapshot() == before, (method, url)
        sent += 1
    assert sent >= 35, sent
    print(f"\n{sent} API writes refused an unknown field")


@pytest.fixture
def valid(world):
    """Bodies each endpoint accepts, so that the planted field alone is what gets refused."""
    ids = {kind: sides["own"] for kind, sides in world.ids.items()}
    return ids, {
        "reversal": (f"/api/v1/payments/{ids['payment']}/reversal", {"reason": "wrong bill"}),
        "payment": ("/api/v1/payments", {"bill_id": ids["bill"], "amount": "1.00", "method": "cash"}),
        "waiver": (f"/api/v1/bills/{ids['bill']}/waivers", {"amount": "1.00", "reason": "r", "approved_by": "me"}),
        "entry": (
            f"/api/v1/ledger/{ids['compound']}/entries",
            {
                "account": "public_revenue",
                "direction": "in",
                "amount": "1.00",
                "date": "2026-01-15",
                "description": "d",
            },
        ),
        "deduction": (
            "/api/v1/deductions",
            {"period_id": ids["period"], "firm_id": ids["firm"], "points": "1", "reason": "blocked exit"},
        ),
        "compound": (f"/api/v1/compounds/{ids['compound']}", {"name": "东门新村"}),
        "ticket": (
            "/api/v1/tickets",
            {"compound_id": ids["compound"], "category": "water_leak", "source": "phone", "description": "漏水"},
        ),
    }


# (body, planted field, value): what a caller may not set through a body.
PLANTED = [
    ("reversal", "amount", "999.00"),  # a reversal undoes the whole payment, never another amount
    ("payment", "status", "paid"),  # the bill's status follows from its payments
    ("payment", "recorded_by", 1),  # the recorder is the caller
    ("waiver", "bill_id", 1),  # the bill is the one in the path
    ("entry", "hash", "00" * 32),  # the ledger's hash chain is computed
    ("entry", "balance", "1000000.00"),  # balances are sums of entries
    ("entry", "seq", 1),
    ("deduction", "score", "100.00"),  # scores and grades are computed from the indicators
    ("deduction", "grade", "A"),
    ("compound", "id", 987654),
    ("compound", "created_at", "2020-01-01T00:00:00+08:00"),
    ("ticket", "status", "closed"),  # a ticket moves only through its transitions
    ("ticket", "tracking_code", "MINE0001"),
]


@pytest.mark.parametrize("kind,field,value", PLANTED, ids=[f"{k}.{f}" for k, f, _ in PLANTED])
def test_a_field_the_caller_may_not_set_is_refused_by_name_and_writes_nothing(api, world, valid, kind, field, value):
    admin = api.as_(world.city.users["admin"])
    admin.get("/api/v1/auth/me")
    url, body = valid[1][kind]
    method = "PATCH" if kind == "compound" else "POST"
    before = _snapshot()
    response = admin.request(method, url, json={**body, field: value}, headers={"Idempotency-Key": f"plant-{field}"})
    assert response.status_code == 422, response.json
    assert list(response.json["errors"]) == [field], response.json
    assert _snapshot() == before


def test_no_route_lets_a_user_change_their_own_role(api, client, world):
    firm_user = world.city.users["firm_staff"]
    response = api.as_(firm_user).patch("/api/v1/auth/me", json={"role": "admin"})
    assert response.status_code == 405
    from tests.security.conftest import login

    login(client, firm_user)
    assert client.post("/admin/users/new", data={"username": "x", "role": "admin"}).status_code == 404
    assert client.post(f"/admin/users/{firm_user.id}/password", data={"role": "admin"}).status_code == 404
    db.session.refresh(firm_user)
    assert firm_user.role.value == "firm_staff"


def test_a_page_form_ignores_fields_it_does_not_declare(client, world):
    """An admin resetting a password cannot change the user's role by adding a field to the form."""
    from tests.security.conftest import login

    firm_user = world.city.users["firm_staff"]
    login(client, world.city.users["admin"])
    response = client.post(
        f"/admin/users/{firm_user.id}/password",
        data={"password": "another-pass-1", "confirm": "another-pass-1", "role": "admin"},
    )
    assert response.status_code in (200, 302)
    db.session.refresh(firm_user)
    assert firm_user.role.value == "firm_staff"
