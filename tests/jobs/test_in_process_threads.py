"""The embedded default (no Redis): the job runs on the server's own thread pool, in its own app
context and session, while the page and the API poll it; and two starts at the same moment for
the same firm and month make one job and one 409. These commit for real."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from pm_app.auth.services import issue_token
from pm_app.extensions import db
from pm_app.fees.models import Bill
from pm_app.jobs.models import Job


def _post(app, token, body):
    with app.test_client() as client:
        response = client.post("/api/v1/bills/generate", json=body, headers={"Authorization": f"Bearer {token}"})
        return response.status_code, response.get_json()


def _get(app, token, job_id):
    with app.test_client() as client:
        answer = client.get(f"/api/v1/jobs/{job_id}", headers={"Authorization": f"Bearer {token}"}).get_json()
    # The suite's requests share one app context, so its session outlives them; a server's does
    # not. End its read, as the end of a request would (SQLite: a reader holds off the commit).
    db.session.remove()
    return answer


@pytest.mark.commits
def test_on_the_thread_pool_the_job_finishes_with_the_right_counts(app, city, firm4, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_MODE", "thread")
    token = issue_token(city.users["firm_staff"])
    db.session.commit()
    status, started = _post(app, token, {"firm_id": city.firm.id, "period": firm4.period})
    assert status == 202
    deadline = time.monotonic() + 30
    job = _get(app, token, started["job_id"])
    while job["state"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.1)
        job = _get(app, token, started["job_id"])
    assert job["state"] == "finished", job
    assert job["progress"] == {"done": 4, "total": 4}
    assert job["result"]["totals"] == {
        "compounds": 4,
        "billed": 1,
        "skipped": 3,
        "created": 1,
        "existing": 0,
        "households_skipped": 0,
    }
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Bill).where(Bill.period == firm4.period)) == 1


@pytest.mark.postgres_only
@pytest.mark.commits
def test_ten_starts_at_once_make_one_job_and_nine_409s(app, city, firm4, monkeypatch):
    from pm_app.jobs import services

    monkeypatch.setattr(services, "launch", lambda job_id: None)  # keep it queued: the key stays taken
    token = issue_token(city.users["firm_staff"])
    db.session.commit()
    body = {"firm_id": city.firm.id, "period": firm4.period}
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda _: _post(app, token, body), range(10)))
    assert sorted(status for status, _ in results) == [202] + [409] * 9
    [winner] = [answer["job_id"] for status, answer in results if status == 202]
    assert all(answer["errors"]["job_id"] == [str(winner)] for status, answer in results if status == 409)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Job)) == 1
