"""Payments: idempotent on their key, never more than what is owed, corrected by reversal rows."""

from __future__ import annotations

from sqlalchemy import func, select

from pm_app.extensions import db
from pm_app.fees.models import Payment
from pm_app.fees.payments import check_totals
from tests.fees.conftest import bills_of


def bill(api, city, period="2026-09"):
    api.as_(city.users["street_officer"]).post(
        "/api/v1/bills/generate", json={"compound_id": city.compound.id, "period": period}
    )
    return bills_of(city.compound.id, period)[0]


def payment_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Payment))


def test_a_replayed_request_returns_the_first_result_and_records_one_payment(api, city, four, pay):
    target = bill(api, city)
    first = pay(city.users["firm_staff"], target.id, "50.00", key="till-7-0001")
    second = pay(city.users["firm_staff"], target.id, "50.00", key="till-7-0001")
    assert first.status_code == second.status_code == 201
    assert second.json == first.json
    assert (first.headers["Idempotent-Replayed"], second.headers["Idempotent-Replayed"]) == ("false", "true")
    assert payment_count() == 1
    assert first.json["bill"]["amount_paid"] == "50.00" and first.json["bill"]["status"] == "partial"


def test_a_payment_is_answered_with_its_receipt_and_a_replay_with_the_same_one(api, city, four, pay):
    target = bill(api, city)
    first = pay(city.users["firm_staff"], target.id, "50.00", key="till-7-0002")
    receipt = first.json["receipt"]
    assert receipt["number"].endswith("-000001") and receipt["total"] == "50.00"
    assert receipt["periods"] == ["2026-09"] and receipt["voided"] is False
    assert pay(city.users["firm_staff"], target.id, "50.00", key="till-7-0002").json["receipt"] == receipt
    reversal = api.as_(city.users["firm_staff"]).post(
        f"/api/v1/payments/{first.json['id']}/reversal", json={"reason": "收错户"}
    )
    assert reversal.status_code == 201, reversal.json
    assert reversal.json["receipt"] is None
    again = api.as_(city.users["firm_staff"]).get(f"/api/v1/payments?bill_id={target.id}")
    assert {row["id"] for row in again.json} == {first.json["id"], reversal.json["id"]}


def test_a_retry_without_paid_at_sent_later_is_still_the_same_request(api, city, four, pay):
    target = bill(api, city)
    assert pay(city.users["firm_staff"], target.id, "50.00", key="k").status_code == 201
    assert pay(city.users["firm_staff"], target.id, "50.00", key="k").headers["Idempotent-Replayed"] == "true"


def test_the_same_key_with_another_body_is_a_409(api, city, four, pay):
    target = bill(api, city)
    pay(city.users["firm_staff"], target.id, "50.00", key="k1")
    response = pay(city.users["firm_staff"], target.id, "60.00", key="k1")
    assert response.status_code == 409
    assert response.json["code"] == "conflict" and "Idempotency-Key" in response.json["errors"]
    assert payment_count() == 1


def test_the_same_key_on_another_bill_is_a_409(api, city, four, pay):
    bill(api, city)
    others = bills_of(city.compound.id, "2026-09")
    pay(city.users["firm_staff"], others[0].id, "10.00", key="k2")
    assert pay(city.users["firm_staff"], others[1].id, "10.00", key="k2").status_code == 409


def test_a_payment_without_a_key_is_a_400_naming_the_header(api, city, four):
    target = bill(api, city)
    response = api.as_(city.users["firm_staff"]).post(
        "/api/v1/payments", json={"bill_id": target.id, "amount": "10.00", "method": "cash"}
    )
    assert response.status_code == 400 and "Idempotency-Key" in response.json["errors"]
    assert payment_count() == 0


def test_more_than_the_outstanding_amount_is_a_422_and_partial_payments_add_up(api, city, four, pay):
    target = bill(api, city)  # 200.00
    assert pay(city.users["firm_staff"], target.id, "150.00").json["bill"]["status"] == "partial"
    refused = pay(city.users["firm_staff"], target.id, "50.01")
    assert refused.status_code == 422 and refused.json["errors"] == {"amount": ["at most 50.00"]}
    last = pay(city.users["firm_staff"], target.id, "50.00")
    assert last.json["bill"]["status"] == "paid" and last.json["bill"]["outstanding"] == "0.00"


def test_amounts_must_be_decimal_strings_not_floats_and_positive(api, city, four, pay):
    target = bill(api, city)
    assert "amount" in pay(city.users["firm_staff"], target.id, 10.5).json["errors"]
    assert "amount" in pay(city.users["firm_staff"], target.id, "10.005").json["errors"]
    assert "amount" in pay(city.users["firm_staff"], target.id, "0").json["errors"]
    assert "amount" in pay(city.users["firm_staff"], target.id, "-5").json["errors"]
    assert "method" in pay(city.users["firm_staff"], target.id, "5", method="bitcoin").json["errors"]
    future = pay(city.users["firm_staff"], target.id, "5", paid_at="2099-01-01T00:00:00+08:00")
    assert future.status_code == 422 and "paid_at" in future.json["errors"]
    assert payment_count() == 0


