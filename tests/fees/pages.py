"""Shared builders of the fee page tests: a city whose two compounds were billed for the last
three closed months, and a statement counter."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from pm_app.common.clock import today
from pm_app.extensions import db
from pm_app.fees import billing, payments
from pm_app.fees.models import Payment, PaymentMethod
from pm_app.fees.periods import period_of, shift
from tests.fees.conftest import bills_of
from tests.helpers import count_statements
from tests.org.test_pages import login, page  # noqa: F401  (the shared helpers)


def closed_periods(n: int = 3) -> list[str]:
    """The last `n` months before this one: billed, due and overdue whatever day the suite runs."""
    last = shift(period_of(today()), -1)
    return [shift(last, k - n + 1) for k in range(n)]


def bill_city(city) -> dict:
    """Both compounds billed 73.44 a month (86.40 m² at 0.85) for three months; `city.compound`
    paid the first month in full, `city.other` nothing."""
    periods = closed_periods()
    for period in periods:
        billing.generate_for_city(period)
    (first,) = bills_of(city.compound.id, periods[0])
    payments.record_payment(
        city.users["street_officer"],
        bill_id=first.id,
        amount_fen=first.amount_due_fen,
        method=PaymentMethod.cash,
        paid_at=None,
        key="seed-payment",
    )
    return {
        "periods": periods,
        "paid": first,
        "latest": bills_of(city.compound.id, periods[-1])[0],
        "other": bills_of(city.other.id, periods[-1])[0],
    }


def payment_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Payment))


def hidden(body: str, name: str) -> str:
    return re.search(rf'name="{re.escape(name)}" type="hidden" value="([^"]*)"', body).group(1)


def statements(client, url: str) -> int:
    with count_statements() as sent:
        page(client, url)
    return len(sent)


def csrf_login(client, user):
    """Sign in through the login form, token and all (the app of the `csrf_client` fixture)."""
    token = hidden(page(client, "/login"), "csrf_token")
    response = client.post("/login", data={"csrf_token": token, "username": user.username, "password": "password123"})
    assert response.status_code == 302
