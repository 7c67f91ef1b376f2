"""The works routes are in the published OpenAPI."""


def test_openapi_describes_the_works_routes(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in (
        "/api/v1/projects",
        "/api/v1/projects/{project_id}",
        "/api/v1/projects/{project_id}/items",
        "/api/v1/warranty-items",
        "/api/v1/warranty-categories",
        "/api/v1/inspections",
        "/api/v1/warranty-claims",
        "/api/v1/warranty-claims/{claim_id}/close",
        "/api/v1/projects/{project_id}/deposit",
    ):
        assert path in paths, path
    parameters = {p["name"] for p in paths["/api/v1/warranty-items"]["get"]["parameters"]}
    assert {"expiring_within_days", "as_of", "compound_id", "category", "state"} <= parameters
