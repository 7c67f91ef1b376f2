"""Every log line carries its time, level, logger and the request's id; the id is the proxy's
when sane, is returned on the answer and is the one the audit trail keeps; jobs log their start,
end, duration and outcome."""

from __future__ import annotations

import io
import json
import logging

import pytest

from jobs.runtime import job
from pm_app.common import logs


@pytest.fixture
def captured(app):
    stream = io.StringIO()
    handler = logs.handler_for("json", stream)
    logging.getLogger().addHandler(handler)
    yield stream
    logging.getLogger().removeHandler(handler)


def _lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_json_line_carries_the_proxys_request_id_which_is_returned(app, client, captured):
    response = client.get("/healthz", headers={"X-Request-ID": "nginx-4f2a"})
    assert response.headers["X-Request-ID"] == "nginx-4f2a"
    with app.test_request_context(headers={"X-Request-ID": "nginx-4f2a"}):
        logging.getLogger("pm_app.probe").warning("住户 %s 的账单", "1-101")
    (line,) = [entry for entry in _lines(captured) if entry["logger"] == "pm_app.probe"]
    assert line["message"] == "住户 1-101 的账单" and line["level"] == "WARNING"
    assert line["request_id"] == "nginx-4f2a" and line["time"].endswith("+00:00")


def test_an_insane_offered_id_is_replaced_by_a_new_one(client):
    response = client.get("/healthz", headers={"X-Request-ID": "a b\u202e"})
    assert logs.REQUEST_ID.fullmatch(response.headers["X-Request-ID"])
    assert response.headers["X-Request-ID"] != client.get("/healthz").headers["X-Request-ID"]


def test_text_lines_carry_the_id_too(app):
    stream = io.StringIO()
    handler = logs.handler_for("text", stream)
    record = logging.LogRecord("pm_app.x", logging.INFO, __file__, 1, "hello", None, None)
    with app.test_request_context(headers={"X-Request-ID": "r-1"}):
        handler.handle(record)
    assert stream.getvalue().rstrip().endswith("INFO pm_app.x [r-1] hello")


def test_a_job_logs_its_start_end_duration_and_outcome(app, caplog):
    @job("default")
    def fine():
        return 1

    @job("default")
    def broken():
        raise ValueError("no")

    caplog.set_level(logging.INFO, logger="jobs.runtime")
    assert fine() == 1
    with pytest.raises(ValueError):
        broken()
    outcomes = [
        (
            r.getMessage().split()[-1]
            if r.levelno == logging.INFO and "started" in r.getMessage()
            else getattr(r, "outcome", None)
        )
        for r in caplog.records
        if r.name == "jobs.runtime"
    ]
    assert outcomes == ["started", "finished", "started", "failed"]
    finished = [r for r in caplog.records if getattr(r, "outcome", None) == "finished"][0]
    assert finished.job.endswith("fine") and finished.seconds >= 0 and finished.job_id == "-"
