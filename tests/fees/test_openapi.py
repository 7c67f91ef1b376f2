"""The fee routes are in the published OpenAPI, with the idempotency header documented."""


def test_openapi_describes_the_fee_routes_and_the_idempotency_header(client):
    spec = client.get("/api/v1/openapi.json").json
    paths = spec["paths"]
    for path in (
        "/api/v1/bills/generate",
        "/api/v1/bills",
        "/api/v1/bills/{bill_id}",
        "/api/v1/payments",
        "/api/v1/payments/{payment_id}/reversal",
        "/api/v1/households/{household_id}/payments",
        "/api/v1/collection-rates",
        "/api/v1/collection-rates/compounds",
        "/api/v1/arrears",
    ):
        assert path in paths, path
    headers = [p for p in paths["/api/v1/payments"]["post"]["parameters"] if p["in"] == "header"]
    assert headers and headers[0]["name"] == "Idempotency-Key" and headers[0]["required"] is True
    amount = spec["components"]["schemas"]["PaymentIn"]["properties"]["amount"]
    assert amount["type"] == "string"
