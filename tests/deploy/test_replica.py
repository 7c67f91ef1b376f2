"""The dashboards' read path against a real PostgreSQL streaming replica on this machine
(docs/scaling.md, "Dashboards from a read replica"): two clusters of their own, a primary on
127.0.0.1:5435 and a replica made from it by pg_basebackup -R on 127.0.0.1:5434, so the test
neither copies nor reconfigures the machine's own server (whose databases may be gigabytes).

Proves: the role home and the public rankings page send their SELECTs to the replica (the engine
that served them, and the app's connection in the replica's pg_stat_activity) while the signed-in
user is read from the primary; a write goes to the primary and shows up on the replica, with the
lag measured; the replica refuses writes, so a misrouted one could never pass silently.

Needs root and PostgreSQL's server tools (pg_createcluster, pg_basebackup); skips without them,
except in CI (CI=true), where it fails instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import time
from pathlib import Path

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from pm_app import create_app
from pm_app.auth.models import Role
from pm_app.common.replica import read_only
from pm_app.config import TestConfig
from pm_app.extensions import db
from pm_app.org.models import Compound
from tests.factories import CompoundFactory, StreetFactory, UserFactory
from tests.replica_probe import reads_user, served_by, writes

PRIMARY, REPLICA = ("pm_rprimary", 5435), ("pm_replica", 5434)
DATABASE = "pm_replica_test"
WRITES_TIMED = 20


def _unavailable() -> str | None:
    if os.geteuid() != 0:
        return "needs root to create PostgreSQL clusters (pg_createcluster)"
    for tool in ("pg_createcluster", "pg_dropcluster", "pg_ctlcluster", "runuser"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (Debian's postgresql-common)"
    if _version() is None or not (_bin() / "pg_basebackup").exists():
        return "no PostgreSQL server installed under /usr/lib/postgresql"
    for _name, port in (PRIMARY, REPLICA):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0 and not _ours(port):
                return f"port {port} is taken by something else"
    return None


def _version() -> str | None:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parts[-3]))
    return versions[-1].parts[-3] if versions else None


def _bin() -> Path:
    return Path("/usr/lib/postgresql") / str(_version()) / "bin"


def _ours(port: int) -> bool:
    return any(Path(f"/etc/postgresql/{_version()}/{name}").exists() for name, p in (PRIMARY, REPLICA) if p == port)


def _run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    if done.returncode:
        raise AssertionError(f"{' '.join(command)} exited {done.returncode}: {done.stderr or done.stdout}")


def _drop(name: str) -> None:
    if Path(f"/etc/postgresql/{_version()}/{name}").exists():
        subprocess.run(["pg_dropcluster", "--stop", _version(), name], capture_output=True, timeout=120)


def _url(port: int, driver: str = "postgresql+psycopg") -> str:
    return f"{driver}://postgres@127.0.0.1:{port}/{DATABASE}"


def _wait_until(check, seconds: float = 60, every: float = 0.05) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {check.__doc__}")
        time.sleep(every)


@pytest.fixture(scope="module")
def clusters():
    reason = _unavailable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the replica test must run in CI: {reason}")
        pytest.skip(reason)
    version = _version()
    for name, _port in (REPLICA, PRIMARY):  # left by an interrupted run
        _drop(name)
    try:
        # --no-sync: a test cluster need not survive a power cut, and initdb is 3× faster without.
        _run("pg_createcluster", version, PRIMARY[0], "-p", str(PRIMARY[1]), "--", "--auth=trust", "--no-sync")
        _run("pg_ctlcluster", "--skip-systemctl-redirect", version, PRIMARY[0], "start")
        _run("pg_createcluster", version, REPLICA[0], "-p", str(REPLICA[1]), "--", "--auth=trust", "--no-sync")
        data = Path(f"/var/lib/postgresql/{version}/{REPLICA[0]}")
        shutil.rmtree(data)
        data.mkdir(mode=0o700)
        shutil.chown(data, "postgres", "postgres")
        started = time.monotonic()
        _run(
            "runuser",
            "-u",
            "postgres",
            "--",
            str(_bin() / "pg_basebackup"),
            "-h",
            "127.0.0.1",
            "-p",
            str(PRIMARY[1]),
            "-U",
            "postgres",
            "-D",
            str(data),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
        )
        _run("pg_ctlcluster", "--skip-systemctl-redirect", version, REPLICA[0], "start")
        with psycopg.connect(_url(PRIMARY[1], "postgresql").replace(DATABASE, "postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")
            _wait_until(
                lambda: (
                    conn.execute("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'").fetchone()[0]
                    == 1
                )
            )
        print(f"replica streaming {time.monotonic() - started:.1f} s after pg_basebackup started")
        yield
    finally:
        for name, _port in (REPLICA, PRIMARY):
            _drop(name)


@pytest.fixture(scope="module")
def paired(clusters):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = _url(PRIMARY[1])
        DATABASE_REPLICA_URL = _url(REPLICA[1])

    app = create_app(Config)
    with app.app_context():
        upgrade()
        db.session.remove()
    yield app
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture(autouse=True)
def _apps_own_session(_transaction):
    """Flask-SQLAlchemy's own session, which picks its engine per app (the harness's is bound to
    the suite's own database)."""
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


