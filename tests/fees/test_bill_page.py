"""The bill page and its forms: payments recorded once however often the form is sent,
reversals, waivers, who may post, and CSRF on every form."""

from __future__ import annotations

import pytest

from pm_app.fees.models import BillStatus
from tests.fees.pages import bill_city, csrf_login, hidden, login, page, payment_count

IN_SCOPE = ["admin", "regulator", "street_officer", "firm_staff", "committee_member"]


@pytest.fixture
def billed(city):
    return bill_city(city)


# --- the bill page -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,bill,status",
    [
        *[(role, "latest", 200) for role in IN_SCOPE],
        ("contractor_staff", "latest", 404),
        ("regulator", "other", 200),
        ("street_officer", "other", 404),
        ("firm_staff", "other", 404),
        ("committee_member", "other", 404),
        ("contractor_staff", "other", 404),
    ],
)
def test_who_opens_a_bill(client, city, billed, role, bill, status):
    login(client, city.users[role])
    page(client, f"/bills/{billed[bill].id}", status)


@pytest.mark.parametrize(
    "role,forms", [("street_officer", True), ("firm_staff", True), ("regulator", True), ("committee_member", False)]
)
def test_only_collectors_see_the_forms(client, city, billed, role, forms):
    body = page(login(client, city.users[role]), f"/bills/{billed['latest'].id}")
    assert ('name="payment-key"' in body) is forms and ('name="waiver-approved_by"' in body) is forms


def test_the_bill_page_masks_the_owner_for_the_committee(client, city, billed):
    body = page(login(client, city.users["committee_member"]), f"/bills/{billed['latest'].id}")
    assert "王*明" in body and "王小明" not in body


def _pay(client, bill_id, key, amount="73.44", **extra):
    return client.post(
        f"/bills/{bill_id}/payments?lang=en",
        data={"payment-key": key, "payment-amount": amount, "payment-method": "wechat", **extra},
    )


def test_a_double_submit_of_the_payment_form_records_one_payment(client, city, billed):
    login(client, city.users["firm_staff"])
    bill = billed["latest"]
    key = hidden(page(client, f"/bills/{bill.id}"), "payment-key")
    before = payment_count()
    first, second = _pay(client, bill.id, key), _pay(client, bill.id, key)
    assert first.status_code == second.status_code == 302
    assert payment_count() == before + 1 and bill.status == BillStatus.paid
    body = page(client, f"/bills/{bill.id}?lang=en")
    assert "sending the form again did not record it twice" in body and body.count("73.44</td>") == 1


def test_each_rendering_of_the_form_carries_a_new_key(client, city, billed):
    login(client, city.users["firm_staff"])
    url = f"/bills/{billed['latest'].id}"
    assert hidden(page(client, url), "payment-key") != hidden(page(client, url), "payment-key")


def test_a_payment_with_a_paid_at_time_is_recorded_in_city_time(client, city, billed):
    login(client, city.users["street_officer"])
    bill = billed["latest"]
    response = _pay(
        client, bill.id, "k-time", amount="10.00", **{"payment-paid_at": f"{billed['periods'][-1]}-15T09:30"}
    )
    assert response.status_code == 302
    assert f"{billed['periods'][-1]}-15 09:30" in page(client, f"/bills/{bill.id}")


@pytest.mark.parametrize(
    "amount,message",
    [("80.00", "more than the 73.44 yuan outstanding"), ("abc", "Write an amount in yuan"), ("0", "greater than zero")],
)
def test_a_refused_payment_is_explained_next_to_the_form_with_422(client, city, billed, amount, message):
    login(client, city.users["street_officer"])
    response = _pay(client, billed["latest"].id, "k-refused", amount=amount)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert payment_count() == 1  # the seeded one only


def test_a_key_reused_for_another_amount_is_a_409_with_a_fresh_key(client, city, billed):
    login(client, city.users["street_officer"])
    bill = billed["latest"]
    _pay(client, bill.id, "k-reused", amount="10.00")
    response = _pay(client, bill.id, "k-reused", amount="20.00")
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "already used" in body and hidden(body, "payment-key") != "k-reused"


@pytest.mark.parametrize(
    "role,bill,status",
    [
        ("committee_member", "latest", 403),
        ("regulator", "latest", 302),
        ("firm_staff", "other", 404),
        ("contractor_staff", "latest", 404),
    ],
)
def test_who_may_post_a_payment(client, city, billed, role, bill, status):
    login(client, city.users[role])
    assert _pay(client, billed[bill].id, f"k-{role}").status_code == status


