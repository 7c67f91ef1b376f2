"""Idempotency keys after issue 23, finding 6: a caller's key lives in its organisation's own
space, hashed (`fees.keys`), so it can neither take a key the server makes (`reversal:<id>`)
nor tell anything about another tenant's keys, and every valid key fits on every row."""

from __future__ import annotations

from sqlalchemy import func, select

from pm_app.extensions import db
from pm_app.fees.models import Payment
from pm_app.fees.payments import KEY_MAX, check_totals
from tests.fees.conftest import bills_of
from tests.fees.test_allocation import household_pay


def _bills(api, city, period="2026-09"):
    for compound in (city.compound, city.other):
        api.as_(city.users["admin"]).post("/api/v1/bills/generate", json={"compound_id": compound.id, "period": period})
    return bills_of(city.compound.id, period), bills_of(city.other.id, period)


def _reverse(api, user, payment_id):
    return api.as_(user).post(f"/api/v1/payments/{payment_id}/reversal?lang=en", json={"reason": "记错户号"})


def test_a_key_named_like_a_future_reversal_does_not_block_it(api, city, four, pay):
    """The attack: record a payment under `reversal:<next id>`; that payment then could never be
    reversed (a 500 for ever). Now the key is the caller's own, and the reversal goes through."""
    mine, _ = _bills(api, city)
    firm = city.users["firm_staff"]
    victim = pay(firm, mine[1].id, "20.00").json["id"]  # (ids are guessable: the next one is as easy)
    squatter = pay(firm, mine[0].id, "10.00", key=f"reversal:{victim}")
    assert squatter.status_code == 201
    assert _reverse(api, firm, victim).status_code == 201
    assert _reverse(api, firm, victim).status_code == 409  # still once only: by reversal_of_id
    assert check_totals() == []


def test_another_tenants_keys_and_reversals_cannot_be_told_apart_from_fresh_keys(api, city, four, pay):
    """The oracle: firm B sends firm A's key (or `reversal:<A's payment>`) and reads 409 vs 201/422.
    Now a key from another organisation is simply a new key: the answer is the same either way."""
    mine, theirs = _bills(api, city)
    a, b = city.users["firm_staff"], _other_firm_user(city)
    paid = pay(a, mine[0].id, "10.00", key="till-1-0001").json
    assert _reverse(api, a, paid["id"]).status_code == 201
    assert pay(b, theirs[0].id, "5.00", key="till-1-0001").status_code == 201
    assert pay(b, theirs[0].id, "5.00", key=f"reversal:{paid['id']}").status_code == 201
    assert pay(b, theirs[0].id, "5.00", key="reversal:999999").status_code == 201
    # and in one's own space the key still means what it meant
    assert pay(a, mine[0].id, "10.00", key="till-1-0001").headers["Idempotent-Replayed"] == "true"
    assert pay(a, mine[0].id, "11.00", key="till-1-0001").status_code == 409


def test_a_key_of_the_full_length_works_on_a_payment_over_several_bills(api, city, four):
    for period in ("2026-07", "2026-08", "2026-09"):
        api.as_(city.users["street_officer"]).post(
            "/api/v1/bills/generate", json={"compound_id": city.compound.id, "period": period}
        )
    key = "k" * KEY_MAX
    officer = city.users["street_officer"]
    first = household_pay(api, officer, city.household.id, "600.00", key=key)
    assert first.status_code == 201, first.json
    assert len(first.json["payments"]) == 3
    again = household_pay(api, officer, city.household.id, "600.00", key=key)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert [p["id"] for p in again.json["payments"]] == [p["id"] for p in first.json["payments"]]
    assert household_pay(api, officer, city.household.id, "1.00", key=key).status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 3


def test_a_key_longer_than_the_maximum_is_a_400_naming_the_header(api, city, four, pay):
    mine, _ = _bills(api, city)
    response = pay(city.users["firm_staff"], mine[0].id, "10.00", key="k" * (KEY_MAX + 1))
    assert response.status_code == 400 and "Idempotency-Key" in response.json["errors"]


def _other_firm_user(city):
    from pm_app.auth.models import Role
    from tests.factories import UserFactory

    return UserFactory(role=Role.firm_staff, firm=city.other_firm)
