"""A worker SIGKILLed in the middle of an import (issue 28): the import is its job's one
transaction, so the killed process leaves no household behind, and the job is marked failed as
soon as anyone looks at it (its advisory lock went with the connection), not 15 minutes later.
A real `pm-app worker` on a real Redis (db 10, or PM_APP_TEST_KILL_REDIS_URL) and PostgreSQL."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from pm_app.extensions import db
from pm_app.jobs import imports, liveness, services, uploads
from pm_app.jobs.models import Job

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("PM_APP_TEST_KILL_REDIS_URL", "redis://127.0.0.1:6379/10")
ROWS = 120_000

pytestmark = [pytest.mark.postgres_only, pytest.mark.commits]


def _redis():
    from redis import Redis

    redis = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        redis.ping()
    except Exception:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return redis


def _register(rows: int) -> bytes:
    lines = ["building,unit,floor_area_m2,owner_name,owner_phone"]
    lines += [f"{i // 200 + 1}号楼,{i:06d},86.40,王小明,13812345678" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def _read(sql: str, **params):
    with db.engine.connect() as connection:  # committed state only, as another process sees it
        return connection.execute(text(sql), params).one()


def _worker(tmp_path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL",)}
    env.update(
        DATABASE_URL=db.engine.url.render_as_string(hide_password=False),
        REDIS_URL=REDIS_URL,
        PYTHONPATH=str(ROOT),
        SECRET_KEY="kill-test",
        PM_APP_INSTANCE=str(tmp_path),
    )
    return subprocess.Popen(
        [sys.executable, "-c", "from pm_app.cli import cli; cli()", "worker", "--burst"],
        cwd=ROOT,
        env=env,
        stdout=(tmp_path / "worker.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_a_worker_killed_mid_import_leaves_no_row_and_the_job_failed(app, city, monkeypatch, tmp_path):
    redis = _redis()
    from rq import Queue

    Queue("default", connection=redis).empty()
    monkeypatch.setitem(app.config, "JOBS_MODE", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    app.extensions.pop("pm_redis", None)
    officer = city.users["street_officer"]
    db.session.commit()
    with app.test_request_context("/?lang=en"):
        upload = uploads.stage(officer, "households", city.compound.id, io.BytesIO(_register(ROWS)), "big.csv", {})
        job = imports.start(officer, upload)
        db.session.commit()
        job_id = job.id
        services.launch(job_id)  # onto RQ: nothing runs in this process
    worker = _worker(tmp_path)
    try:
        deadline = time.monotonic() + 180
        done = 0
        while time.monotonic() < deadline and done == 0:
            done, state = _read("SELECT progress_done, state FROM job WHERE id = :id", id=job_id)
            assert state in ("queued", "running"), (state, (tmp_path / "worker.log").read_text()[-2000:])
            time.sleep(0.05)
        assert 0 < done < ROWS, (done, (tmp_path / "worker.log").read_text()[-2000:])
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and its scheduler, mid-import
        worker.wait(30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(30)

    # Mid-way the progress was real, and none of the rows written so far was visible to anyone.
    assert _read("SELECT count(*) FROM household WHERE compound_id = :id", id=city.compound.id)[0] == 1
    monkeypatch.setattr(liveness, "GRACE", timedelta(0))  # no need to wait out the claim's grace here
    deadline = time.monotonic() + 30  # the server drops the dead client's transaction and its lock
    state = "running"
    while time.monotonic() < deadline and state == "running":
        db.session.expire_all()
        state = services.current(db.session.get(Job, job_id)).state
        time.sleep(0.2)
    failed = db.session.get(Job, job_id)
    assert failed.state == "failed" and "process ended" in failed.error and failed.active_key is None
    assert _read("SELECT count(*) FROM household WHERE compound_id = :id", id=city.compound.id)[0] == 1
    assert _read("SELECT count(*) FROM building WHERE compound_id = :id", id=city.compound.id)[0] == 1
    uploads.sweep()  # the file of the dead job goes at the next upload
    db.session.commit()
    assert _read("SELECT count(*) FROM import_upload")[0] == 0
