"""A committee registered twice at once (issue 23, finding 5's "every other check-then-insert"):
the unique (compound, elected_on) decides under a savepoint, so one is registered and the twin
gets the same named 409 as a later duplicate, never a 500 or the database's bare refusal."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pm_app.committees.models import Committee
from pm_app.extensions import db
from tests.committees.conftest import committee_body
from tests.races import race, tokens

pytestmark = [pytest.mark.postgres_only, pytest.mark.commits]


def test_six_twin_registrations_make_one_committee(app, city):
    (token,) = tokens(city.users["street_officer"])
    calls = [
        ("post", "/api/v1/committees?lang=en", token, {"json": committee_body(city.compound.id)}) for _ in range(6)
    ]
    results = race(app, calls)
    assert sorted(status for status, _ in results) == [201] + [409] * 5, results
    assert all(body["errors"] == {"elected_on": ["already registered"]} for status, body in results if status == 409)
    assert db.session.scalar(select(func.count()).select_from(Committee)) == 1
