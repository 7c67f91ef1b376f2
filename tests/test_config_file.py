"""Settings from a TOML file (PM_APP_CONFIG) beside the environment, which wins; a name that is
no setting stops the start; production needs a SECRET_KEY; PostgreSQL gets the pool, statement
timeout and application name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pm_app import config as config_module

ROOT = Path(__file__).resolve().parents[1]


def _settings(tmp_path, body: str, **env) -> subprocess.CompletedProcess:
    """A fresh interpreter, as a server start is: the module reads its settings when imported."""
    path = tmp_path / "pm-app.toml"
    path.write_text(body, encoding="utf-8")
    program = (
        "from pm_app.config import Config; "
        "print(Config.MAX_CONTENT_LENGTH, Config.FEE_COLLECTION_LOW_THRESHOLD, Config.HSTS_SECONDS)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PM_APP_") and k != "SECRET_KEY"}
    return subprocess.run(
        [sys.executable, "-c", program],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, "PM_APP_CONFIG": str(path), "PM_APP_INSTANCE": str(tmp_path), **env},
    )


def test_the_file_sets_what_the_environment_leaves_unset(tmp_path):
    body = 'PM_APP_MAX_UPLOAD_MB = 30\nPM_APP_FEE_LOW_THRESHOLD = "0.85"\nPM_APP_HSTS_SECONDS = 60\n'
    assert _settings(tmp_path, body).stdout.split() == [str(30 * 1024 * 1024), "0.85", "60"]
    overridden = _settings(tmp_path, body, PM_APP_MAX_UPLOAD_MB="10")
    assert overridden.stdout.split()[0] == str(10 * 1024 * 1024)


def test_a_name_that_is_no_setting_stops_the_start_naming_it(tmp_path):
    result = _settings(tmp_path, "PM_APP_MAX_UPLAOD_MB = 30\n")
    assert result.returncode != 0 and "PM_APP_MAX_UPLAOD_MB, which is not a setting" in result.stderr


def test_a_broken_file_stops_the_start(tmp_path):
    result = _settings(tmp_path, "PM_APP_MAX_UPLOAD_MB = \n")
    assert result.returncode != 0 and "cannot read" in result.stderr


def test_production_refuses_to_make_up_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PM_APP_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        config_module._secret_key(tmp_path)
    assert not (tmp_path / "secret_key").exists()
    monkeypatch.setenv("SECRET_KEY", "given")
    assert config_module._secret_key(tmp_path) == "given"


def test_postgresql_gets_the_pool_timeout_and_name_and_sqlite_none_of_them():
    settings = {
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "DB_POOL_SIZE": 3,
        "DB_MAX_OVERFLOW": 2,
        "DB_STATEMENT_TIMEOUT_MS": 60000,
        "DB_APPLICATION_NAME": "changxiao-web",
    }
    options = config_module.engine_options("postgresql+psycopg://db/x", settings)
    assert (options["pool_size"], options["max_overflow"]) == (3, 2)
    assert options["connect_args"] == {"application_name": "changxiao-web", "options": "-c statement_timeout=60000"}
    assert config_module.engine_options("sqlite:///x.db", settings) == {"pool_pre_ping": True}


def test_every_setting_the_readme_lists_is_known():
    known = config_module._known_names()
    assert {
        "DATABASE_URL",
        "SECRET_KEY",
        "PM_APP_MAX_UPLOAD_MB",
        "PM_APP_TRUSTED_PROXY_COUNT",
        "PM_APP_METRICS_ALLOW",
        "PM_APP_DB_POOL_SIZE",
        "PM_APP_LOG_FORMAT",
    } <= known
