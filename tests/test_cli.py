"""The pm-app commands that build a city: `seed` and `demo` (with --no-serve, so nothing listens)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from pm_app.extensions import db
from pm_app.org.demo import DEMO_USERNAMES
from pm_app.org.models import Compound
from tests.factories import CompoundFactory


@pytest.fixture
def cli(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_MODE", False)  # `demo` turns it on; don't leak into later tests
    return app.test_cli_runner()


def _compounds() -> int:
    return db.session.scalar(select(func.count()).select_from(Compound))


def test_seed_builds_the_street_city_and_says_what_it_made(cli):
    result = cli.invoke(args=["seed", "--scale", "street"])
    assert result.exit_code == 0, result.output
    assert "15 compounds" in result.output and "households" in result.output
    assert _compounds() == 15


def test_seed_refuses_a_database_that_has_compounds(cli):
    CompoundFactory()
    result = cli.invoke(args=["seed", "--scale", "street"])
    assert result.exit_code == 1
    assert "already has compounds" in result.output
    assert _compounds() == 1


def test_demo_prepares_the_city_and_accounts_and_a_second_run_keeps_them(app, cli):
    result = cli.invoke(args=["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:5000/" in result.output
    listed = re.findall(r"^  (\S+) +\S+", result.output.split("sign in with one of these accounts")[1], re.M)
    assert listed == list(DEMO_USERNAMES)  # every role's account, the firm's too (not only "firm" in "13 firms")
    assert app.config["DEMO_MODE"] is True
    assert _compounds() == 60

    again = cli.invoke(args=["demo", "--no-serve", "--port", "8080"])
    assert again.exit_code == 0, again.output
    assert "already loaded" in again.output and "http://127.0.0.1:8080/" in again.output
    assert _compounds() == 60


def test_demo_will_not_put_demo_accounts_into_a_real_city(cli):
    CompoundFactory()
    result = cli.invoke(args=["demo", "--no-serve"])
    assert result.exit_code == 1
    assert "not a demo city" in result.output
