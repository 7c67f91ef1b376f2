"""Every 405 says which methods the resource does take (RFC 9110 §15.5.6: the Allow header is
required), on the API and on the pages alike: schemathesis found 405s without it."""

from __future__ import annotations

import pytest

from tests.org.conftest import City, city  # noqa: F401  (the fixture, shared)


@pytest.mark.parametrize(
    "method,path",
    [
        ("PUT", "/api/v1/bills"),
        ("DELETE", "/api/v1/compounds"),
        ("PATCH", "/api/v1/auth/me"),
        ("POST", "/api/v1/public/rankings"),
        ("PUT", "/login"),
    ],
)
def test_a_method_the_resource_does_not_take_is_405_with_allow(client, method, path):
    response = client.open(path, method=method)
    assert response.status_code == 405
    allowed = {name.strip() for name in response.headers.get("Allow", "").split(",") if name.strip()}
    assert allowed, f"{method} {path}: 405 without Allow"
    assert method not in allowed and ("GET" in allowed or "POST" in allowed)


def test_the_allow_header_names_exactly_the_routes_methods(api, city):
    response = api.as_(city.users["admin"]).request("PUT", f"/api/v1/compounds/{city.compound.id}")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS", "PATCH"}
    assert response.json["code"] == "method_not_allowed"


def test_every_405_of_the_url_map_carries_allow(app, client):
    """Each route asked with a method it does not take (one of PUT, DELETE, PATCH, POST)."""
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.arguments or rule.endpoint == "static":
            continue
        method = next(m for m in ("PUT", "DELETE", "PATCH", "POST") if m not in rule.methods)
        response = client.open(rule.rule, method=method)
        if response.status_code == 405 and not response.headers.get("Allow"):
            missing.append(f"{method} {rule.rule}")
    assert not missing, missing
