"""One sum for several months, spread oldest first, exact to the fen, once per key."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from pm_app.fees.counter.allocation import allocate
from pm_app.fees.payments import check_totals
from tests.fees.conftest import bills_of


@given(owed=st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=40), data=st.data())
def test_the_parts_add_up_to_the_sum_and_never_exceed_a_bill(owed, data):
    amount = data.draw(st.integers(min_value=0, max_value=sum(owed)))
    parts = allocate(amount, owed)
    assert sum(parts) == amount
    assert all(0 <= part <= debt for part, debt in zip(parts, owed))
    # oldest first: a bill gets something only when every older bill is settled
    for i, part in enumerate(parts):
        if part:
            assert parts[:i] == owed[:i]


@given(owed=st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=10), extra=st.integers(1, 10**6))
def test_more_than_everything_owed_is_refused(owed, extra):
    try:
        allocate(sum(owed) + extra, owed)
    except ValueError:
        return
    raise AssertionError("accepted an overpayment")


def household_pay(api, user, household_id, amount, key=None):
    return api.as_(user).post(
        f"/api/v1/households/{household_id}/payments?lang=en",
        json={"amount": amount, "method": "cash"},
        headers={"Idempotency-Key": key or str(uuid.uuid4())},
    )


def test_a_household_settles_three_months_in_one_payment_oldest_first(api, city, four, pay):
    officer = city.users["street_officer"]
    for period in ("2026-07", "2026-08", "2026-09"):
        api.as_(officer).post("/api/v1/bills/generate", json={"compound_id": city.compound.id, "period": period})
    july = bills_of(city.compound.id, "2026-07")[0]
    pay(officer, july.id, "50.00")  # 150.00 left of July's 200.00
    response = household_pay(api, city.users["firm_staff"], city.household.id, "430.00", key="counter-1")
    assert response.status_code == 201
    assert [p["amount"] for p in response.json["payments"]] == ["150.00", "200.00", "80.00"]
    assert [p["bill"]["status"] for p in response.json["payments"]] == ["paid", "paid", "partial"]
    replay = household_pay(api, city.users["firm_staff"], city.household.id, "430.00", key="counter-1")
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert [p["id"] for p in replay.json["payments"]] == [p["id"] for p in response.json["payments"]]
    assert household_pay(api, city.users["firm_staff"], city.household.id, "1.00", key="counter-1").status_code == 409
    assert check_totals() == []


def test_a_household_cannot_pay_more_than_it_owes(api, city, four):
    api.as_(city.users["street_officer"]).post(
        "/api/v1/bills/generate", json={"compound_id": city.compound.id, "period": "2026-09"}
    )
    response = household_pay(api, city.users["firm_staff"], city.household.id, "200.01")
    assert response.status_code == 422 and response.json["errors"] == {"amount": ["at most 200.00"]}


def test_a_foreign_household_is_404_and_a_committee_may_not_take_money(api, city, four):
    assert household_pay(api, city.users["street_officer"], city.other_household.id, "1.00").status_code == 404
    api.as_(city.users["street_officer"]).post(
        "/api/v1/bills/generate", json={"compound_id": city.compound.id, "period": "2026-09"}
    )
    assert household_pay(api, city.users["committee_member"], city.household.id, "1.00").status_code == 403
