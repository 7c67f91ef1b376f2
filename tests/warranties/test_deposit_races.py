"""Deposit decisions clicked at once (issue 23, finding 5): the project's row is locked before
what is left is read, so the deposit is decided once, and every loser gets a 409 naming why."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pm_app.extensions import db
from pm_app.warranties.models import DepositDecision, RenovationProject
from tests.races import race, tokens
from tests.warranties.pages import build_project

pytestmark = [pytest.mark.postgres_only, pytest.mark.commits]


def _project(city):
    project = build_project(city.users["admin"], city.compound, city.contractor, deposit_fen=67_514_00)
    (token,) = tokens(city.users["street_officer"])
    return project.id, token


def test_ten_release_all_clicks_at_once_release_the_deposit_once(app, city):
    project_id, token = _project(city)
    url = f"/api/v1/projects/{project_id}/deposit/release?lang=en"
    results = race(app, [("post", url, token, {"json": {"reason": "保修期满"}}) for _ in range(10)])
    assert sorted(status for status, _ in results) == [201] + [409] * 9
    assert all("left to decide" in body["message"] for status, body in results if status == 409)
    assert db.session.scalar(select(func.count()).select_from(DepositDecision)) == 1
    project = db.session.get(RenovationProject, project_id)
    assert (project.deposit_returned_fen, project.deposit_state.value) == (67_514_00, "released")


def test_release_racing_forfeit_decides_the_deposit_once_and_never_fails(app, city):
    project_id, token = _project(city)
    base = f"/api/v1/projects/{project_id}/deposit"
    calls = [
        ("post", f"{base}/{kind}?lang=en", token, {"json": {"reason": "保修期满"}})
        for kind in ("release", "forfeit") * 5
    ]
    results = race(app, calls)
    assert sorted(status for status, _ in results) == [201] + [409] * 9
    decided = db.session.scalar(select(func.sum(DepositDecision.amount_fen)))
    assert decided == 67_514_00
