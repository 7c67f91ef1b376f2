"""The documented backup and restore (bench/backup_restore.sh: pg_dump -Fc, pg_restore into an
empty database, the instance folder beside it) gives books whose hash chains still verify."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from pm_app import create_app
from pm_app.committees.ledger import verify
from pm_app.committees.models import LedgerEntry
from pm_app.config import TestConfig
from pm_app.extensions import db
from pm_app.fees.models import Payment
from tests.committees.conftest import books  # noqa: F401  (three entries in city.compound's books)

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "backup_restore.sh"


@pytest.fixture
def empty_database(app):
    source = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    name = f"{source.database}_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(source.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield source.set(database=name)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def books_emptied_afterwards(app):
    """The books are append-only even for the cleanup of a committing test, and their head only
    advances: bypass the triggers for these DELETEs (as the superuser the suite connects as),
    before the tables are emptied."""
    yield
    db.session.remove()
    with db.engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        for table in ("ledger_anchor", "ledger_head", "ledger_entry"):
            conn.execute(text(f"DELETE FROM {table}"))


@pytest.mark.postgres_only
@pytest.mark.commits
@pytest.mark.usefixtures("books_emptied_afterwards")
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs the PostgreSQL client tools")
def test_a_restored_copy_has_the_same_books_and_they_verify(app, city, books, empty_database, tmp_path):
    compound_id = city.compound.id
    db.session.commit()
    entries = db.session.scalar(select(func.count()).select_from(LedgerEntry))
    assert entries == 3 and verify(compound_id).ok
    instance = tmp_path / "instance"
    (instance / "attachments").mkdir(parents=True)
    (instance / "attachments" / "photo.jpg").write_bytes(b"\xff\xd8photo")
    source = app.config["SQLALCHEMY_DATABASE_URI"]
    run = lambda *args: subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, check=True)  # noqa: E731
    run("backup", source, str(instance), str(tmp_path / "backup"))
    target = empty_database.render_as_string(hide_password=False)
    run("restore", str(tmp_path / "backup"), target, str(tmp_path / "restored"))
    again = subprocess.run(
        [str(SCRIPT), "restore", str(tmp_path / "backup"), target, str(tmp_path / "again")],
        capture_output=True,
        text=True,
    )
    assert again.returncode != 0 and "not empty" in again.stderr  # never over live data

    class Restored(TestConfig):
        SQLALCHEMY_DATABASE_URI = target
        INSTANCE_DIR = tmp_path / "restored"

    with create_app(Restored).app_context():
        assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == entries
        result = verify(compound_id)
        assert result.ok and result.entries == 3
        assert db.session.scalar(select(func.count()).select_from(Payment)) == 0
        db.session.remove()
        db.engine.dispose()
    assert (tmp_path / "restored" / "attachments" / "photo.jpg").read_bytes() == b"\xff\xd8photo"
