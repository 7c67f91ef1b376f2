"""Each demo role in a real Chromium against the live demo city: sign in through the form, land on
the home, every chart drawn by plotly, nothing logged as an error, no sideways scrolling on a
phone, a link into a domain page that loads; the street office follows an alert to its ticket.
Screenshots go to the artefacts folder; load times are measured by the browser itself."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from pm_app.alerts.models import Alert
from pm_app.extensions import db
from pm_app.org.demo import DEMO_PASSWORD
from pm_app.tickets.models import Ticket
from tests.browser.conftest import LOAD_TIMES

pytestmark = pytest.mark.browser

# The target is under a second on the demo city; measured 0.2–1.2 s, up to 2.4 s on a
# shared 2-core machine at load average 10–16 (docs/dashboards.md). The bound catches a home grown several
# times slower (a query per compound, a chart library fetched per page), not a busy machine.
LOAD_BOUND_MS = 5000
PHONE = {"width": 390, "height": 844}

# username, charts its home draws at least, a link on the home into a domain page, that page's path
HOMES = [
    ("street", 5, '.tiles a[href^="/tickets"]', r"/tickets"),
    ("regulator", 7, 'a[href^="/compounds?street_id="]', r"/compounds"),
    ("firm", 2, "#breakdowns a", r"/rankings/periods/\d+/firms/\d+"),  # its health table is folded
    ("committee", 0, 'a.button[href$="/accounts"]', r"/compounds/\d+/accounts"),
    ("contractor", 1, '.tiles a[href^="/warranties"]', r"/warranties(/.*)?"),
    ("admin", 7, 'a[href^="/rankings/public"]', r"/rankings/public"),
]


def sign_in(page, username: str) -> None:
    page.goto("/login")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', DEMO_PASSWORD)
    page.click('form button[type="submit"]')
    page.wait_for_url(re.compile(r"^http://[^/]+/$"))


def charts_drawn(page) -> list[bool]:
    """One flag per chart container: did plotly draw its SVG into it?"""
    return page.evaluate("""Array.from(document.querySelectorAll('figure.chart-box'),
                                       box => box.querySelector('svg.main-svg') !== null)""")


def timing(page) -> dict[str, float]:
    """Milliseconds from the fetch of the page (after the sign-in's redirect): to the answer's first
    byte, to the charts drawn (on DOMContentLoaded) and to the load event's end."""
    page.wait_for_function("performance.getEntriesByType('navigation')[0].loadEventEnd > 0")
    return page.evaluate("""(() => { const n = performance.getEntriesByType('navigation')[0];
        return {server: n.responseStart - n.requestStart, charts: n.domContentLoadedEventEnd - n.fetchStart,
                load: n.loadEventEnd - n.fetchStart}; })()""")


def overflow(page) -> list[str]:
    """Elements sticking out past the right edge, when the page scrolls sideways at all."""
    return page.evaluate("""(() => {
        if (document.scrollingElement.scrollWidth <= window.innerWidth + 1) return [];
        return Array.from(document.querySelectorAll('body *'))
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 8).map(e => e.tagName.toLowerCase() + '.' + e.className); })()""")


@pytest.mark.parametrize("username,charts,link,leads_to", HOMES, ids=[h[0] for h in HOMES])
def test_home_draws_its_charts_quietly_and_leads_on(tab, artefacts, username, charts, link, leads_to):
    page = tab.page
    sign_in(page, username)
    took = timing(page)  # the landing, scripts from the cache (the context fixture fetched them)
    drawn = charts_drawn(page)
    assert len(drawn) >= charts and all(drawn), f"charts drawn: {drawn}"
    LOAD_TIMES[username] = took
    page.screenshot(path=artefacts / f"home-{username}.png", full_page=True)

    page.set_viewport_size(PHONE)
    page.reload()
    assert all(charts_drawn(page))
    assert overflow(page) == [], "the home scrolls sideways on a phone"
    page.screenshot(path=artefacts / f"home-{username}-phone.png")

    target = page.locator(link).first
    with page.expect_navigation() as navigation:
        target.click()
    assert navigation.value.ok and re.fullmatch(leads_to, urlparse(page.url).path), page.url
    assert page.locator("h1").count() == 1 and all(charts_drawn(page))
    assert tab.problems == []
    assert took["load"] < LOAD_BOUND_MS, f"{username}'s home took {took['load']:.0f} ms"


def test_street_office_follows_an_alert_to_its_ticket(tab, server, artefacts):
    page = tab.page
    sign_in(page, "street")
    alert = page.locator('ul.alert-list a[href^="/tickets/"]').first
    assert alert.count() == 1, "no alert about a ticket on the street office's home"
    title = alert.inner_text()
    with page.expect_navigation() as navigation:
        alert.click()
    assert navigation.value.ok
    ticket_id = int(re.fullmatch(r"/tickets/(\d+)", urlparse(page.url).path).group(1))
    with server.app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        about = db.session.scalars(
            db.select(Alert.title).where(
                Alert.subject_type == "ticket", Alert.subject_id == ticket_id, Alert.state == "open"
            )
        ).all()
        code = ticket.tracking_code
    assert title in about
    assert code in page.locator("h1").inner_text()
    page.screenshot(path=artefacts / "street-alert-ticket.png", full_page=True)
    assert tab.problems == []
