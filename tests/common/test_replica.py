"""The dashboards' read path (pm_app/common/replica.py) on two SQLite files standing for a primary
and a replica that has fallen behind: inside read_only() plain SELECTs read the replica, while
writes, SELECT … FOR UPDATE, the signed-in user and everything outside the block read the primary;
without DATABASE_REPLICA_URL read_only() changes nothing. tests/deploy/test_replica.py does the
same against a real PostgreSQL streaming replica."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from pm_app import create_app
from pm_app.auth.models import Role
from pm_app.common.replica import READ_ONLY_ENDPOINTS, read_only
from pm_app.config import TestConfig
from pm_app.extensions import db
from pm_app.org.models import Compound
from tests.factories import CompoundFactory, StreetFactory, UserFactory
from tests.replica_probe import reads_user, served_by, writes


@pytest.fixture(autouse=True)
def _apps_own_session(_transaction):
    """Flask-SQLAlchemy's own session, which picks its engine per app: the harness's (a plain one
    bound to the rolled-back connection of the suite's database) would never see these files."""
    # Set and put back here, inside the harness's `_transaction`: a monkeypatch is undone after
    # `_transaction` has restored the app's session, and left the next test the harness's one, on
    # a closed connection (every later test that really commits failed on PostgreSQL).
    harness = db.session
    db.session = db._make_scoped_session({})
    try:
        yield
    finally:
        db.session.remove()
        db.session = harness


def _snapshot(source, target) -> None:
    """A consistent copy, whatever SQLite still holds in its write-ahead log."""
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)


def _count() -> int:
    return db.session.scalar(select(func.count(Compound.id)))


def _app(tmp_path, primary, replica=None):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{primary}"
        DATABASE_REPLICA_URL = f"sqlite:///{replica}" if replica else None
        INSTANCE_DIR = tmp_path

    return create_app(Config)


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    """An empty database at the migrations' head, copied by each test."""
    folder = tmp_path_factory.mktemp("replica_schema")
    migrated = _app(folder, folder / "schema.db")
    with migrated.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()
    return folder / "schema.db"


@pytest.fixture
def behind(tmp_path, schema):
    """A primary with two compounds and a replica that saw only the first."""
    primary, replica = tmp_path / "primary.db", tmp_path / "replica.db"
    shutil.copy(schema, primary)
    paired = _app(tmp_path, primary, replica)
    with paired.app_context():
        street = StreetFactory()
        CompoundFactory(street=street)
        UserFactory(username="regulator-r", role=Role.regulator)
        db.session.commit()
        _snapshot(primary, replica)  # the replica caught up to here …
        CompoundFactory(street=street)  # … and not to this
        db.session.commit()
        db.session.remove()
    yield paired
    with paired.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def test_inside_read_only_a_select_reads_the_replica_and_outside_the_primary(behind):
    with behind.app_context():
        assert _count() == 2
        with read_only():
            assert _count() == 1
        assert _count() == 2


def test_select_for_update_and_writes_inside_read_only_stay_on_the_primary(behind):
    with behind.app_context(), served_by(behind) as seen:
        with read_only():
            locked = db.session.scalars(select(Compound).order_by(Compound.id).with_for_update()).all()
            CompoundFactory(street=locked[0].street)
            db.session.flush()
        db.session.commit()
        assert len(locked) == 2 and _count() == 3
        with read_only():
            assert _count() == 1
    assert writes(seen["primary"]) and not writes(seen["replica"])


def test_the_home_reads_its_aggregates_from_the_replica_and_the_user_from_the_primary(behind):
    client = behind.test_client()
    assert client.post("/login", data={"username": "regulator-r", "password": "password123"}).status_code == 302
    with served_by(behind) as seen:
        assert client.get("/").status_code == 200
    assert len(seen["replica"]) >= 5, seen
    assert reads_user(seen["primary"]) and not reads_user(seen["replica"])
    assert not writes(seen["replica"])


def test_the_public_rankings_page_reads_the_replica(behind):
    with served_by(behind) as seen:
        assert behind.test_client().get("/rankings/public").status_code == 200
    assert seen["replica"] and not writes(seen["replica"])


def test_without_a_replica_url_read_only_reads_the_primary(tmp_path, schema):
    shutil.copy(schema, tmp_path / "only.db")
    alone = _app(tmp_path, tmp_path / "only.db")
    assert alone.config["SQLALCHEMY_BINDS"] == {}
    with alone.app_context():
        CompoundFactory()
        db.session.commit()
        with read_only():
            assert _count() == 1
        db.session.remove()
        db.engine.dispose()


def test_every_endpoint_meant_for_the_replica_exists_and_is_wrapped(behind):
    for endpoint in READ_ONLY_ENDPOINTS:
        assert getattr(behind.view_functions[endpoint], "reads_replica", False), endpoint
