"""The base layout names its icon: without it every browser asks for /favicon.ico, gets a 404 and
logs a console error on every page (found by the browser tests, tests/browser/)."""

from __future__ import annotations

import re


def test_every_page_names_an_icon_that_is_served(client):
    page = client.get("/login").get_data(as_text=True)
    found = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', page)
    assert found, "the layout names no icon"
    icon = client.get(found.group(1))
    assert icon.status_code == 200
    assert icon.mimetype == "image/svg+xml" and icon.data.startswith(b"<svg")
