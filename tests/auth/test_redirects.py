"""Redirects whose target the request supplies (?next= after sign-in, the Referer after acting on
an alert) stay on this site, whatever spelling the attacker tries, and never fail."""

from __future__ import annotations

import pytest

from pm_app.alerts.models import Alert
from pm_app.auth.redirects import safe_path
from tests.security.conftest import PASSWORD, _fresh_limits, city  # noqa: F401  (fixtures)

ATTACKS = [
    "/%09/evil.example",  # the reported one: a tab, dropped by browsers → //evil.example
    "/%0a/evil.example",  # a line feed, dropped the same way
    "/%0d%0aSet-Cookie:%20x=1",  # CR/LF: header injection, a 500 before
    "//evil.example",
    "///evil.example",
    "/\\evil.example",  # browsers read a backslash as a slash
    "/%5Cevil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "http:/evil.example",
    "javascript:alert(1)",
    "evil.example",
    "/%00/evil.example",
    "/%E2%80%A8/evil.example",  # U+2028, a line separator
    "%20//evil.example",
]


def _sign_in(client, user, next_):
    return client.post(f"/login?next={next_}", data={"username": user.username, "password": PASSWORD})


@pytest.mark.parametrize("target", ATTACKS)
def test_sign_in_never_sends_the_user_off_site(client, city, target):  # noqa: F811
    response = _sign_in(client, city.users["admin"], target)
    if response.status_code == 400:  # a NUL byte is refused before any view (the input guard)
        return
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_path_on_this_site_is_kept(client, city):  # noqa: F811
    response = _sign_in(client, city.users["admin"], "/compounds%3Fpage%3D2")
    assert response.status_code == 302 and response.headers["Location"] == "/compounds?page=2"


@pytest.mark.parametrize(
    "target, safe",
    [
        ("/alerts?state=open", True),
        ("/", True),
        ("/a b", True),
        ("/\t/evil", False),
        ("/\r\n", False),
        ("//x", False),
        ("/\\x", False),
        ("", False),
        (None, False),
        ("/" + "a" * 3000, False),
        ("/\u200b/evil", False),
    ],
)
def test_safe_path(target, safe):
    assert safe_path(target) == (target if safe else None)


def _alert(city):  # noqa: F811
    from pm_app.extensions import db

    alert = Alert(
        rule="warranty_expiring",
        subject_type="compound",
        subject_id=city.compound.id,
        compound_id=city.compound.id,
        dedup_key="test:redirect",
        stage="30d",
        severity="warning",
        title="保修即将到期",
    )
    db.session.add(alert)
    db.session.flush()
    return alert


@pytest.mark.parametrize(
    "referrer, expected",
    [
        ("https://evil.example/phish", "/alerts"),
        ("http://localhost/alerts?state=acked", "/alerts?state=acked"),
        ("http://localhost/\t/evil.example", "/alerts"),
        ("http://localhost\\@evil.example/", "/alerts"),
    ],
)
def test_acting_on_an_alert_returns_only_to_a_page_of_this_site(client, city, referrer, expected):  # noqa: F811
    alert = _alert(city)
    client.post("/login", data={"username": city.users["admin"].username, "password": PASSWORD})
    response = client.post(f"/alerts/{alert.id}/ack", headers={"Referer": referrer})
    assert response.status_code == 302 and response.headers["Location"] == expected
