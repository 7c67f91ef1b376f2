"""Self-managed (自管) and street-entrusted (托管) compounds collect their own fees (issue 24): the
street office records a fee arrangement naming the compound's 自管会 (`committee_id`) or itself
(`street_id`) in place of a firm, and that party then bills, collects (with numbered receipts)
and keeps the compound's books exactly as a firm does; nobody else's committee reaches them; the
rankings rate firms only, while the city's collection rate counts these compounds too."""

from __future__ import annotations

import uuid
from datetime import UTC, date

import pytest

from pm_app.auth.models import Role
from pm_app.org.models import ManagementMode
from tests.committees.conftest import committee_body
from tests.factories import BuildingFactory, CompoundFactory, HouseholdFactory, UserFactory

PERIOD = "2026-11"


@pytest.fixture
def self_managed(api, city):
    """A 自管 compound in city.street with two households (100 and 50 m²), its 自管会 registered
    by the street office, and a member of it."""
    compound = CompoundFactory(
        code="GL-0009", name="西门小区", street=city.street, management_mode=ManagementMode.self_managed
    )
    building = BuildingFactory(compound_id=compound.id, name="3号楼")
    households = [
        HouseholdFactory(building=building, unit=unit, floor_area_dm2=area)
        for unit, area in (("2-301", 10_000), ("2-302", 5_000))
    ]
    officer = city.users["street_officer"]
    committee = api.as_(officer).post(
        "/api/v1/committees?lang=en", json=committee_body(compound.id, n=3, kind="self_management")
    )
    assert committee.status_code == 201, committee.json
    member = UserFactory(role=Role.committee_member, compound=compound)
    return compound, committee.json["id"], member, households


def contract(api, user, compound_id, **party):
    return api.as_(user).post(
        "/api/v1/contracts?lang=en",
        json={"compound_id": compound_id, "start": "2026-01-01", "end": "2028-12-31", "fee_rate": "1.00", **party},
    )


def generate(api, user, compound_id, period=PERIOD):
    return api.as_(user).post("/api/v1/bills/generate?lang=en", json={"compound_id": compound_id, "period": period})


def pay_household(api, user, household_id, amount):
    return api.as_(user).post(
        f"/api/v1/households/{household_id}/payments?lang=en",
        json={"amount": amount, "method": "cash"},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )


def post_parking(api, user, compound_id):
    return api.as_(user).post(
        f"/api/v1/ledger/{compound_id}/entries?lang=en",
        json={
            "account": "public_revenue",
            "direction": "in",
            "amount": "320.00",
            "date": "2026-11-20",
            "description": "11月停车费",
        },
    )


def test_a_self_management_committee_bills_collects_and_keeps_its_books(api, city, self_managed):
    compound, committee_id, member, households = self_managed
    made = contract(api, city.users["street_officer"], compound.id, committee_id=committee_id)
    assert made.status_code == 201, made.json
    assert (made.json["committee_id"], made.json.get("firm_id")) == (committee_id, None)
    listed = api.as_(member).get(f"/api/v1/contracts?committee_id={committee_id}").json
    assert [row["id"] for row in listed] == [made.json["id"]]

    billed = generate(api, member, compound.id)
    assert billed.status_code == 200, billed.json
    assert billed.json["created"] == 2
    bills = api.as_(member).get(f"/api/v1/bills?compound_id={compound.id}&period={PERIOD}").json
    assert sorted(bill["amount_due"] for bill in bills) == ["100.00", "50.00"]

    paid = pay_household(api, member, households[0].id, "100.00")
    assert paid.status_code == 201, paid.json
    assert paid.json["receipt"]["number"].endswith("-000001")
    again = pay_household(api, member, households[1].id, "50.00")
    assert again.json["receipt"]["number"].endswith("-000002")  # the committee's own sequence
    receipt = api.as_(member).get(f"/api/v1/receipts/{paid.json['receipt']['id']}")
    assert receipt.status_code == 200

    posted = post_parking(api, member, compound.id)
    assert posted.status_code == 201, posted.json


def test_the_committee_numbers_its_receipts_in_its_own_sequence(api, city, self_managed):
    from pm_app.extensions import db
    from pm_app.fees.models import Receipt

    compound, committee_id, member, households = self_managed
    contract(api, city.users["street_officer"], compound.id, committee_id=committee_id)
    generate(api, member, compound.id)
    paid = pay_household(api, member, households[0].id, "100.00")
    receipt = db.session.get(Receipt, paid.json["receipt"]["id"])
    assert (receipt.organisation, receipt.firm_id) == (f"committee:{committee_id}", None)