def _caught_up(app) -> None:
    with app.app_context():
        target = db.session.execute(text("SELECT pg_current_wal_lsn()")).scalar()
        db.session.rollback()
    with psycopg.connect(_url(REPLICA[1], "postgresql"), autocommit=True) as replica:

        def replayed():
            """the replica replays the primary's last write"""
            return replica.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)).fetchone()[0]

        _wait_until(replayed)


def _compounds(port: int) -> int:
    with psycopg.connect(_url(port, "postgresql"), autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM compound").fetchone()[0]


def test_the_home_reads_its_aggregates_on_the_replica_server_and_the_user_on_the_primary(paired):
    with paired.app_context():
        street = StreetFactory()
        CompoundFactory(street=street)
        UserFactory(username="regulator-pg", role=Role.regulator)
        db.session.commit()
        db.session.remove()
    _caught_up(paired)
    client = paired.test_client()
    assert client.post("/login", data={"username": "regulator-pg", "password": "password123"}).status_code == 302
    with psycopg.connect(_url(REPLICA[1], "postgresql"), autocommit=True) as watcher:
        assert watcher.execute("SELECT pg_is_in_recovery()").fetchone()[0] is True
        before = _ended_transactions(watcher)
        with served_by(paired) as seen:
            assert client.get("/").status_code == 200
            assert client.get("/rankings/public").status_code == 200
        # The replica server itself counted the two pages' read transactions (a read ends in a
        # rollback; this watcher only commits), and lists the app's connection by its name.
        _wait_until(lambda: _ended_transactions(watcher) >= before + 2, seconds=20)
        named = watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
            (DATABASE, paired.config["DB_APPLICATION_NAME"]),
        ).fetchone()[0]
    assert named >= 1
    assert len(seen["replica"]) >= 5 and not writes(seen["replica"])
    assert reads_user(seen["primary"]) and not reads_user(seen["replica"])


def _ended_transactions(watcher) -> int:
    """the replica's count of rolled-back transactions in the test database"""
    return watcher.execute("SELECT xact_rollback FROM pg_stat_database WHERE datname = %s", (DATABASE,)).fetchone()[0]


def test_a_write_goes_to_the_primary_and_reaches_the_replica_after_the_lag(paired):
    lags = []
    with paired.app_context():
        street = StreetFactory()
        db.session.commit()
        with psycopg.connect(_url(REPLICA[1], "postgresql"), autocommit=True) as replica:
            for _ in range(WRITES_TIMED):
                with read_only():  # a write inside the block still goes to the primary
                    ident = CompoundFactory(street=street).id
                    db.session.commit()
                written = time.monotonic()
                _wait_until(lambda ident=ident: _has_compound(replica, ident), seconds=30, every=0.002)
                lags.append(time.monotonic() - written)
        with read_only():
            assert db.session.scalar(select(func.count(Compound.id))) == _compounds(REPLICA[1])
        db.session.remove()
    assert _compounds(PRIMARY[1]) == _compounds(REPLICA[1])
    lags.sort()
    print(
        f"replication lag over {len(lags)} commits: median {statistics.median(lags) * 1000:.1f} ms, "
        f"max {lags[-1] * 1000:.1f} ms"
    )
    assert lags[-1] < 5


def _has_compound(replica, ident: int) -> bool:
    """the replica has the compound just written"""
    return replica.execute("SELECT count(*) FROM compound WHERE id = %s", (ident,)).fetchone()[0] == 1


def test_the_replica_refuses_a_write(paired):
    with (
        psycopg.connect(_url(REPLICA[1], "postgresql"), autocommit=True) as replica,
        pytest.raises(psycopg.errors.ReadOnlySqlTransaction),
    ):
        replica.execute("UPDATE compound SET name = name")
