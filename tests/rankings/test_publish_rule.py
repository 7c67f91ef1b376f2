"""Issue 27: a period is published only after its last day (Q4 was published on 6 December),
and publishing or opening the review from the page asks first, saying what will happen."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from pm_app.errors import Conflict
from pm_app.extensions import db
from pm_app.rankings import periods
from pm_app.rankings.models import PeriodState, RankingPeriod
from tests.rankings.conftest import login
from tests.rankings.test_flow import start

# 2026Q2 ends on 30 June; 16:30 UTC on 30 June is already 1 July, 00:30, in Shanghai.
LAST_DAY = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
NEXT_DAY_IN_SHANGHAI = datetime(2026, 6, 30, 16, 30, tzinfo=UTC)


def in_review(api, quarter) -> int:
    period_id = start(api, quarter)
    assert (
        api.as_(quarter.city.users["regulator"]).post(f"/api/v1/rankings/periods/{period_id}/review").status_code == 200
    )
    return period_id


def test_the_service_refuses_a_period_on_its_last_day_and_publishes_it_the_next_day_in_shanghai(
    app, api, quarter, time_machine
):
    period = db.session.get(RankingPeriod, in_review(api, quarter))
    time_machine.move_to(LAST_DAY, tick=False)
    with app.test_request_context("/?lang=en"), pytest.raises(Conflict, match="2026-06-30") as refused:
        periods.publish(quarter.city.users["regulator"], period)
    assert refused.value.errors == {"ends_on": ["2026-06-30"]} and period.state == PeriodState.review
    time_machine.move_to(NEXT_DAY_IN_SHANGHAI, tick=False)
    with app.test_request_context():
        assert periods.publish(quarter.city.users["regulator"], period).state == PeriodState.published


def test_the_api_refuses_to_publish_a_period_that_has_not_ended_naming_its_end(api, quarter, time_machine):
    period_id = in_review(api, quarter)
    time_machine.move_to(LAST_DAY, tick=False)
    refused = api.as_(quarter.city.users["regulator"]).post(f"/api/v1/rankings/periods/{period_id}/publish?lang=en")
    assert refused.status_code == 409 and refused.json["errors"] == {"ends_on": ["2026-06-30"]}
    assert "only after it has ended" in refused.json["message"] and "2026-07-01" in refused.json["message"]
    assert db.session.get(RankingPeriod, period_id).state == PeriodState.review


def test_the_page_disables_publish_with_the_reason_and_refuses_the_post(client, api, quarter, time_machine):
    period_id = in_review(api, quarter)
    time_machine.move_to(LAST_DAY, tick=False)
    login(client, quarter.city.users["regulator"])
    page = client.get(f"/rankings/periods/{period_id}").get_data(as_text=True)
    assert 'disabled aria-describedby="not-yet"' in page and "2026-06-30" in page and "结束后才能发布" in page
    refused = client.post(f"/rankings/periods/{period_id}/publish", data={"confirm": "1"})
    assert refused.status_code == 409 and "2026-06-30" in refused.get_data(as_text=True)
    assert db.session.get(RankingPeriod, period_id).state == PeriodState.review


@pytest.mark.parametrize(
    "step,before,after,says",
    [
        ("review", PeriodState.draft, PeriodState.review, "不能退回草稿"),
        ("publish", PeriodState.review, PeriodState.published, "不能撤回"),
    ],
)
def test_review_and_publish_from_the_page_ask_first_and_only_the_confirmation_acts(
    client, api, quarter, step, before, after, says
):
    period_id = in_review(api, quarter) if step == "publish" else start(api, quarter)
    login(client, quarter.city.users["regulator"])
    asked = client.post(f"/rankings/periods/{period_id}/{step}")
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200 and says in text and 'name="confirm" type="hidden" value="1"' in text
    assert db.session.scalar(select(RankingPeriod.state).where(RankingPeriod.id == period_id)) == before
    done = client.post(f"/rankings/periods/{period_id}/{step}", data={"confirm": "1"})
    assert done.status_code == 303
    assert db.session.scalar(select(RankingPeriod.state).where(RankingPeriod.id == period_id)) == after
