"""Fixtures of the browser tests (marker `browser`): a live server on a seeded demo city, one
Chromium for the session — Debian's own, never a downloaded one — with one tab, and per test a
`Tab` that records every console error, page error and failed request on it.

Without Chromium or the playwright package the tests skip, except where they must run: with `CI`
set or PM_APP_REQUIRE_BROWSER=1 a missing browser fails them. In the PostgreSQL pass of the suite
they skip unless PM_APP_REQUIRE_BROWSER=1: they drive their own SQLite demo city in either pass,
so one pass (the SQLite one in .ci/run) is enough."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pm_app.config import TestConfig
from tests.browser import live

CHROMIUM = os.environ.get("PM_APP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
REQUIRED = os.environ.get("PM_APP_REQUIRE_BROWSER") == "1"
DESKTOP = {"width": 1280, "height": 900}
# Home page load times (ms) measured in the browser, printed at the end of the run.
LOAD_TIMES: dict[str, dict[str, float]] = {}


@dataclass
class Tab:
    """The session's page, and everything that went wrong on it during one test."""

    page: object
    problems: list[str] = field(default_factory=list)


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium; never `playwright install`)"
    return None


@pytest.fixture(scope="session")
def chromium():
    if (TestConfig.SQLALCHEMY_DATABASE_URI or "").startswith("postgresql") and not REQUIRED:
        pytest.skip("browser tests run in the SQLite pass (PM_APP_REQUIRE_BROWSER=1 runs them here too)")
    missing = _missing()
    if missing:
        if REQUIRED or os.environ.get("CI"):
            pytest.fail(f"browser tests required (CI or PM_APP_REQUIRE_BROWSER=1) but {missing}", pytrace=False)
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def server(chromium, tmp_path_factory):
    running = live.start(tmp_path_factory.mktemp("browser-city"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def artefacts(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("PM_APP_ARTEFACTS") or tmp_path_factory.getbasetemp() / "artefacts")
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    if LOAD_TIMES:
        (folder / "load-times.json").write_text(json.dumps(LOAD_TIMES, indent=2, sort_keys=True))


@pytest.fixture(scope="session")
def browser_page(chromium, server):
    """One tab for the whole session, as a user keeps one: Chromium keeps plotly.min.js (3.5 MB,
    served cacheable for a year) and its compiled code in the tab's process, where a fresh tab
    of a private context would compile it again on every home (2–4 s on a loaded machine, not
    what a returning user waits). Each test clears the cookies, so each signs in afresh."""
    context = chromium.new_context(base_url=server.url, viewport=DESKTOP)
    page = context.new_page()
    for _ in range(2):
        assert page.goto("/rankings/public").ok  # a public page with a chart: warms the cache
    yield page
    context.close()


@pytest.fixture
def tab(browser_page):
    page = browser_page
    page.context.clear_cookies()
    page.set_viewport_size(DESKTOP)
    found = Tab(page)
    listeners = {
        "console": lambda m: m.type == "error" and found.problems.append(f"console: {m.text} {m.location}"),
        "pageerror": lambda error: found.problems.append(f"page error: {error}"),
        "response": lambda r: r.status >= 400 and found.problems.append(f"HTTP {r.status} {r.url}"),
    }
    for event, listener in listeners.items():
        page.on(event, listener)
    yield found
    for event, listener in listeners.items():
        page.remove_listener(event, listener)


@pytest.fixture(autouse=True)
def _transaction():
    """The live server commits for real on its own database: no rolled-back test transaction
    (the suite's fixture would also swap db.session under the server's threads)."""
    yield


def pytest_terminal_summary(terminalreporter):
    if not LOAD_TIMES:
        return
    terminalreporter.section("home load times in Chromium (ms)")
    terminalreporter.write_line(f"{'home':<12}{'server':>8}{'charts':>8}{'load':>8}")
    for role, t in sorted(LOAD_TIMES.items()):
        terminalreporter.write_line(f"{role:<12}{t['server']:>8.0f}{t['charts']:>8.0f}{t['load']:>8.0f}")
