"""The issue's story through the API: a leaking pipe in warranty goes to the contractor, the
firm cannot touch it, the resident confirms with a rating, and the deposit is free again."""

from __future__ import annotations

from tests.tickets.conftest import move, report


def test_a_pipe_in_warranty_is_the_contractors_claim_until_confirmed(api, city, items):
    officer, firm, contractor, committee = (
        city.users[r] for r in ("street_officer", "firm_staff", "contractor_staff", "committee_member")
    )
    created = report(api, committee, city.compound.id, source="committee", warranty_item_id=items["pipe"].id)
    assert created.status_code == 201, created.json
    ticket = created.json
    assert (ticket["responsible_party"], ticket["assignee_firm_id"], ticket["status"]) == (
        "contractor_warranty",
        city.contractor.id,
        "new",
    )
    assert ticket["claim_id"] is not None and len(ticket["tracking_code"]) == 10
    # The deposit is held by the open claim.
    release = f"/api/v1/projects/{items['project'].id}/deposit/release"
    assert api.as_(officer).post(release, json={"reason": "到期"}).status_code == 409
    # The firm sees it but cannot touch it; the contractor works it.
    assert api.as_(firm).get(f"/api/v1/tickets/{ticket['id']}").status_code == 200
    assert move(api, firm, ticket["id"], "assigned").status_code == 403
    assert [t["id"] for t in api.as_(contractor).get("/api/v1/tickets").json] == [ticket["id"]]
    for to in ("assigned", "in_progress", "resolved"):
        response = move(api, contractor, ticket["id"], to)
        assert response.status_code == 200, (to, response.json)
    closed = move(api, committee, ticket["id"], "closed", satisfaction=5, comment="修得及时")
    assert closed.status_code == 200 and closed.json["status"] == "closed" and closed.json["satisfaction"] == 5
    assert [(e["from"], e["to"]) for e in closed.json["events"]] == [
        (None, "new"),
        ("new", "assigned"),
        ("assigned", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "closed"),
    ]
    assert api.as_(officer).post(release, json={"reason": "到期"}).status_code == 201


def test_a_lapsed_item_goes_to_the_property_firm(api, city, items):
    ticket = report(
        api, city.users["street_officer"], city.compound.id, source="street", warranty_item_id=items["road"].id
    ).json
    assert (ticket["responsible_party"], ticket["assignee_firm_id"], ticket["claim_id"]) == (
        "property_firm",
        city.firm.id,
        None,
    )


def test_a_forbidden_transition_is_409_naming_the_allowed_ones(api, city, items):
    ticket = report(api, city.users["street_officer"], city.compound.id).json
    response = move(api, city.users["firm_staff"], ticket["id"], "resolved")
    assert response.status_code == 409
    assert response.json["errors"]["to"] == ["allowed from new: assigned, rejected"]