def test_a_street_entrusted_compound_is_run_by_its_street_office(api, city):
    officer = city.users["street_officer"]
    compound = CompoundFactory(
        code="GL-0010", name="北门宿舍", street=city.street, management_mode=ManagementMode.street_entrusted
    )
    household = HouseholdFactory(
        building=BuildingFactory(compound_id=compound.id, name="1号楼"), unit="101", floor_area_dm2=8_000
    )
    made = contract(api, officer, compound.id, street_id=city.street.id)
    assert made.status_code == 201, made.json
    assert made.json["street_id"] == city.street.id
    assert generate(api, officer, compound.id).json["created"] == 1
    paid = pay_household(api, officer, household.id, "80.00")
    assert paid.status_code == 201, paid.json
    assert paid.json["receipt"]["number"].endswith("-000001")
    assert post_parking(api, officer, compound.id).status_code == 201
    # the firm of the compound next door has nothing to do with it
    assert post_parking(api, city.users["firm_staff"], compound.id).status_code == 404


def test_another_compounds_committee_member_reaches_nothing(api, city, self_managed):
    compound, committee_id, member, households = self_managed
    assert contract(api, city.users["street_officer"], compound.id, committee_id=committee_id).status_code == 201
    assert generate(api, member, compound.id).status_code == 200  # its own member can
    outsider = city.users["committee_member"]  # of city.compound, in the same street
    assert generate(api, outsider, compound.id).status_code == 404
    assert pay_household(api, outsider, households[0].id, "100.00").status_code == 404
    assert post_parking(api, outsider, compound.id).status_code == 404


def test_a_member_of_a_firm_managed_compound_still_cannot_bill_or_post(api, city):
    member = city.users["committee_member"]
    assert generate(api, member, city.compound.id).status_code == 403
    assert post_parking(api, member, city.compound.id).status_code == 403


def test_a_committee_whose_arrangement_ended_cannot_back_bill(api, city, self_managed):
    compound, committee_id, member, _ = self_managed
    made = contract(api, city.users["street_officer"], compound.id, committee_id=committee_id)
    assert made.status_code == 201
    api.as_(city.users["street_officer"]).patch(f"/api/v1/contracts/{made.json['id']}", json={"end": "2026-06-30"})
    assert generate(api, member, compound.id, "2026-03").status_code == 403
    assert post_parking(api, member, compound.id).status_code == 403


@pytest.mark.parametrize(
    "party, field",
    [
        ({}, "firm_id"),
        ({"firm_id": "firm", "committee_id": "committee"}, "committee_id"),
        ({"committee_id": "other committee"}, "committee_id"),
        ({"committee_id": "owners committee"}, "committee_id"),
        ({"street_id": "other street"}, "street_id"),
    ],
)
def test_an_arrangement_names_exactly_one_party_of_the_compound(api, city, self_managed, party, field):
    compound, committee_id, _, _ = self_managed
    officer = city.users["street_officer"]
    owners = api.as_(officer).post("/api/v1/committees?lang=en", json=committee_body(city.compound.id, n=3))
    values = {
        "firm": city.firm.id,
        "committee": committee_id,
        "other committee": owners.json["id"],
        "other street": city.other_street.id,
    }
    if party.get("committee_id") == "owners committee":
        body = committee_body(compound.id, n=3, elected_on="2025-03-01")
        values["owners committee"] = api.as_(officer).post("/api/v1/committees?lang=en", json=body).json["id"]
    response = contract(api, officer, compound.id, **{name: values[value] for name, value in party.items()})
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_the_city_and_street_rates_count_self_managed_compounds(api, city, self_managed):
    compound, committee_id, member, households = self_managed
    contract(api, city.users["street_officer"], compound.id, committee_id=committee_id)
    generate(api, member, compound.id)
    pay_household(api, member, households[0].id, "100.00")
    regulator = city.users["regulator"]
    for scope in ("city", f"street&id={city.street.id}"):
        rows = (
            api.as_(regulator)
            .get(f"/api/v1/collection-rates?scope={scope}&period_from={PERIOD}&period_to={PERIOD}")
            .json
        )
        row = rows[0] if isinstance(rows, list) else rows["rows"][0]
        assert (row["receivable"], row["received"]) == ("150.00", "100.00"), scope


def test_the_rankings_rate_property_firms_only(api, city, self_managed):
    from pm_app.rankings.indicators import measure

    compound, committee_id, member, _ = self_managed
    officer = city.users["street_officer"]
    assert contract(api, officer, compound.id, committee_id=committee_id).status_code == 201
    entrusted = CompoundFactory(code="GL-0011", street=city.street, management_mode=ManagementMode.street_entrusted)
    assert contract(api, officer, entrusted.id, street_id=city.street.id).status_code == 201
    assert generate(api, member, compound.id).json["created"] == 2
    measured = measure(date(2026, 10, 1), date(2026, 12, 31))
    assert set(measured) == {city.firm.id, city.other_firm.id}
    assert all(compound.id not in firm.compounds and entrusted.id not in firm.compounds for firm in measured.values())


