"""The counter's pages in Chinese: find a household, its account (户账) with the pay form, the
printable receipt (收据), and the day's cash-up (日结)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from pm_app.extensions import db
from pm_app.fees.models import Receipt
from tests.fees.pages import bill_city, hidden, login, page, payment_count


def _form(body: str, bill_ids, amount: str, method: str = "cash", payer: str = "") -> dict:
    return {
        "key": hidden(body, "key"),
        "owed": hidden(body, "owed"),
        "bill_ids": [str(i) for i in bill_ids],
        "amount": amount,
        "method": method,
        "payer_name": payer,
    }


def test_a_cashier_finds_pays_two_months_at_once_and_prints_the_receipt(client, city):
    billed = bill_city(city)
    staff = login(client, city.users["firm_staff"])
    found = page(staff, "/counter?q=1号楼1单元101")
    assert "收费台" in found and f"/households/{city.household.id}/account" in found
    body = page(staff, f"/households/{city.household.id}/account")
    assert "户账" in body and "146.88" in body  # two months of 73.44 owed, pre-filled
    assert body.count('name="bill_ids"') == 2 and body.count(" checked") == 2
    form = _form(body, [billed["latest"].id, _other_unpaid(billed)], "146.88", payer="王先生")
    response = staff.post(f"/households/{city.household.id}/account/payments", data=form)
    assert response.status_code == 302 and "/receipts/" in response.location and "print=1" in response.location
    again = staff.post(f"/households/{city.household.id}/account/payments", data=form)  # a double click
    assert again.status_code == 302 and again.location == response.location
    assert db.session.scalar(select(func.count()).select_from(Receipt)) == 2  # the seed's payment had one too
    receipt = page(staff, response.location)
    assert "收据" in receipt and "壹佰肆拾陆元捌角捌分" in receipt and "王先生" in receipt and "现金" in receipt
    assert "receipt.js" in receipt and 'data-auto-print="1"' in receipt
    day = page(staff, "/cash-up")
    number = db.session.scalar(select(Receipt.number).order_by(Receipt.id.desc()).limit(1))
    assert "日结" in day and number in day and "146.88" in day
    csv = staff.get("/cash-up.csv")
    assert csv.status_code == 200 and number in csv.get_data(as_text=True)


def _other_unpaid(billed) -> int:
    from tests.fees.conftest import bills_of

    return bills_of(billed["latest"].compound_id, billed["periods"][1])[0].id


def test_refusals_stay_on_the_page_in_chinese_with_what_was_typed(client, city, api):
    billed = bill_city(city)
    staff = login(client, city.users["firm_staff"])
    body = page(staff, f"/households/{city.household.id}/account")
    before = payment_count()
    over = staff.post(
        f"/households/{city.household.id}/account/payments", data=_form(body, [billed["latest"].id], "999.00")
    )
    assert over.status_code == 422
    text = over.get_data(as_text=True)
    assert 'value="999.00"' in text and "超过该户欠缴的 73.44 元" in text  # what was typed, and why not
    # someone else pays the latest month meanwhile: the page drawn before is stale
    api.as_(city.users["street_officer"]).post(
        f"/api/v1/households/{city.household.id}/payments",
        json={"amount": "73.44", "method": "cash", "bill_ids": [billed["latest"].id]},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    stale = staff.post(
        f"/households/{city.household.id}/account/payments", data=_form(body, [billed["latest"].id], "73.44")
    )
    assert stale.status_code == 409 and "本页打开后已有人为这些月份收款" in stale.get_data(as_text=True)
    assert payment_count() == before + 1  # the other cashier's only


def test_the_account_and_the_receipt_are_in_scope_only(client, city):
    bill_city(city)
    staff = login(client, city.users["firm_staff"])
    page(staff, f"/households/{city.other_household.id}/account", 404)
    assert f"/households/{city.other_household.id}/account" not in page(staff, "/counter?q=1号楼1单元101")
    page(staff, "/receipts/999999", 404)


def test_the_committee_reads_the_account_without_a_pay_form(client, city):
    bill_city(city)
    body = page(login(client, city.users["committee_member"]), f"/households/{city.household.id}/account")
    assert 'name="amount"' not in body and "王*明" in body