def test_a_reversal_is_a_new_row_and_the_bill_status_follows(api, city, four, pay):
    target = bill(api, city)
    paid = pay(city.users["firm_staff"], target.id, "200.00").json
    assert paid["bill"]["status"] == "paid"
    staff = api.as_(city.users["firm_staff"])
    reversal = staff.post(f"/api/v1/payments/{paid['id']}/reversal", json={"reason": "记错户号"})
    assert reversal.status_code == 201
    assert reversal.json["amount"] == "-200.00" and reversal.json["reversal_of_id"] == paid["id"]
    assert reversal.json["bill"]["status"] == "unpaid" and reversal.json["bill"]["amount_paid"] == "0.00"
    assert staff.post(f"/api/v1/payments/{paid['id']}/reversal", json={"reason": "again"}).status_code == 409
    assert staff.post(f"/api/v1/payments/{reversal.json['id']}/reversal", json={"reason": "x"}).status_code == 409
    detail = staff.get(f"/api/v1/bills/{target.id}").json
    assert [p["amount"] for p in detail["payments"]] == ["200.00", "-200.00"]
    assert check_totals() == []


def test_payments_have_no_edit_or_delete_route(api, city, four, pay):
    target = bill(api, city)
    paid = pay(city.users["firm_staff"], target.id, "10.00").json
    admin = api.as_(city.users["admin"])
    assert admin.patch(f"/api/v1/payments/{paid['id']}", json={"amount": "1.00"}).status_code == 405
    assert admin.delete(f"/api/v1/payments/{paid['id']}").status_code == 405


def test_a_waiver_with_reason_and_approver_settles_the_rest(api, city, four, pay):
    target = bill(api, city)
    pay(city.users["firm_staff"], target.id, "150.00")
    staff = api.as_(city.users["firm_staff"])
    missing = staff.post(f"/api/v1/bills/{target.id}/waivers", json={"amount": "50.00", "reason": "低保户"})
    assert missing.status_code == 422 and "approved_by" in missing.json["errors"]
    too_much = staff.post(
        f"/api/v1/bills/{target.id}/waivers",
        json={"amount": "50.01", "reason": "低保户", "approved_by": "东街街道 张科长"},
    )
    assert too_much.status_code == 422 and "amount" in too_much.json["errors"]
    waived = staff.post(
        f"/api/v1/bills/{target.id}/waivers",
        json={"amount": "50.00", "reason": "低保户", "approved_by": "东街街道 张科长"},
    )
    assert waived.status_code == 201 and waived.json["approved_by"] == "东街街道 张科长"
    assert staff.get(f"/api/v1/bills/{target.id}").json["status"] == "paid"


def test_a_bill_waived_in_full_is_waived(api, city, four):
    target = bill(api, city)
    api.as_(city.users["street_officer"]).post(
        f"/api/v1/bills/{target.id}/waivers", json={"amount": "200.00", "reason": "特困", "approved_by": "业委会决议"}
    )
    assert api.as_(city.users["street_officer"]).get(f"/api/v1/bills/{target.id}").json["status"] == "waived"


def test_who_may_record_payments(api, city, four, pay):
    target = bill(api, city)
    assert pay(city.users["committee_member"], target.id, "1.00").status_code == 403
    assert pay(city.users["contractor_staff"], target.id, "1.00").status_code == 404
    assert pay(city.users["street_officer"], target.id, "1.00").status_code == 201
    assert pay(city.users["regulator"], target.id, "1.00").status_code == 201


def test_a_firm_whose_contract_ended_reads_its_bills_but_records_nothing(api, city, four, pay):
    from datetime import date

    target = bill(api, city)
    city.contract.end_date = date(2026, 10, 31)
    db.session.flush()
    assert api.as_(city.users["firm_staff"]).get(f"/api/v1/bills/{target.id}").status_code == 200
    assert pay(city.users["firm_staff"], target.id, "1.00").status_code == 403


def test_a_waiver_sent_twice_with_one_key_is_recorded_once(api, city, four):
    target = bill(api, city)
    staff = api.as_(city.users["firm_staff"])
    body = {"amount": "20.00", "reason": "困难户", "approved_by": "业委会决议"}
    first = staff.post(f"/api/v1/bills/{target.id}/waivers", json=body, headers={"Idempotency-Key": "w-1"})
    second = staff.post(f"/api/v1/bills/{target.id}/waivers", json=body, headers={"Idempotency-Key": "w-1"})
    assert first.status_code == second.status_code == 201 and first.json["id"] == second.json["id"]
    other = staff.post(
        f"/api/v1/bills/{target.id}/waivers", json={**body, "amount": "30.00"}, headers={"Idempotency-Key": "w-1"}
    )
    assert other.status_code == 409
    assert staff.get(f"/api/v1/bills/{target.id}").json["amount_waived"] == "20.00"
