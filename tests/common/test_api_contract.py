"""What schemathesis (tests/security/test_schemathesis.py) found in the API and its description,
each pinned by a plain test: ids too large for the database, decimals documented as numbers, the
error body, and statuses or bodies the description did not list."""

from __future__ import annotations

import pytest

from pm_app.common.api_contract import DB_INT_MAX
from tests.org.conftest import City, city  # noqa: F401  (the fixture, shared)

HUGE = 2**64


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").json


@pytest.mark.parametrize("path", ["/api/v1/compounds/{id}", "/api/v1/tickets/{id}", "/api/v1/appeals/{id}/decision"])
@pytest.mark.parametrize("number", [DB_INT_MAX + 1, HUGE])
def test_an_id_past_the_database_integers_is_not_found_not_a_server_error(api, city, path, number):
    method = "post" if path.endswith("decision") else "get"
    response = getattr(api.as_(city.users["admin"]), method)(path.format(id=number), json={"accept": True})
    assert response.status_code == 404, response.get_data(True)


def test_the_largest_database_integer_is_still_an_id(api, city):
    assert api.as_(city.users["admin"]).get(f"/api/v1/compounds/{DB_INT_MAX}").status_code == 404


@pytest.mark.parametrize("value", [DB_INT_MAX + 1, HUGE, -HUGE])
def test_an_integer_too_large_in_a_body_is_refused_naming_the_field(api, city, value):
    response = api.as_(city.users["admin"]).post("/api/v1/communities", json={"name": "x", "street_id": value})
    assert response.status_code == 422, response.get_data(True)
    assert "street_id" in response.json["errors"]


def test_an_integer_too_large_in_a_query_is_refused(api, city):
    response = api.as_(city.users["admin"]).get(f"/api/v1/bills?compound_id={HUGE}")
    assert response.status_code == 422
    assert "compound_id" in response.json["errors"]


def test_integer_inputs_document_the_database_bounds(spec):
    for name, schema in spec["components"]["schemas"].items():
        if not (name.endswith("In") or name.endswith("Query")):
            continue
        for prop, definition in schema.get("properties", {}).items():
            if definition.get("type") == "integer":
                assert definition.get("maximum", DB_INT_MAX + 1) <= DB_INT_MAX, (name, prop, definition)
    compound = spec["paths"]["/api/v1/compounds/{compound_id}"]["parameters"][0]
    assert compound["schema"] == {"type": "integer", "minimum": 0, "maximum": DB_INT_MAX}


def test_decimals_are_documented_as_the_strings_they_are(spec):
    quantity = spec["components"]["schemas"]["ItemIn"]["properties"]["quantity"]
    assert quantity["type"] == "string" and "minimum" not in quantity
    assert spec["components"]["schemas"]["ItemOut"]["properties"]["quantity"]["type"] == "string"


def test_the_error_body_is_documented_as_sent(spec, client):
    error = spec["components"]["schemas"]["ErrorOut"]["properties"]
    assert error["code"]["type"] == "string" and set(error) == {"code", "message", "errors"}
    assert set(client.get("/api/v1/bills").json) == {"code", "message", "errors"}


def test_every_operation_that_takes_a_token_documents_401_403_404(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters" or operation.get("security") == []:
                continue
            assert {"401", "403", "404"} <= set(operation["responses"]), (method, path)


@pytest.mark.parametrize(
    "path,method,status",
    [
        ("/api/v1/committees/coverage", "get", "200"),
        ("/api/v1/ledger/{compound_id}/balances", "get", "200"),
        ("/api/v1/rankings/periods/{period_id}/correct", "post", "409"),
        ("/api/v1/auth/token", "post", "401"),
        ("/api/v1/auth/token", "post", "429"),
        ("/api/v1/public/rankings", "get", "404"),
        ("/api/v1/public/rankings/firms/{firm_id}", "get", "404"),
        ("/api/v1/bills/{bill_id}/waivers", "post", "400"),
    ],
)
def test_statuses_the_description_missed_are_documented(spec, path, method, status):
    assert status in spec["paths"][path][method]["responses"]


def test_coverage_and_balances_bodies_are_described(spec):
    schemas = spec["components"]["schemas"]
    assert set(schemas["CoverageOut"]["properties"]) == {
        "as_of",
        "base",
        "compounds",
        "left_out",
        "by_status",
        "established",
        "by_kind",
        "preparing",
        "party_organisation",
        "red_property",
    }
    assert set(schemas["BalancesOut"]["properties"]) == {"compound_id", "balances"}


def test_score_parts_of_an_unrated_firm_may_be_null(spec):
    result = spec["components"]["schemas"]["ResultOut"]["properties"]
    assert all(result[part].get("nullable") for part in ("base_score", "awards", "deductions", "score"))


def test_no_two_schemas_share_a_name_in_the_description():
    """apispec renames the second schema of a name ("ShareOut1") with only a warning: a client
    generated from the description would then get a type named after nothing."""
    import warnings

    from pm_app import create_app
    from pm_app.config import TestConfig

    class Fresh(TestConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app = create_app(Fresh)
        with app.test_request_context():
            app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    assert not [str(w.message) for w in caught if "Multiple schemas resolved" in str(w.message)]
