"""Civil Code Art. 278 by the vote's matter: raising the fund, altering or rebuilding, and changing
the use of common parts need three-quarters of those voting; using the fund more than half. A vote
counted against the wrong majority is refused naming the rule; headcount counts owners, once each."""

from __future__ import annotations

import pytest

from pm_app.committees.fund import failed_threshold
from pm_app.committees.majorities import owner_count, owner_key
from pm_app.committees.models import FundMatter, FundVote
from tests.committees.conftest import add_households, entry_ok, post_entry
from tests.committees.test_fund import record
from tests.factories import BuildingFactory, HouseholdFactory


def vote(matter, yes_area, yes_heads, part_area=200, part_heads=20) -> FundVote:
    return FundVote(
        matter=matter,
        total_area_dm2=300,
        total_households=30,
        total_owners=30,
        participating_area_dm2=part_area,
        participating_households=part_heads,
        approving_area_dm2=yes_area,
        approving_households=yes_heads,
    )


@pytest.mark.parametrize("matter", [FundMatter.raise_, FundMatter.rebuild, FundMatter.common_use])
@pytest.mark.parametrize(
    "yes_area,yes_heads,failed",
    [
        (150, 15, None),  # exactly 3/4 of the participating area and owners ("以上")
        (149, 15, "approving_area"),  # just under 3/4 of the area
        (150, 14, "approving_households"),  # just under 3/4 of the owners
        (101, 11, "approving_area"),  # a bare majority is not enough
    ],
)
def test_three_quarters_matters_on_their_boundaries(matter, yes_area, yes_heads, failed):
    assert failed_threshold(vote(matter, yes_area, yes_heads)) == failed


def test_using_the_fund_still_needs_more_than_half_and_two_thirds_taking_part():
    assert failed_threshold(vote(FundMatter.use, 101, 11)) is None
    assert failed_threshold(vote(FundMatter.use, 100, 11)) == "approving_area"
    assert failed_threshold(vote(FundMatter.raise_, 150, 15, part_area=199)) == "participating_area"


@pytest.fixture
def voting_city(api, city):
    """city.compound with 30 owners of one household each and 1,000.00 yuan in its fund."""
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


def test_a_vote_counted_against_the_wrong_majority_is_refused_naming_the_rule(api, voting_city):
    member = voting_city.users["committee_member"]
    refused = record(api, member, voting_city.compound.id, matter="raise", majority="half")
    assert refused.status_code == 422
    message = refused.json["errors"]["majority"][0]
    assert message.startswith("Civil Code Art. 278: Raising the maintenance fund needs three-quarters")
    assert message.endswith("this vote was counted against more than half.")
    assert record(api, member, voting_city.compound.id, matter="use", majority="three_quarters").status_code == 422
    chinese = api.as_(member).post(
        "/api/v1/fund-votes?lang=zh",
        json={
            "compound_id": voting_city.compound.id,
            "purpose": "筹集维修资金",
            "amount": "800.00",
            "voted_on": "2026-03-01",
            "participating_area": "2000.00",
            "participating_households": 20,
            "approving_area": "1010.00",
            "approving_households": 11,
            "matter": "raise",
            "majority": "half",
        },
    )
    assert "民法典》第二百七十八条" in chinese.json["message"] and "四分之三以上" in chinese.json["message"]


def test_a_raise_vote_passing_only_by_half_fails_and_approves_no_draw(api, voting_city):
    member, firm = voting_city.users["committee_member"], voting_city.users["firm_staff"]
    bare = record(api, member, voting_city.compound.id, matter="raise", majority="three_quarters").json
    assert (bare["matter"], bare["majority"], bare["passed"], bare["failed_threshold"]) == (
        "raise",
        "three_quarters",
        False,
        "approving_area",
    )
    enough = record(
        api, member, voting_city.compound.id, matter="raise", approving_area="1500.00", approving_households=15
    ).json
    assert enough["passed"] is True
    draw = post_entry(
        api,
        firm,
        voting_city.compound.id,
        account="maintenance_fund",
        direction="out",
        amount="10.00",
        description="维修",
        fund_vote_id=enough["id"],
    )
    assert draw.status_code == 422 and "approves no draw" in draw.json["errors"]["fund_vote_id"][0]
    rebuild = record(api, member, voting_city.compound.id, matter="rebuild", approving_area="1010.00").json
    draw = post_entry(
        api,
        firm,
        voting_city.compound.id,
        account="maintenance_fund",
        direction="out",
        amount="10.00",
        description="改建",
        fund_vote_id=rebuild["id"],
    )
    assert draw.status_code == 422 and "Altering or rebuilding" in draw.json["message"]
    assert "three-quarters" in draw.json["message"]


def test_an_owner_of_several_households_counts_once(api, city):
    """31 households (the city's one and 30 more); 3 of them one owner's, written three ways, and 2
    with the same name but no phone (not merged): 29 owners. 20 owners taking part is 2/3 of 29
    (3 × 20 ≥ 2 × 29), though under 2/3 of the 31 households."""
    add_households(city.compound.id, 25)
    building = BuildingFactory(compound_id=city.compound.id)
    for unit, name, phone in (
        ("a", "李 四", "139-0000-1111"),
        ("b", "李四", "+86 13900001111"),
        ("c", "李四 ", "13900001111"),
        ("d", "张三", None),
    ):
        HouseholdFactory(building=building, unit=unit, owner_name=name, owner_phone=phone)
    HouseholdFactory(building=building, unit="e", owner_name="张三", owner_phone=None)
    assert owner_count(city.compound.id) == 29
    body = record(
        api, city.users["committee_member"], city.compound.id, participating_area="2100.00", approving_area="1060.00"
    ).json
    assert (body["total_households"], body["total_owners"], body["passed"]) == (31, 29, True)
    too_many = record(api, city.users["committee_member"], city.compound.id, participating_households=30)
    assert too_many.status_code == 422 and "29 owners" in too_many.json["errors"]["participating_households"][0]


def test_owner_keys_normalise_names_and_phones():
    assert owner_key(1, " 王　芳 ", "+86 138-1234-5678") == owner_key(2, "王芳", "13812345678")
    assert owner_key(1, "王芳", None) != owner_key(2, "王芳", None)
    assert owner_key(1, None, "13812345678") != owner_key(2, None, "13812345678")
