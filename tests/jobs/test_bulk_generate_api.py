"""Bills for many compounds at once (issue 24): POST /api/v1/bills/generate with firm_id or
street_id answers 202 with a job; GET /api/v1/jobs/{id} follows it to its summary."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pm_app.auth.models import Role
from pm_app.common.clock import now, today
from pm_app.extensions import db
from pm_app.fees.models import Bill
from pm_app.fees.periods import period_of, shift
from pm_app.jobs.models import Job
from tests.factories import UserFactory

GENERATE = "/api/v1/bills/generate?lang=en"


def start(api, user, **body):
    return api.as_(user).post(GENERATE, json=body)


def follow(api, user, response):
    assert response.status_code == 202, response.json
    assert response.headers["Location"] == f"/api/v1/jobs/{response.json['job_id']}"
    return api.as_(user).get(f"/api/v1/jobs/{response.json['job_id']}")


def rows_by_code(job: dict) -> dict:
    return {row["code"]: row for row in job["result"]["compounds"]}


def test_a_firm_bills_all_its_compounds_in_one_job_and_learns_why_some_were_skipped(api, city, firm4):
    staff = city.users["firm_staff"]
    got = follow(api, staff, start(api, staff, firm_id=city.firm.id, period=firm4.period))
    job = got.json
    assert got.status_code == 200 and job["kind"] == "bills.generate" and job["state"] == "finished"
    assert job["progress"] == {"done": 4, "total": 4}
    rows = rows_by_code(job)
    assert rows["GL-0001"]["status"] == "billed" and rows["GL-0001"]["created"] == 1
    assert (rows["GL-0002"]["status"], rows["GL-0002"]["reason"]) == ("skipped", "no_contract")
    assert (rows["GL-0003"]["status"], rows["GL-0003"]["reason"]) == ("skipped", "contract_ended")
    assert (rows["GL-0004"]["reason"], rows["GL-0004"]["party"]) == ("other_party", "乙物业")
    assert job["result"]["totals"] == {
        "compounds": 4,
        "billed": 1,
        "skipped": 3,
        "created": 1,
        "existing": 0,
        "households_skipped": 0,
    }
    assert "TJ-0001" not in rows  # the other firm's compound in the other street is not the firm's

    again = follow(api, staff, start(api, staff, firm_id=city.firm.id, period=firm4.period)).json
    assert again["result"]["totals"]["created"] == 0 and again["result"]["totals"]["existing"] == 1
    assert db.session.scalar(select(func.count()).select_from(Bill).where(Bill.period == firm4.period)) == 1


def test_a_street_office_bills_its_street_and_a_compound_without_contract_is_listed(api, city, firm4):
    officer = city.users["street_officer"]
    job = follow(api, officer, start(api, officer, street_id=city.street.id, period=firm4.period)).json
    rows = rows_by_code(job)
    assert set(rows) == {"GL-0001", "GL-0002", "GL-0003", "GL-0004"}
    assert rows["GL-0002"]["reason"] == "no_contract" and rows["GL-0002"]["skipped"] == 1
    assert [rows[c]["created"] for c in ("GL-0001", "GL-0003", "GL-0004")] == [1, 1, 1]
    assert job["result"]["totals"]["households_skipped"] == 1


def test_one_compound_keeps_its_synchronous_answer(api, city, firm4):
    response = start(api, city.users["firm_staff"], compound_id=city.compound.id, period=firm4.period)
    assert response.status_code == 200 and response.json["created"] == 1 and response.json["existing"] == 0


@pytest.mark.parametrize(
    "body,field",
    [
        ({"period": "2026-13"}, "period"),
        ({"period": "next month"}, "period"),
        ({}, "period"),
    ],
)
def test_a_bad_period_is_422_naming_it(api, city, body, field):
    response = start(api, city.users["firm_staff"], firm_id=city.firm.id, **body)
    assert response.status_code == 422 and field in response.json["errors"]


def test_a_period_beyond_next_month_is_refused(api, city):
    too_far = shift(period_of(today()), 2)
    response = start(api, city.users["firm_staff"], firm_id=city.firm.id, period=too_far)
    assert response.status_code == 422 and "period" in response.json["errors"]
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0
    next_month = start(api, city.users["firm_staff"], firm_id=city.firm.id, period=shift(period_of(today()), 1))
    assert next_month.status_code == 202


def test_exactly_one_of_compound_firm_street(api, city):
    both = start(api, city.users["admin"], firm_id=city.firm.id, street_id=city.street.id, period="2026-01")
    none = start(api, city.users["admin"], period="2026-01")
    assert both.status_code == 422 and set(both.json["errors"]) == {"firm_id", "street_id"}
    assert none.status_code == 422 and "compound_id" in none.json["errors"]


@pytest.mark.parametrize(
    "role,body",
    [
        ("firm_staff", lambda c: {"firm_id": c.other_firm.id}),  # another firm
        ("street_officer", lambda c: {"street_id": c.other_street.id}),  # another street office's
        ("admin", lambda c: {"firm_id": 2_000_000}),  # no such firm
        ("admin", lambda c: {"street_id": 2_000_000}),
    ],
)
def test_a_firm_or_street_out_of_scope_is_404(api, city, firm4, role, body):
    response = start(api, city.users[role], period=firm4.period, **body(city))
    assert response.status_code == 404 and response.json["code"] == "not_found"


@pytest.mark.parametrize(
    "role,status",
    [
        ("admin", 200),
        ("firm_staff", 200),
        ("colleague", 200),
        ("regulator", 404),
        ("street_officer", 404),
        ("other_firm_staff", 404),
        ("committee_member", 404),
    ],
)
def test_a_job_is_seen_by_its_organisation_and_the_admin_only(api, city, firm4, role, status):
    staff = city.users["firm_staff"]
    job_id = start(api, staff, firm_id=city.firm.id, period=firm4.period).json["job_id"]
    users = {
        **city.users,
        "colleague": firm4.colleague,
        "other_firm_staff": UserFactory(role=Role.firm_staff, firm=city.other_firm),
    }
    assert api.as_(users[role]).get(f"/api/v1/jobs/{job_id}").status_code == status
    assert api.as_(staff).get("/api/v1/jobs/2000000").status_code == 404


def test_a_second_run_for_the_same_scope_and_period_while_one_waits_is_409(api, city, firm4, rq):
    staff = city.users["firm_staff"]
    first = start(api, staff, firm_id=city.firm.id, period=firm4.period)
    assert first.status_code == 202 and first.json["state"] == "queued"
    second = start(api, firm4.colleague, firm_id=city.firm.id, period=firm4.period)
    assert second.status_code == 409 and second.json["code"] == "conflict"
    assert f"job {first.json['job_id']}" in second.json["message"]
    assert second.json["errors"]["job_id"] == [str(first.json["job_id"])]
    other_month = start(api, staff, firm_id=city.firm.id, period=shift(firm4.period, -1))
    assert other_month.status_code == 202  # another period is another job
    rq.work()
    assert start(api, staff, firm_id=city.firm.id, period=firm4.period).status_code == 202  # finished: free again


def test_on_rq_the_job_waits_in_the_queue_then_a_worker_runs_it(api, city, firm4, rq):
    staff = city.users["firm_staff"]
    job_id = start(api, staff, firm_id=city.firm.id, period=firm4.period).json["job_id"]
    assert api.as_(staff).get(f"/api/v1/jobs/{job_id}").json["state"] == "queued"
    [queued] = rq.queue.get_jobs()
    assert queued.func_name == "jobs.tracked.run_job" and queued.args == (job_id,)
    rq.work()
    job = api.as_(staff).get(f"/api/v1/jobs/{job_id}").json
    assert job["state"] == "finished" and job["progress"] == {"done": 4, "total": 4}
    assert job["result"]["totals"]["created"] == 1


@pytest.mark.skipif("not __import__('os').environ.get('REDIS_URL')", reason="real Redis runs in CI (REDIS_URL)")
def test_a_real_worker_on_real_redis_runs_the_job(app, api, city, firm4, monkeypatch):
    from redis import Redis
    from rq import Queue, SimpleWorker

    url = __import__("os").environ["REDIS_URL"]
    connection = Redis.from_url(url)
    queue = Queue("default", connection=connection)
    queue.empty()
    monkeypatch.setitem(app.config, "JOBS_MODE", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    app.extensions.pop("pm_redis", None)
    staff = city.users["firm_staff"]
    job_id = start(api, staff, firm_id=city.firm.id, period=firm4.period).json["job_id"]
    SimpleWorker([queue], connection=connection).work(burst=True)
    job = api.as_(staff).get(f"/api/v1/jobs/{job_id}").json
    assert job["state"] == "finished" and job["result"]["totals"]["billed"] == 1
    app.extensions.pop("pm_redis", None)


def test_a_job_that_dies_half_way_is_failed_keeps_what_it_did_and_frees_its_scope(api, city, firm4, monkeypatch):
    from pm_app.fees.billing import generate as billing

    real = billing.generate_for_compound

    def dies_on_the_second(user, compound, period):
        if compound.code == "GL-0002":
            raise RuntimeError("database went away")
        return real(user, compound, period)

    monkeypatch.setattr(billing, "generate_for_compound", dies_on_the_second)
    officer = city.users["street_officer"]
    job = follow(api, officer, start(api, officer, street_id=city.street.id, period=firm4.period)).json
    assert job["state"] == "failed" and "database went away" in job["error"]
    assert job["progress"]["done"] == 1 and job["finished_at"]
    assert [row["code"] for row in job["result"]["compounds"]] == ["GL-0001"]
    assert db.session.scalar(select(func.count()).select_from(Bill).where(Bill.period == firm4.period)) == 1
    monkeypatch.setattr(billing, "generate_for_compound", real)
    rerun = follow(api, officer, start(api, officer, street_id=city.street.id, period=firm4.period)).json
    assert rerun["state"] == "finished" and rerun["result"]["totals"]["existing"] == 1


def test_a_job_whose_worker_vanished_is_marked_failed_and_no_longer_blocks(api, city, firm4):
    staff = city.users["firm_staff"]
    ghost = Job(
        kind="bills.generate",
        state="running",
        params={},
        progress_total=4,
        progress_done=2,
        created_by_id=staff.id,
        org_kind="firm",
        org_id=city.firm.id,
        active_key=f"bills.generate:firm:{city.firm.id}:{firm4.period}",
        started_at=now() - timedelta(hours=1),
        heartbeat_at=now() - timedelta(minutes=20),
    )
    db.session.add(ghost)
    db.session.flush()
    got = api.as_(staff).get(f"/api/v1/jobs/{ghost.id}").json
    assert got["state"] == "failed" and "stopped reporting" in got["error"]
    assert start(api, staff, firm_id=city.firm.id, period=firm4.period).status_code == 202


def test_roles_that_never_bill_cannot_start_one(api, city, firm4):
    response = start(api, city.users["contractor_staff"], street_id=city.street.id, period=firm4.period)
    assert response.status_code in (403, 404)


def test_with_redis_down_the_job_runs_in_the_server_instead_of_waiting(app, api, city, firm4, monkeypatch):
    from pm_app.common import queues

    ran = []
    monkeypatch.setitem(app.config, "JOBS_MODE", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    app.extensions.pop("pm_redis", None)
    # The server's thread pool, run here so the test can read the result at once.
    monkeypatch.setattr(queues, "run_in_thread", lambda run, *args: ran.append(run(*args)))
    staff = city.users["firm_staff"]
    response = start(api, staff, firm_id=city.firm.id, period=firm4.period)
    app.extensions.pop("pm_redis", None)
    assert response.status_code == 202 and ran == ["finished"]
    assert api.as_(staff).get(f"/api/v1/jobs/{response.json['job_id']}").json["result"]["totals"]["created"] == 1
