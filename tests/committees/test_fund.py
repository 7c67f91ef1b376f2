"""The maintenance fund: Civil Code Art. 278 on its exact boundaries, a draw refused naming the
threshold its vote failed, and draws bounded by the vote and the balance."""

from __future__ import annotations

import pytest

from pm_app.committees.fund import failed_threshold
from pm_app.committees.models import FundVote
from tests.committees.conftest import add_households, entry_ok, post_entry
from tests.tickets.conftest import report


def vote(part_area, part_heads, yes_area, yes_heads, total_area=300, total_heads=30) -> FundVote:
    return FundVote(
        total_area_dm2=total_area,
        total_households=total_heads,
        participating_area_dm2=part_area,
        participating_households=part_heads,
        approving_area_dm2=yes_area,
        approving_households=yes_heads,
    )


@pytest.mark.parametrize(
    "figures,failed",
    [
        ((200, 20, 101, 11), None),  # exactly 2/3 take part, just over 1/2 approve
        ((199, 20, 101, 11), "participating_area"),  # just under 2/3 of the area
        ((200, 19, 101, 10), "participating_households"),  # just under 2/3 of the owners
        ((200, 20, 100, 11), "approving_area"),  # exactly 1/2 of the participating area
        ((200, 20, 101, 10), "approving_households"),  # exactly 1/2 of the participating owners
        ((300, 30, 151, 16), None),
    ],
)
def test_art_278_on_its_boundaries(figures, failed):
    assert failed_threshold(vote(*figures)) == failed


def test_two_thirds_of_an_area_not_divisible_by_three():
    # 2/3 of 100 is 66.67: 66 fails, 67 passes, with no rounding anywhere.
    assert failed_threshold(vote(66, 30, 60, 20, total_area=100)) == "participating_area"
    assert failed_threshold(vote(67, 30, 60, 20, total_area=100)) is None


def record(api, user, compound_id, **figures):
    body = {
        "compound_id": compound_id,
        "purpose": "3号楼屋面防水维修",
        "amount": "800.00",
        "voted_on": "2026-03-01",
        "participating_area": "2000.00",
        "participating_households": 20,
        "approving_area": "1010.00",
        "approving_households": 11,
        **figures,
    }
    return api.as_(user).post("/api/v1/fund-votes?lang=en", json=body)


@pytest.fixture
def fund_city(api, city):
    """city.compound with 30 households of 100 m² (the city's one of 86.40 m² too) and 1,000.00 yuan
    deposited in its maintenance fund."""
    add_households(city.compound.id, 29)
    entry_ok(
        api,
        city.users["firm_staff"],
        city.compound.id,
        account="maintenance_fund",
        amount="1000.00",
        date="2026-01-05",
        description="首次缴存",
    )
    return city


def test_a_vote_is_judged_against_the_compounds_registered_totals(api, fund_city):
    response = record(api, fund_city.users["committee_member"], fund_city.compound.id)
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["total_area"], body["total_households"]) == ("2986.40", 30)
    assert (body["passed"], body["failed_threshold"]) == (True, None)


def test_a_draw_on_a_failing_vote_is_refused_naming_the_threshold(api, fund_city):
    city = fund_city
    failing = record(api, city.users["committee_member"], city.compound.id, approving_households=10).json
    assert failing["failed_threshold"] == "approving_households"
    draw = post_entry(
        api,
        city.users["firm_staff"],
        city.compound.id,
        account="maintenance_fund",
        direction="out",
        amount="500.00",
        description="屋面维修",
        fund_vote_id=failing["id"],
    )
    assert draw.status_code == 422
    assert (
        "Using the maintenance fund needs more than half of the participating floor area and of the "
        "participating owners" in draw.json["message"]
    )
    assert draw.json["errors"]["threshold"] == ["approving_households"]


def test_a_draw_needs_a_vote_and_stays_within_it_and_the_balance(api, fund_city):
    city, firm = fund_city, fund_city.users["firm_staff"]
    no_vote = post_entry(api, firm, city.compound.id, account="maintenance_fund", direction="out", amount="10.00")
    assert no_vote.status_code == 422 and "fund_vote_id" in no_vote.json["errors"]
    passing = record(api, city.users["committee_member"], city.compound.id).json
    draw = dict(account="maintenance_fund", direction="out", description="屋面维修", fund_vote_id=passing["id"])
    assert post_entry(api, firm, city.compound.id, amount="500.00", **draw).status_code == 201
    over_vote = post_entry(api, firm, city.compound.id, amount="300.01", **draw)
    assert over_vote.status_code == 422 and "300.00" in over_vote.json["errors"]["amount"][0]
    second = record(api, city.users["committee_member"], city.compound.id, amount="900.00").json
    over_balance = post_entry(api, firm, city.compound.id, amount="500.01", **{**draw, "fund_vote_id": second["id"]})
    assert over_balance.status_code == 422 and "500.00" in over_balance.json["errors"]["amount"][0]
    assert (
        api.as_(firm).get(f"/api/v1/ledger/{city.compound.id}/balances").json["balances"]["maintenance_fund"]
        == "500.00"
    )


def test_impossible_figures_are_refused_by_field(api, fund_city):
    response = record(
        api,
        fund_city.users["committee_member"],
        fund_city.compound.id,
        participating_households=31,
        approving_area="2500.00",
    )
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"participating_households", "approving_area"}


def test_a_vote_links_a_ticket_or_project_of_the_same_compound_only(api, fund_city):
    city = fund_city
    ticket = report(api, city.users["street_officer"], city.compound.id, source="street").json
    assert record(api, city.users["committee_member"], city.compound.id, ticket_id=ticket["id"]).status_code == 201
    other = report(api, city.users["admin"], city.other.id, source="street").json
    refused = record(api, city.users["committee_member"], city.compound.id, ticket_id=other["id"])
    assert refused.status_code == 422 and "ticket_id" in refused.json["errors"]


@pytest.mark.parametrize(
    "role,status",
    [
        ("committee_member", 201),
        ("street_officer", 201),
        ("admin", 201),
        ("firm_staff", 403),
        ("contractor_staff", 404),
    ],
)
def test_who_records_a_vote(api, fund_city, role, status):
    assert record(api, fund_city.users[role], fund_city.compound.id).status_code == status
