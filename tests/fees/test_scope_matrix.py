"""Every fee route that names an object, for every role, inside and outside its scope: what a
role may not see answers 404 whatever the method, and never shows up in a list or a total."""

from __future__ import annotations

import uuid

import pytest

from tests.fees.conftest import bills_of

ROLES = ["admin", "regulator", "street_officer", "firm_staff", "contractor_staff", "committee_member"]
SEES_OWN = {"admin", "regulator", "street_officer", "firm_staff", "committee_member"}
SEES_OTHER = {"admin", "regulator"}


@pytest.fixture
def billed(api, city, pay):
    admin = city.users["admin"]
    result = {}
    for which, compound in (("own", city.compound), ("other", city.other)):
        api.as_(admin).post("/api/v1/bills/generate", json={"compound_id": compound.id, "period": "2026-09"})
        (bill,) = bills_of(compound.id, "2026-09")
        payment = pay(admin, bill.id, "10.00", paid_at="2026-09-10T10:00:00+08:00").json
        result[which] = {
            "compound": compound,
            "bill": bill.id,
            "payment": payment["id"],
            "household": bill.household_id,
        }
    return result


def _reads(objs, city, which):
    o = objs[which]
    street = city.street if which == "own" else city.other_street
    firm = city.firm if which == "own" else city.other_firm
    q = "period_from=2026-09&period_to=2026-09"
    return [
        f"/api/v1/bills/{o['bill']}",
        f"/api/v1/payments/{o['payment']}",
        f"/api/v1/collection-rates?scope=compound&id={o['compound'].id}&{q}",
        f"/api/v1/collection-rates?scope=street&id={street.id}&{q}",
        f"/api/v1/collection-rates/compounds?scope=street&id={street.id}&{q}",
        f"/api/v1/arrears?compound_id={o['compound'].id}&min_periods=1",
        # A firm sees its own rates; the other roles see the firm serving their compound.
        *([f"/api/v1/collection-rates?scope=firm&id={firm.id}&{q}"]),
    ]


def _writes(objs, which):
    o = objs[which]
    key = {"Idempotency-Key": str(uuid.uuid4())}
    return [
        ("post", "/api/v1/bills/generate", {"compound_id": o["compound"].id, "period": "2026-10"}, {}),
        ("post", "/api/v1/payments", {"bill_id": o["bill"], "amount": "1.00", "method": "cash"}, key),
        ("post", f"/api/v1/households/{o['household']}/payments", {"amount": "1.00", "method": "cash"}, key),
        ("post", f"/api/v1/bills/{o['bill']}/waivers", {"amount": "1.00", "reason": "x", "approved_by": "y"}, {}),
        ("post", f"/api/v1/payments/{o['payment']}/reversal", {"reason": "x"}, {}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_reads_answer_only_inside_scope(api, city, billed, role):
    user = api.as_(city.users[role])
    for which, sees in (("own", SEES_OWN), ("other", SEES_OTHER)):
        for url in _reads(billed, city, which):
            if role == "contractor_staff" and "scope=firm" in url:
                continue  # a contractor sees its own firm only, which bills nothing
            response = user.get(url)
            if role == "street_officer" and "scope=firm" in url and which == "other":
                # The firm register is open to street offices, but the firm's rate counts only
                # the bills of the officer's own streets: here, none.
                assert response.status_code == 200 and response.json[0]["households_billed"] == 0
                continue
            assert response.status_code == (200 if role in sees else 404), (role, url, response.status_code)


@pytest.mark.parametrize("role", sorted(set(ROLES) - SEES_OTHER))
def test_writes_on_foreign_objects_are_404_whatever_the_body(api, city, billed, role):
    user = api.as_(city.users[role])
    for method, url, body, headers in _writes(billed, "other"):
        response = user.request(method, url, json=body, headers=headers)
        assert response.status_code == 404, (role, url, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_lists_carry_no_foreign_bill_or_payment(api, city, billed, role):
    user = api.as_(city.users[role])
    if role == "contractor_staff":  # no fee endpoint exists for it (tests/fees/test_contractor_api.py)
        assert {user.get(url).status_code for url in ("/api/v1/bills", "/api/v1/payments")} == {404}
        return
    bills = {b["id"] for b in user.get("/api/v1/bills?page_size=500").json}
    payments = {p["id"] for p in user.get("/api/v1/payments?page_size=500").json}
    assert (billed["other"]["bill"] in bills) == (role in SEES_OTHER)
    assert (billed["own"]["bill"] in bills) == (role in SEES_OWN)
    assert (billed["other"]["payment"] in payments) == (role in SEES_OTHER)
    filtered = user.get(f"/api/v1/bills?compound_id={city.other.id}").json
    assert (len(filtered) > 0) == (role in SEES_OTHER)


def test_a_firm_does_not_see_its_successors_bills_at_a_compound_it_left(api, city, billed):
    from datetime import date

    from tests.factories import ContractFactory

    city.contract.end_date = date(2026, 9, 30)
    ContractFactory(
        compound=city.compound, firm=city.other_firm, start_date=date(2026, 10, 1), end_date=date(2030, 12, 31)
    )
    api.as_(city.users["admin"]).post(
        "/api/v1/bills/generate", json={"compound_id": city.compound.id, "period": "2026-10"}
    )
    (successor_bill,) = bills_of(city.compound.id, "2026-10")
    firm = api.as_(city.users["firm_staff"])
    assert firm.get(f"/api/v1/bills/{billed['own']['bill']}").status_code == 200
    assert firm.get(f"/api/v1/bills/{successor_bill.id}").status_code == 404
    (rates,) = firm.get(
        f"/api/v1/collection-rates?scope=compound&id={city.compound.id}&period_from=2026-10&period_to=2026-10"
    ).json
    assert rates["households_billed"] == 0


def test_committee_members_read_arrears_with_owners_masked(api, city, billed):
    committee = api.as_(city.users["committee_member"]).get(
        f"/api/v1/arrears?compound_id={city.compound.id}&min_periods=1"
    )
    officer = api.as_(city.users["street_officer"]).get(f"/api/v1/arrears?compound_id={city.compound.id}&min_periods=1")
    assert officer.json["rows"][0]["owner_name"] == "王小明"
    assert officer.json["rows"][0]["owner_phone"] == "13812345678"
    assert committee.json["rows"][0]["owner_name"] != "王小明"
    assert "12345678" not in committee.json["rows"][0]["owner_phone"]
    assert committee.json["outstanding"] == officer.json["outstanding"]


def test_anonymous_callers_are_401_on_every_fee_route(client, city, billed):
    for url in _reads(billed, city, "own") + ["/api/v1/bills", "/api/v1/payments"]:
        assert client.get(url).status_code == 401, url
    for method, url, body, headers in _writes(billed, "own"):
        assert client.open(url, method="POST", json=body, headers=headers).status_code == 401, url
