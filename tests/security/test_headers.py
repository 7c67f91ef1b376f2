"""Security headers on pages, API answers and errors; a view's own stricter policy is kept."""

from __future__ import annotations

import re
from pathlib import Path

from tests.security.conftest import login

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def _fixed(response):
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_api_and_errors_carry_the_headers(client, api, city):
    _fixed(client.get("/login"))
    _fixed(client.get("/compounds"))  # redirect to login
    _fixed(api.get("/api/v1/compounds"))  # 401
    _fixed(api.as_(city.users["admin"]).get("/api/v1/compounds"))
    login(client, city.users["admin"])
    _fixed(client.get("/compounds"))
    _fixed(client.get("/no-such-page"))


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=15552000; includeSubDomains"


def test_a_photo_keeps_its_own_policy(api, world):
    ticket, photo = world.ids["ticket"]["own"], world.ids["attachment"]["own"]
    response = api.as_(world.city.users["admin"]).get(f"/api/v1/tickets/{ticket}/attachments/{photo}")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_templates_have_no_executable_inline_script():
    """script-src 'self' would block it: inline <script> may only carry JSON data, and no on*= handlers."""
    for path in Path(__file__).resolve().parents[2].joinpath("templates").rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
        assert not re.search(r"\son[a-z]+\s*=\s*[\"']", text), path
