"""Test harness: the schema is built once per run by the migrations themselves, and each test
runs inside a transaction that is rolled back, on SQLite by default or on the database that
TEST_DATABASE_URL / DATABASE_URL names (CI gives PostgreSQL and Redis)."""

from __future__ import annotations

import ipaddress
import socket
from contextlib import contextmanager
from urllib.parse import urlparse

import pytest
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.orm import scoped_session, sessionmaker

from pm_app import create_app
from pm_app.audit import denials
from pm_app.config import TestConfig
from pm_app.extensions import db
from tests.helpers import ApiClient

# Rows the migrations themselves load (the warranty categories; the deployment's city, where a
# district made without one goes, issue 30): kept when a test that really commits is cleaned up,
# as they would be in any database.
REFERENCE_TABLES = {"warranty_category", "city"}


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = (
            TestConfig.SQLALCHEMY_DATABASE_URI or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        )
        INSTANCE_DIR = tmp_path_factory.mktemp("instance")

    if TestConfig.REQUIRE_SERVICES:
        _require_services(Config)
    app = create_app(Config)
    with app.app_context():
        _reset_schema()
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def _require_services(config) -> None:
    """In CI a missing PostgreSQL or Redis is a failure, never a silent fall-back to SQLite."""
    if not config.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
        pytest.exit("PM_APP_REQUIRE_SERVICES=1 but no PostgreSQL DATABASE_URL was given", returncode=3)
    for url in (config.SQLALCHEMY_DATABASE_URI.replace("+psycopg", ""), config.REDIS_URL or "redis://missing:0"):
        parsed = urlparse(url)
        try:
            socket.create_connection(
                (parsed.hostname, parsed.port or {"postgresql": 5432, "redis": 6379}[parsed.scheme]), 3
            ).close()
        except OSError as exc:
            pytest.exit(
                f"required service unreachable: {parsed.scheme}://{parsed.hostname}:{parsed.port} ({exc})", returncode=3
            )


def _reset_schema() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(autouse=True)
def _transaction(app, request):
    """Each test inside one outer transaction, rolled back at the end; services' commits
    become savepoints. Tests marked `commits` (concurrency) really commit and are cleaned up."""
    if request.node.get_closest_marker("commits"):
        yield
        db.session.remove()
        with db.engine.begin() as conn, append_only_lifted(conn, "audit_event"):
            # bill_total last: deleting the bills subtracts them from it (its triggers)
            for table in sorted(reversed(db.metadata.sorted_tables), key=lambda t: t.name == "bill_total"):
                if table.name not in REFERENCE_TABLES:
                    conn.execute(table.delete())
        return
    connection = db.engine.connect()
    outer = connection.begin()
    original = db.session
    # A plain Session: Flask-SQLAlchemy's own one picks its engine itself and would ignore `bind`.
    db.session = scoped_session(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
    # Denials are written in a transaction of their own in production; here they join the test's.
    denials.writer = denials.write_in_session
    try:
        yield
    finally:
        denials.writer = denials.write_in_own_transaction
        db.session.remove()
        db.session = original
        outer.rollback()
        connection.close()


@contextmanager
def append_only_lifted(connection, table: str):
    """Inside the block the table's append-only triggers are off (cleaning up after a test that
    really committed); they are back at the end of the transaction's block (DDL is transactional
    in both databases)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        yield
        connection.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
        return
    triggers = connection.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :table"), {"table": table}
    ).all()
    for name, _ in triggers:
        connection.execute(text(f"DROP TRIGGER {name}"))
    yield
    for _, statement in triggers:
        connection.execute(text(statement))


@pytest.fixture(autouse=True)
def _postgres_only(request):
    if request.node.get_closest_marker("postgres_only") and db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL row locks; CI runs it there")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_client(app, tmp_path):
    """A second app with CSRF protection on, as in production, on the same test database."""

    class Config(TestConfig):
        WTF_CSRF_ENABLED = True
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        INSTANCE_DIR = tmp_path

    protected = create_app(Config)
    with protected.app_context():
        yield protected.test_client()


@pytest.fixture
def api(app):
    """api.as_(user).get(...) sends a bearer token for that user."""
    return ApiClient(app.test_client())


def _loopback(host: str) -> bool:
    """All of 127.0.0.0/8 is this machine (the deployment test's "office PC" is 127.0.0.7)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """No test may send real mail or HTTP: only loopback connections are allowed."""
    real = socket.create_connection

    def guarded(address, *args, **kwargs):
        host = address[0]
        if host != "localhost" and not _loopback(host):
            raise RuntimeError(f"test tried to reach {host}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)