def test_the_member_bills_a_month_and_posts_an_entry_through_the_chinese_pages(api, client, city, self_managed):
    from tests.committees.conftest import login

    compound, committee_id, member, _ = self_managed
    contract(api, city.users["street_officer"], compound.id, committee_id=committee_id)
    login(client, member)
    # the compound's page says who collects, instead of a firm it does not have
    assert "本小区自管会" in client.get(f"/compounds/{compound.id}").get_data(as_text=True)
    fees_page = client.get(f"/compounds/{compound.id}/fees")
    assert fees_page.status_code == 200 and "生成账单" in fees_page.get_data(as_text=True)
    assert 'id="bulk-generate"' not in fees_page.get_data(as_text=True)  # one compound: no bulk run to offer
    billed = client.post(f"/compounds/{compound.id}/fees/generate", data={"period": PERIOD})
    assert billed.status_code == 302, billed.get_data(as_text=True)[:500]
    shown = client.get(billed.headers["Location"]).get_data(as_text=True)
    assert "3号楼" in shown and "100.00" in shown
    accounts = client.get(f"/compounds/{compound.id}/accounts").get_data(as_text=True)
    assert 'name="entry-amount"' in accounts
    posted = client.post(
        f"/compounds/{compound.id}/accounts/entries",
        data={
            "entry-account": "public_revenue",
            "entry-direction": "in",
            "entry-amount": "320.00",
            "entry-entry_date": "2026-11-20",
            "entry-description": "11月停车费",
        },
    )
    assert posted.status_code == 302, posted.get_data(as_text=True)[:500]
    after = client.get(posted.headers["Location"]).get_data(as_text=True)
    assert "11月停车费" in after and "已入账" in after


def test_the_fee_alerts_and_the_health_score_judge_a_self_managed_compound_like_any_other(api, city, self_managed):
    from datetime import datetime

    from pm_app.dashboards.health import scores
    from pm_app.fees.rules import fee_collection_low

    compound, committee_id, member, households = self_managed
    contract(api, city.users["street_officer"], compound.id, committee_id=committee_id)
    generate(api, member, compound.id)
    pay_household(api, member, households[0].id, "100.00")  # 100 of 150: 66.7 %, below 80 %
    at = datetime(2026, 12, 6, 2, tzinfo=UTC)
    found = {f.subject_id: f for f in fee_collection_low(date(2026, 12, 6), at)}
    assert compound.id in found and ("committee", compound.id) in found[compound.id].audiences
    health = scores([compound.id], date(2026, 12, 6), at)[compound.id]
    assert "collection" in health.parts


def test_a_fellow_member_reads_the_cashiers_day_and_another_compounds_member_does_not(api, city, self_managed):
    from pm_app.common.clock import CITY_TZ, now

    compound, committee_id, member, households = self_managed
    contract(api, city.users["street_officer"], compound.id, committee_id=committee_id)
    generate(api, member, compound.id)
    assert pay_household(api, member, households[0].id, "100.00").status_code == 201
    day = now().astimezone(CITY_TZ).date().isoformat()
    treasurer = UserFactory(role=Role.committee_member, compound=compound)
    read = api.as_(treasurer).get(f"/api/v1/cash-ups?date={day}&cashier_id={member.id}")
    assert read.status_code == 200 and read.json["total"] == "100.00"
    outsider = city.users["committee_member"]
    assert api.as_(outsider).get(f"/api/v1/cash-ups?date={day}&cashier_id={member.id}").status_code == 404


def test_the_street_office_registers_the_committees_arrangement_on_a_chinese_page(client, city, self_managed):
    from pm_app.org.parties import COMMITTEE, current
    from tests.committees.conftest import login

    compound, committee_id, member, _ = self_managed
    login(client, city.users["street_officer"])
    assert 'id="new-contract"' in client.get(f"/compounds/{compound.id}").get_data(as_text=True)
    form = client.get(f"/compounds/{compound.id}/contracts/new").get_data(as_text=True)
    assert "登记收费安排" in form and "本小区自管会" in form and "街道社区（托管）" in form
    refused = client.post(
        f"/compounds/{compound.id}/contracts/new",
        data={"party": "committee", "start": "2026-01-01", "end": "2028-12-31", "fee_rate": "一元"},
    )
    assert refused.status_code == 422 and "请填写每平方米每月的收费标准" in refused.get_data(as_text=True)
    done = client.post(
        f"/compounds/{compound.id}/contracts/new",
        data={"party": "committee", "start": "2026-01-01", "end": "2028-12-31", "fee_rate": "1.00"},
    )
    assert done.status_code == 302, done.get_data(as_text=True)[:800]
    collector = current(compound.id, date(2026, 11, 1))
    assert (collector.kind, collector.id) == (COMMITTEE, committee_id)
    login(client, member)  # a member may not register arrangements
    assert client.get(f"/compounds/{compound.id}/contracts/new").status_code == 403
