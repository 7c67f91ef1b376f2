"""Error reports go to Sentry only when SENTRY_DSN is set: an unhandled error is sent with the
request id and without a secret of the request (Authorization, cookies, passwords, tokens, the
body, local variables); without the DSN sentry_sdk is never initialised."""

from __future__ import annotations

import json

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from pm_app import create_app
from pm_app.common import error_reports
from pm_app.config import TestConfig

SECRETS = ("Bearer tok-4711-secret", "sess-cookie-0815", "hunter2-密码", "qs-token-9999", "住户张三13800001234")


class MemoryTransport(Transport):
    """Keeps the envelopes the SDK would have sent over HTTP."""

    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)

    def events(self) -> list[dict]:
        return [item.payload.json for envelope in self.envelopes for item in envelope.items if item.type == "event"]

    def raw(self) -> str:
        return "".join(envelope.serialize().decode("utf-8", "replace") for envelope in self.envelopes)


@pytest.fixture
def reporting_app(app, tmp_path):
    transport = MemoryTransport()

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        INSTANCE_DIR = tmp_path
        TESTING = False  # the 500 page, as in production
        PROPAGATE_EXCEPTIONS = False
        SENTRY_DSN = "https://public@sentry.example.invalid/42"
        SENTRY_ENVIRONMENT = "test-city"
        SENTRY_TRANSPORT = transport

    reporting = create_app(Config)

    @reporting.post("/test-only/boom")
    def boom():
        resident = SECRETS[4]  # a local variable: never sent
        raise RuntimeError(f"bill total mismatch for household {len(resident)}")

    yield reporting, transport
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


def test_an_unhandled_error_is_reported_with_its_request_id_and_no_secret(reporting_app):
    reporting, transport = reporting_app
    client = reporting.test_client()
    client.set_cookie("session", SECRETS[1])
    response = client.post(
        f"/test-only/boom?token={SECRETS[3]}&page=2",
        data={"password": SECRETS[2], "note": "x"},
        headers={"Authorization": SECRETS[0], "X-Request-ID": "nginx-req-77"},
    )
    assert response.status_code == 500 and response.headers["X-Request-ID"] == "nginx-req-77"
    sentry_sdk.flush()
    (event,) = transport.events()
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["tags"]["request_id"] == "nginx-req-77"
    assert event["environment"] == "test-city"
    assert event["request"]["method"] == "POST" and event["request"]["url"].endswith("/test-only/boom")
    raw = transport.raw()
    for secret in SECRETS + ("tok-4711", "13800001234"):
        assert secret not in raw and json.dumps(secret)[1:-1] not in raw, secret
    assert event["request"]["headers"]["Authorization"] == error_reports.FILTERED
    assert "page=2" in event["request"].get("query_string", "")


def test_the_rq_jobs_are_reported_too(reporting_app):
    names = {integration for integration in sentry_sdk.get_client().integrations}
    assert {"flask", "rq"} <= names


def test_without_a_dsn_nothing_is_initialised(app, monkeypatch, tmp_path):
    def refuse(*_args, **_kwargs):
        raise AssertionError("sentry_sdk.init called without SENTRY_DSN")

    monkeypatch.setattr(sentry_sdk, "init", refuse)

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        INSTANCE_DIR = tmp_path

    assert Config.SENTRY_DSN is None
    create_app(Config)
    assert error_reports.init_app(create_app(Config)) is False
    assert not sentry_sdk.get_client().is_active()


def test_a_secret_named_header_field_or_parameter_is_withheld():
    event = {
        "request": {
            "headers": {"X-Api-Key": "k", "Accept": "text/html", "X-CSRFToken": "c"},
            "cookies": {"session": "s"},
            "data": {"password": "p"},
            "query_string": "access_token=t&q=东门",
            "url": "https://x/a?session_id=s&q=1",
        }
    }
    request = error_reports.scrub(event, {})["request"]
    assert request["headers"] == {"X-Api-Key": "[Filtered]", "Accept": "text/html", "X-CSRFToken": "[Filtered]"}
    assert "cookies" not in request and "data" not in request
    assert request["query_string"] == "access_token=[Filtered]&q=东门"
    assert request["url"] == "https://x/a?session_id=[Filtered]&q=1"


def failing_job(password: str) -> None:
    raise ValueError("the sweep met a broken row")


def test_a_failing_rq_job_is_reported_without_its_arguments(reporting_app):
    from fakeredis import FakeStrictRedis
    from rq import Queue, SimpleWorker

    _reporting, transport = reporting_app
    connection = FakeStrictRedis()
    queue = Queue("alerts", connection=connection)
    job = queue.enqueue(failing_job, SECRETS[2])
    SimpleWorker([queue], connection=connection).work(burst=True)
    sentry_sdk.flush()
    (event,) = transport.events()
    assert event["exception"]["values"][-1]["type"] == "ValueError"
    assert event["extra"]["rq-job"]["job_id"] == job.id
    assert SECRETS[2] not in transport.raw()
