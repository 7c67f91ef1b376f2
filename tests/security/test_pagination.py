"""Every paginated list of the API says where the reader is in X-Pagination, consistently: the
count, the pages of the size asked, the page asked even past the end or on an empty list, the
way back and forward, and exactly that page's rows in the body. schemathesis found headers
without `page` past the last page and on empty lists, and a header documented as an OpenAPI
object ("simple" style: total,3,page,1) while the API sends JSON."""

from __future__ import annotations

import json

import pytest

from tests.security.pagination import check_pagination

LISTS = [
    "/api/v1/compounds",
    "/api/v1/bills",
    "/api/v1/payments",
    "/api/v1/tickets",
    "/api/v1/committees",
    "/api/v1/rankings/periods",
    "/api/v1/alerts",
    "/api/v1/audit-events",
    "/api/v1/firms",
    "/api/v1/projects",
    "/api/v1/deductions",
]


def _read(api, user, path, **query):
    response = api.as_(user).get(path, query_string=query)
    assert response.status_code == 200, (path, query, response.get_data(True)[:300])
    return response


@pytest.mark.parametrize("path", LISTS)
def test_every_page_of_a_list_has_a_consistent_header(api, world, path):
    admin = world.city.users["admin"]
    total = _meta(_read(api, admin, path))["total"]
    for query in (
        {},
        {"page_size": 1},
        {"page_size": 1, "page": max(total, 1)},
        {"page_size": 1, "page": 2},
        {"page": 2},
        {"page": 1000, "page_size": 7},
        {"page_size": 500},
    ):
        response = _read(api, admin, path, **query)
        problem = check_pagination(query, response.headers.get("X-Pagination"), response.json)
        assert problem is None, (path, query, problem)


def test_a_page_past_the_end_says_which_page_it_is_and_leads_back(api, world):
    response = _read(api, world.city.users["admin"], "/api/v1/committees", page=9, page_size=1)
    assert response.json == []
    assert _meta(response) == {
        "total": 2,
        "total_pages": 2,
        "first_page": 1,
        "last_page": 2,
        "page": 9,
        "previous_page": 2,
    }


def test_an_empty_list_still_names_its_page(api, world):
    response = _read(api, world.city.users["admin"], "/api/v1/bills", period="2001-01", page=3)
    assert _meta(response) == {"total": 0, "total_pages": 0, "page": 3}


@pytest.mark.parametrize(
    "query,field",
    [
        ({"page": 0}, "page"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": 501}, "page_size"),
        ({"page": 10**21}, "page"),
        ({"page": "x"}, "page"),
    ],
)
def test_page_and_page_size_out_of_bounds_are_refused_naming_them(api, world, query, field):
    response = api.as_(world.city.users["admin"]).get("/api/v1/compounds", query_string=query)
    assert response.status_code == 422, response.get_data(True)
    assert field in response.json["errors"]


def test_the_header_is_documented_as_the_json_it_is(client):
    spec = client.get("/api/v1/openapi.json").json
    header = spec["components"]["headers"]["PAGINATION"]
    assert "schema" not in header
    assert header["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/PaginationMetadata"}


def _meta(response) -> dict:
    return json.loads(response.headers["X-Pagination"])
