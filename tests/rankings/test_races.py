"""Period changes racing each other (issue 23, finding 5): every change locks the period's row
first (`freeze.lock_open`), so a deduction sent while the period is being published either lands
before it (and is frozen into the result) or gets a 409 after it, never a 500; twin creations,
corrections and appeal decisions record one thing and answer the rest with a 409."""

from __future__ import annotations

from contextlib import ExitStack

import pytest
from sqlalchemy import func, select, text

from pm_app.extensions import db
from pm_app.rankings import adjustments, appeals, periods
from pm_app.rankings.models import Adjustment, Appeal, PeriodState, RankingPeriod, RankingResult
from tests.conftest import append_only_lifted
from tests.races import race, tokens

pytestmark = [pytest.mark.postgres_only, pytest.mark.commits, pytest.mark.usefixtures("published_cleared")]


@pytest.fixture
def published_cleared():
    """A published period refuses deletion (its trigger); lift that for the cleanup after the test."""
    yield
    db.session.remove()
    with db.engine.begin() as conn, ExitStack() as stack:
        for table in (
            "ranking_result_compound",
            "ranking_appeal",
            "ranking_adjustment",
            "ranking_result",
            "ranking_period",
        ):
            stack.enter_context(append_only_lifted(conn, table))
        for table in ("ranking_result_compound", "ranking_appeal", "ranking_adjustment", "ranking_result"):
            conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(text("UPDATE ranking_period SET corrects_id = NULL"))
        conn.execute(text("DELETE FROM ranking_period"))


def _in_review(app, quarter) -> RankingPeriod:
    regulator = quarter.city.users["regulator"]
    with app.test_request_context():
        period = periods.create_period(regulator, "2026Q2")
        periods.compute(regulator, period)
        periods.open_review(regulator, period)
    return period


def test_deductions_sent_during_publication_are_frozen_in_or_refused_never_a_500(app, quarter):
    city = quarter.city
    period = _in_review(app, quarter)
    (token,) = tokens(city.users["regulator"])
    deduction = {"period_id": period.id, "firm_id": city.firm.id, "points": "1", "reason": "消防通道堵塞"}
    calls = [("post", "/api/v1/deductions?lang=en", token, {"json": dict(deduction)}) for _ in range(9)]
    calls.insert(4, ("post", f"/api/v1/rankings/periods/{period.id}/publish?lang=en", token, {}))
    results = race(app, calls)
    statuses = [status for status, _ in results]
    assert statuses[4] == 200 and set(statuses) <= {200, 201, 409}, results
    landed = statuses.count(201)
    assert all("published" in body["message"] for status, body in results if status == 409)
    period = db.session.get(RankingPeriod, period.id)
    assert period.state == PeriodState.published
    assert db.session.scalar(select(func.count()).select_from(Adjustment)) == landed
    frozen = db.session.scalar(
        select(RankingResult).where(RankingResult.period_id == period.id, RankingResult.firm_id == city.firm.id)
    )
    assert str(frozen.deductions) == f"{landed}.00"  # every deduction that landed counted, none after


def test_five_twin_creations_of_a_period_make_one_and_four_409s(app, quarter):
    (token,) = tokens(quarter.city.users["regulator"])
    calls = [("post", "/api/v1/rankings/periods?lang=en", token, {"json": {"period": "2026Q3"}}) for _ in range(5)]
    results = race(app, calls)
    assert sorted(status for status, _ in results) == [201] + [409] * 4
    assert all("2026Q3 already exists" in body["message"] for status, body in results if status == 409)
    assert db.session.scalar(select(func.count()).select_from(RankingPeriod)) == 1


def test_an_appeal_accepted_and_rejected_at_once_is_decided_once(app, quarter):
    city = quarter.city
    period = _in_review(app, quarter)
    with app.test_request_context():
        deduction = adjustments.add_adjustment(
            city.users["regulator"], period, {"firm_id": city.firm.id, "points": 5, "reason": "未按时整改"}
        )
        appeal = appeals.file_appeal(city.users["firm_staff"], deduction, "已整改，见照片")
    (token,) = tokens(city.users["regulator"])
    url = f"/api/v1/appeals/{appeal.id}/decision?lang=en"
    calls = [("post", url, token, {"json": {"accept": accept, "reason": "核实"}}) for accept in (True, False) * 3]
    results = race(app, calls)
    assert sorted(status for status, _ in results) == [200] + [409] * 5, results
    decided = db.session.get(Appeal, appeal.id)
    assert db.session.get(Adjustment, deduction.id).void is (decided.state.value == "accepted")
