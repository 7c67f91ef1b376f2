"""The two-street city (tests/org) with one object of every kind on each side (world.py), and a
page client signed in as each role."""

from __future__ import annotations

import pytest

from pm_app.extensions import limiter
from tests.org.conftest import City, city  # noqa: F401  (the fixture, shared)
from tests.security.world import build

PASSWORD = "password123"


def login(client, user, password=PASSWORD):
    return client.post("/login", data={"username": user.username, "password": password})


@pytest.fixture
def world(api, city, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "photos"))
    return build(api, city)


@pytest.fixture(autouse=True)
def _fresh_limits():
    limiter.reset()
    yield
    limiter.reset()
