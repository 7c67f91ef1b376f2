"""The fee counter (收费台): finding a household as people type it, paying chosen months at once
with a receipt, receipts' numbers and capitals, voids, and the day's cash-up."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pm_app.auth.models import Role
from pm_app.common.clock import today
from pm_app.extensions import db
from pm_app.fees.counter.capitals import capitals
from pm_app.fees.models import Payment, Receipt
from pm_app.fees.payments import check_totals
from tests.factories import BuildingFactory, HouseholdFactory, UserFactory
from tests.fees.conftest import bills_of
from tests.org.test_pages import login, page

MONTHS = ("2026-07", "2026-08", "2026-09")


@pytest.fixture
def owing(api, city, four):
    """`city.household` (200.00 a month) billed for July to September 2026."""
    for period in MONTHS:
        api.as_(city.users["street_officer"]).post(
            "/api/v1/bills/generate", json={"compound_id": city.compound.id, "period": period}
        )
    return [bills_of(city.compound.id, period)[0] for period in MONTHS]


def pay_months(api, user, household_id, amount, key=None, **body):
    return api.as_(user).post(
        f"/api/v1/households/{household_id}/payments?lang=en",
        json={"amount": amount, "method": "cash", **body},
        headers={"Idempotency-Key": key or str(uuid.uuid4())},
    )


def search(api, user, q, **args):
    return api.as_(user).get("/api/v1/households", query_string={"q": q, **args})


# --- 大写 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fen,words",
    [
        (12345, "壹佰贰拾叁元肆角伍分"),
        (0, "零元整"),
        (5, "伍分"),
        (45, "肆角伍分"),
        (1000, "壹拾元整"),
        (100500, "壹仟零伍元整"),
        (10000500, "壹拾万零伍元整"),
        (10010000, "壹拾万零壹佰元整"),
        (10000000100, "壹亿零壹元整"),
        (1050000000, "壹仟零伍拾万元整"),
        (10005, "壹佰元零伍分"),
        (7160, "柒拾壹元陆角"),
        (60000, "陆佰元整"),
        (1000000, "壹万元整"),
    ],
)
def test_amounts_read_in_chinese_capitals_with_zero_and_whole_rules(fen, words):
    assert capitals(fen) == words


def test_a_negative_amount_has_no_capitals():
    with pytest.raises(ValueError):
        capitals(-1)


# --- search ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    ["3-2-301", "3号楼2单元301", "3栋301", "３－２－３０１", "三号楼二单元三零一", "3栋2单元301室", "3#2-301", "3-301"],
)
def test_a_household_is_found_by_building_and_unit_as_people_type_them(api, city, q):
    target = HouseholdFactory(
        building=BuildingFactory(compound_id=city.compound.id, name="3号楼"),
        unit="2-301",
        owner_name="王建国",
        owner_phone="13912345678",
    )
    HouseholdFactory(building=target.building, unit="2-302")
    response = search(api, city.users["firm_staff"], q)
    assert response.status_code == 200, response.json
    assert [row["id"] for row in response.json] == [target.id]
    row = response.json[0]
    assert (row["building"], row["unit"], row["compound"], row["owner_name"]) == (
        "3号楼",
        "2-301",
        "东门新村",
        "王建国",
    )
    assert (row["arrears"], row["unpaid_periods"]) == ("0.00", 0)


def test_a_household_is_found_by_owner_name_or_phone_tail_and_shows_what_it_owes(api, city, owing):
    city.household.owner_name, city.household.owner_phone = "李秀英", "13800004321"
    db.session.flush()
    for q in ("李秀英", "李秀", "4321", "４３２１"):
        rows = search(api, city.users["firm_staff"], q).json
        assert [row["id"] for row in rows] == [city.household.id], q
        assert (rows[0]["arrears"], rows[0]["unpaid_periods"]) == ("600.00", 3)
    # a committee member finds the same household, the owner's name masked
    assert search(api, city.users["committee_member"], "李秀英").json[0]["owner_name"] == "李*英"


def test_search_never_returns_a_household_out_of_scope(api, city):
    city.other_household.owner_name = "赵敏"
    db.session.flush()
    assert search(api, city.users["firm_staff"], "赵敏").json == []
    # both compounds have a 1号楼 1-101: the street office sees its own only
    assert [row["id"] for row in search(api, city.users["street_officer"], "1号楼1单元101").json] == [city.household.id]
    assert [row["id"] for row in search(api, city.users["admin"], "赵敏").json] == [city.other_household.id]
    assert search(api, city.users["contractor_staff"], "赵敏").json == []
    # the compound filter narrows, it never widens
    assert search(api, city.users["firm_staff"], "赵敏", compound_id=city.other.id).json == []


def test_search_wildcards_are_literal(api, city):
    city.household.owner_name = "张三"
    db.session.flush()
    assert search(api, city.users["admin"], "%").json == []
    assert search(api, city.users["admin"], "_三").json == []
    assert search(api, city.users["admin"], "").status_code == 422


# --- paying months, with a receipt ----------------------------------------------------------


def test_chosen_months_are_paid_at_once_with_one_receipt_and_a_replay_records_nothing(api, city, owing):
    july, august, september = owing
    staff = city.users["firm_staff"]
    body = {"bill_ids": [september.id, july.id], "expected_total": "400.00", "payer_name": "王先生"}
    first = pay_months(api, staff, city.household.id, "400.00", key="k-1", **body)
    assert first.status_code == 201, first.json
    assert [p["bill_id"] for p in first.json["payments"]] == [july.id, september.id]  # oldest first, August untouched
    receipt = first.json["receipt"]
    assert receipt["total"] == "400.00" and receipt["periods"] == ["2026-07", "2026-09"] and not receipt["voided"]
    assert receipt["method"] == "cash"
    assert receipt["number"].endswith("-000001") and len(receipt["number"]) == 11
    again = pay_months(api, staff, city.household.id, "400.00", key="k-1", **body)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json["receipt"]["id"] == receipt["id"]
    assert db.session.scalar(select(func.count()).select_from(Receipt)) == 1
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 2
    # the same key with another body is a conflict
    assert pay_months(api, staff, city.household.id, "200.00", key="k-1", bill_ids=[august.id]).status_code == 409
    detail = api.as_(staff).get(f"/api/v1/receipts/{receipt['id']}").json
    assert detail["total_in_words"] == "肆佰元整" and detail["payer_name"] == "王先生"
    assert (detail["building"], detail["unit"], detail["compound"]) == ("1号楼", "1-101", "东门新村")
    assert [line["amount"] for line in detail["lines"]] == ["200.00", "200.00"]


def test_the_payers_name_is_part_of_the_request(api, city, owing):
    july = owing[0]
    staff = city.users["firm_staff"]
    body = {"bill_ids": [july.id], "payer_name": "王先生"}
    first = pay_months(api, staff, city.household.id, "200.00", key="k-n", **body)
    assert first.status_code == 201, first.json
    same = pay_months(api, staff, city.household.id, "200.00", key="k-n", **{**body, "payer_name": "　王先生 "})
    assert same.status_code == 201 and same.json["receipt"]["id"] == first.json["receipt"]["id"]
    unnamed = pay_months(api, staff, city.household.id, "200.00", key="k-n", bill_ids=[july.id])
    assert unnamed.status_code == 201 and unnamed.json["receipt"]["id"] == first.json["receipt"]["id"]
    assert api.as_(staff).get(f"/api/v1/receipts/{first.json['receipt']['id']}").json["payer_name"] == "王先生"
    other = pay_months(api, staff, city.household.id, "200.00", key="k-n", **{**body, "payer_name": "李女士"})
    assert other.status_code == 409 and "Idempotency-Key" in other.json["errors"]
    assert db.session.scalar(select(func.count()).select_from(Receipt)) == 1


def test_a_partial_amount_settles_the_oldest_chosen_month_first(api, city, owing):
    july, august, _ = owing
    response = pay_months(api, city.users["firm_staff"], city.household.id, "250.00", bill_ids=[august.id, july.id])
    assert [(p["bill_id"], p["amount"]) for p in response.json["payments"]] == [
        (july.id, "200.00"),
        (august.id, "50.00"),
    ]


def test_refusals_record_nothing(api, city, owing):
    july, august, _ = owing
    staff = city.users["firm_staff"]
    over = pay_months(api, staff, city.household.id, "400.01", bill_ids=[july.id, august.id])
    assert over.status_code == 422 and "amount" in over.json["errors"]
    pay_months(api, staff, city.household.id, "200.00", bill_ids=[july.id])
    not_owed = pay_months(api, staff, city.household.id, "200.00", bill_ids=[july.id, city.other_household.id])
    assert not_owed.status_code == 422 and "bill_ids" in not_owed.json["errors"]
    # a page drawn before July was paid says July and August owe 400.00: someone paid meanwhile
    stale = pay_months(api, staff, city.household.id, "400.00", bill_ids=[july.id, august.id], expected_total="400.00")
    assert stale.status_code == 409 and "expected_total" in stale.json["errors"]
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1
    assert db.session.scalar(select(func.count()).select_from(Receipt)) == 1
    assert check_totals() == []


def test_receipt_numbers_follow_each_other_and_a_reversal_voids_its_receipt(api, city, owing, pay):
    staff = city.users["firm_staff"]
    numbers = []
    for bill in owing[:2]:
        numbers.append(pay_months(api, staff, city.household.id, "200.00", bill_ids=[bill.id]).json["receipt"])
    single = pay(staff, owing[2].id, "100.00")  # a bill paid on its own has its receipt too
    assert single.status_code == 201
    issued = list(db.session.scalars(select(Receipt).order_by(Receipt.id)))
    year = issued[0].number[:4]
    assert [r.number for r in issued] == [f"{year}-000001", f"{year}-000002", f"{year}-000003"]
    payment_id = db.session.scalar(select(Payment.id).where(Payment.bill_id == owing[0].id))
    assert api.as_(staff).post(f"/api/v1/payments/{payment_id}/reversal", json={"reason": "收错户"}).status_code == 201
    voided = api.as_(staff).get(f"/api/v1/receipts/{numbers[0]['id']}").json
    assert voided["voided"] and voided["void_reason"] == "收错户"
    # the next payment takes the next number: a voided number is never issued again
    nxt = pay_months(api, staff, city.household.id, "200.00", bill_ids=[owing[0].id]).json["receipt"]
    assert nxt["number"] == f"{year}-000004"


def test_a_receipt_out_of_scope_is_404(api, city, owing):
    receipt = pay_months(api, city.users["firm_staff"], city.household.id, "200.00").json["receipt"]
    assert api.as_(city.users["committee_member"]).get(f"/api/v1/receipts/{receipt['id']}").status_code == 200
    outsider = UserFactory(role=Role.street_officer, streets=[city.other_street])
    assert api.as_(outsider).get(f"/api/v1/receipts/{receipt['id']}").status_code == 404
    assert api.as_(city.users["contractor_staff"]).get(f"/api/v1/receipts/{receipt['id']}").status_code == 404


# --- cash-up --------------------------------------------------------------------------------


def test_the_days_cash_up_totals_by_method_and_lists_voids(api, city, owing):
    staff = city.users["firm_staff"]
    july, august, september = owing
    pay_months(api, staff, city.household.id, "200.00", bill_ids=[july.id])
    api.as_(staff).post(
        f"/api/v1/households/{city.household.id}/payments",
        json={"amount": "150.00", "method": "wechat", "bill_ids": [august.id]},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    third = pay_months(api, staff, city.household.id, "200.00", bill_ids=[september.id]).json
    api.as_(staff).post(f"/api/v1/payments/{third['payments'][0]['id']}/reversal", json={"reason": "重复收费"})
    response = api.as_(staff).get("/api/v1/cash-ups")
    assert response.status_code == 200, response.json
    day = response.json
    assert len(day["receipts"]) == 3 and [r["number"] for r in day["voided"]] == [third["receipt"]["number"]]
    assert day["totals_by_method"]["cash"] == "200.00" and day["totals_by_method"]["wechat"] == "150.00"
    assert day["total"] == "350.00" and day["count"] == 2 and day["cashier_id"] == staff.id
    # another day is empty; a colleague of the firm may read it, another firm's staff may not
    assert api.as_(staff).get("/api/v1/cash-ups?date=2020-01-01").json["receipts"] == []
    colleague = UserFactory(role=Role.firm_staff, firm=city.firm)
    rival = UserFactory(role=Role.firm_staff, firm=city.other_firm)
    assert api.as_(colleague).get(f"/api/v1/cash-ups?cashier_id={staff.id}").json["total"] == "350.00"
    assert api.as_(rival).get(f"/api/v1/cash-ups?cashier_id={staff.id}").status_code == 404
    assert api.as_(staff).get("/api/v1/cash-ups?date=2026-13-01").status_code == 422


def test_a_past_days_cash_up_stays_as_handed_over_and_a_later_void_is_a_refund_of_its_own_day(api, city, owing, client):
    staff = city.users["firm_staff"]
    paid = pay_months(api, staff, city.household.id, "200.00", bill_ids=[owing[0].id]).json
    receipt = db.session.get(Receipt, paid["receipt"]["id"])
    receipt.issued_at -= timedelta(days=1)  # issued yesterday, handed over with yesterday's till
    db.session.commit()
    yesterday = (today() - timedelta(days=1)).isoformat()
    before = api.as_(staff).get(f"/api/v1/cash-ups?date={yesterday}").json
    assert before["total"] == "200.00"
    api.as_(staff).post(f"/api/v1/payments/{paid['payments'][0]['id']}/reversal", json={"reason": "收错户"})
    after = api.as_(staff).get(f"/api/v1/cash-ups?date={yesterday}").json
    assert (after["total"], after["count"], after["voided"]) == ("200.00", 1, [])
    assert after["receipts"][0]["voided"] is False and after["receipts"][0]["voided_at"] is not None
    day = api.as_(staff).get("/api/v1/cash-ups").json
    assert [r["number"] for r in day["refunds"]] == [paid["receipt"]["number"]]
    assert (day["total"], day["totals_by_method"]["cash"], day["count"]) == ("-200.00", "-200.00", 0)
    body = page(login(client, staff), "/cash-up")
    assert paid["receipt"]["number"] in body and "−200.00" in body and "当天作废的以前日期收据" in body
