"""Who does what with the books: the serving firm posts and answers, the committee reads and
queries, the street office and the city read; another street, another firm and a contractor
find nothing (404)."""

from __future__ import annotations

from datetime import date

import pytest

from pm_app.auth.models import Role
from tests.committees.conftest import post_entry
from tests.factories import ContractFactory, FirmFactory, UserFactory

READS = ["entries", "statement?month=2026-01", "verify", "balances", "queries"]


@pytest.fixture
def outsiders(city):
    return {
        "other_street": UserFactory(role=Role.street_officer, streets=[city.other_street]),
        "other_firm": UserFactory(role=Role.firm_staff, firm=city.other_firm),
        "contractor": city.users["contractor_staff"],
        "other_committee": UserFactory(role=Role.committee_member, compound=city.other),
    }


@pytest.mark.parametrize("role", ["admin", "regulator", "street_officer", "firm_staff", "committee_member"])
@pytest.mark.parametrize("path", READS)
def test_the_compounds_roles_read_its_books(api, city, books, role, path):
    assert api.as_(city.users[role]).get(f"/api/v1/ledger/{city.compound.id}/{path}").status_code == 200


@pytest.mark.parametrize("who", ["other_street", "other_firm", "contractor", "other_committee"])
@pytest.mark.parametrize("path", READS + ["entries/{entry}", "entries/{entry}/queries"])
def test_everyone_else_finds_nothing(api, city, books, outsiders, who, path):
    url = f"/api/v1/ledger/{city.compound.id}/" + path.format(entry=books[0]["id"])
    assert api.as_(outsiders[who]).get(url).status_code == 404
    assert api.as_(outsiders[who]).get("/api/v1/committees").json == []


@pytest.mark.parametrize(
    "role,status",
    [
        ("firm_staff", 201),
        ("admin", 403),
        ("regulator", 403),
        ("street_officer", 403),
        ("committee_member", 403),
        ("contractor_staff", 404),
    ],
)
def test_only_the_serving_firm_posts(api, city, role, status):
    assert post_entry(api, city.users[role], city.compound.id).status_code == status


def test_a_firm_whose_contract_ended_reads_but_does_not_post(api, city, books):
    city.contract.end_date = date(2025, 12, 31)
    ContractFactory(
        compound=city.compound, firm=FirmFactory(), start_date=date(2026, 1, 1), end_date=date(2030, 12, 31)
    )
    old = city.users["firm_staff"]
    assert api.as_(old).get(f"/api/v1/ledger/{city.compound.id}/entries").status_code == 200
    assert post_entry(api, old, city.compound.id).status_code == 403


def test_the_committee_queries_and_the_firm_answers(api, city, books):
    url = f"/api/v1/ledger/{city.compound.id}/entries/{books[2]['id']}/queries?lang=en"
    assert api.as_(city.users["firm_staff"]).post(url, json={"question": "这笔保洁费的合同？"}).status_code == 403
    assert api.as_(city.users["street_officer"]).post(url, json={"question": "这笔保洁费的合同？"}).status_code == 403
    raised = api.as_(city.users["committee_member"]).post(url, json={"question": "这笔保洁费的合同？"})
    assert raised.status_code == 201
    query_id = raised.json["id"]
    open_ = api.as_(city.users["firm_staff"]).get(f"/api/v1/ledger/{city.compound.id}/queries?open=true").json
    assert [q["id"] for q in open_] == [query_id]
    answer_url = f"/api/v1/ledger-queries/{query_id}/answer?lang=en"
    assert api.as_(city.users["committee_member"]).post(answer_url, json={"answer": "见合同"}).status_code == 403
    other_firm = UserFactory(role=Role.firm_staff, firm=city.other_firm)
    assert api.as_(other_firm).post(answer_url, json={"answer": "见合同"}).status_code == 404
    answered = api.as_(city.users["firm_staff"]).post(answer_url, json={"answer": "见2026年保洁合同第3条"})
    assert answered.status_code == 200 and answered.json["answer"] == "见2026年保洁合同第3条"
    assert api.as_(city.users["firm_staff"]).post(answer_url, json={"answer": "再答"}).status_code == 409
    assert (
        api.as_(city.users["committee_member"]).get(f"/api/v1/ledger/{city.compound.id}/queries?open=true").json == []
    )


def test_an_entry_of_another_compound_is_not_found_under_this_one(api, city, books):
    other = UserFactory(role=Role.firm_staff, firm=city.other_firm)
    theirs = post_entry(api, other, city.other.id).json
    admin = city.users["admin"]
    assert api.as_(admin).get(f"/api/v1/ledger/{city.compound.id}/entries/{theirs['id']}").status_code == 404
    assert api.as_(city.users["firm_staff"]).post(
        f"/api/v1/ledger/{city.compound.id}/entries?lang=en",
        json={"reversal_of": theirs["id"], "date": "2026-02-01", "description": "x"},
    ).json["errors"].keys() == {"reversal_of"}