def test_a_reversal_needs_a_reason_and_shows_as_a_reversal(client, city, billed):
    login(client, city.users["street_officer"])
    bill = billed["paid"]
    payment_id = int(page(client, f"/bills/{bill.id}").split('id="payment-')[1].split('"')[0])
    url = f"/bills/{bill.id}/payments/{payment_id}/reversal?lang=en"
    assert client.post(url, data={"reversal-reason": ""}).status_code == 422
    asked = client.post(url, data={"reversal-reason": "收错户"})  # irreversible: the page asks first
    assert asked.status_code == 200 and "cannot be undone" in asked.get_data(as_text=True)
    assert "Reversal of payment" not in page(client, f"/bills/{bill.id}?lang=en")
    assert client.post(url, data={"reversal-reason": "收错户", "confirm": "1"}).status_code == 302
    body = page(client, f"/bills/{bill.id}?lang=en")
    assert f"Reversal of payment no. {payment_id}: 收错户" in body and "-73.44" in body and "Unpaid" in body
    assert client.post(url, data={"reversal-reason": "again", "confirm": "1"}).status_code == 409


def test_a_reversal_of_a_payment_of_another_bill_is_404(client, city, billed):
    login(client, city.users["street_officer"])
    payment_id = int(page(client, f"/bills/{billed['paid'].id}").split('id="payment-')[1].split('"')[0])
    assert (
        client.post(
            f"/bills/{billed['latest'].id}/payments/{payment_id}/reversal", data={"reversal-reason": "x"}
        ).status_code
        == 404
    )


def test_a_waiver_needs_its_approver_and_then_settles_the_bill(client, city, billed):
    login(client, city.users["street_officer"])
    bill = billed["latest"]
    url = f"/bills/{bill.id}/waivers?lang=en"
    form = {"waiver-key": "w-1", "waiver-amount": "73.44", "waiver-reason": "低保户", "waiver-approved_by": ""}
    response = client.post(url, data=form)
    assert response.status_code == 422 and bill.waived_fen == 0
    response = client.post(url, data={**form, "waiver-approved_by": "东街街道"})
    assert response.status_code == 302 and bill.status == BillStatus.waived
    again = client.post(url, data={**form, "waiver-approved_by": "东街街道"})  # a double submit
    assert again.status_code == 302 and bill.waived_fen == 7344
    body = page(client, f"/bills/{bill.id}?lang=en")
    assert "低保户" in body and "东街街道" in body and 'name="payment-key"' not in body  # nothing left to collect


def test_a_waiver_above_the_outstanding_amount_is_refused_with_422(client, city, billed):
    login(client, city.users["street_officer"])
    response = client.post(
        f"/bills/{billed['latest'].id}/waivers?lang=en",
        data={"waiver-key": "w-2", "waiver-amount": "99.00", "waiver-reason": "x", "waiver-approved_by": "y"},
    )
    assert response.status_code == 422 and "at most 73.44" in response.get_data(as_text=True)


# --- CSRF ----------------------------------------------------------------------------------


def test_every_fee_form_refuses_a_post_without_the_csrf_token(csrf_client, city, billed):
    csrf_login(csrf_client, city.users["street_officer"])
    bill = billed["paid"]
    payment_id = int(page(csrf_client, f"/bills/{bill.id}").split('id="payment-')[1].split('"')[0])
    for url, data in (
        (f"/compounds/{city.compound.id}/fees/generate", {"period": "2026-05"}),
        (
            f"/bills/{billed['latest'].id}/payments",
            {"payment-key": "k", "payment-amount": "1.00", "payment-method": "cash"},
        ),
        (f"/bills/{bill.id}/payments/{payment_id}/reversal", {"reversal-reason": "x"}),
        (
            f"/bills/{billed['latest'].id}/waivers",
            {"waiver-key": "w-3", "waiver-amount": "1.00", "waiver-reason": "x", "waiver-approved_by": "y"},
        ),
    ):
        assert csrf_client.post(url, data=data).status_code == 400, url
    assert payment_count() == 1 and billed["latest"].waived_fen == 0


def test_the_forms_work_with_the_token_of_the_page(csrf_client, city, billed):
    csrf_login(csrf_client, city.users["street_officer"])
    bill = billed["paid"]
    body = page(csrf_client, f"/bills/{billed['latest'].id}")
    data = {
        "payment-csrf_token": hidden(body, "payment-csrf_token"),
        "payment-key": hidden(body, "payment-key"),
        "payment-amount": "1.00",
        "payment-method": "cash",
    }
    assert csrf_client.post(f"/bills/{billed['latest'].id}/payments", data=data).status_code == 302
    body = page(csrf_client, f"/bills/{bill.id}")
    payment_id = int(body.split('id="payment-')[1].split('"')[0])
    url = f"/bills/{bill.id}/payments/{payment_id}/reversal"
    asked = csrf_client.post(
        url, data={"reversal-csrf_token": hidden(body, "reversal-csrf_token"), "reversal-reason": "收错户"}
    ).get_data(as_text=True)
    assert payment_count() == 2  # the confirmation page carries the form, with the tokens, to the second post
    response = csrf_client.post(
        url,
        data={
            name: hidden(asked, name) for name in ("csrf_token", "reversal-csrf_token", "reversal-reason", "confirm")
        },
    )
    assert response.status_code == 302 and payment_count() == 3
