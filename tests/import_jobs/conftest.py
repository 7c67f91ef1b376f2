"""Imports as jobs: the two-street city, a street officer, and how to follow an upload through its
preview and its job on the pages."""

from __future__ import annotations

import io
import re

import pytest

from tests.org.conftest import city  # noqa: F401  (the fixture, shared)

HEADER = ("building", "unit", "floor_area_m2", "owner_name", "owner_phone")


def rows_of(n: int, building_every: int = 100) -> list[tuple]:
    return [(f"{i // building_every + 10}号楼", f"{i:05d}", "86.40", "王小明", "13812345678") for i in range(n)]


def csv_bytes(rows, header=HEADER) -> bytes:
    return ("\r\n".join([",".join(header)] + [",".join(str(c) for c in row) for row in rows]) + "\r\n").encode()


def login(client, user):
    assert client.post("/login", data={"username": user.username, "password": "password123"}).status_code == 302


def page_upload(client, url: str, content: bytes, name="households.csv", **fields):
    return client.post(url, data={"file": (io.BytesIO(content), name), **fields}, content_type="multipart/form-data")


def preview_url(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    location = response.headers["Location"]
    assert re.fullmatch(r"/imports/\d+", location), location
    return location


def confirm(client, preview: str, **fields):
    """Press 确认导入 on the preview page: the job's page (the job ran: tests run jobs at once)."""
    response = client.post(preview, data={"action": "confirm", **fields})
    assert response.status_code == 302 and re.fullmatch(r"/jobs/\d+", response.headers["Location"]), response
    return client.get(response.headers["Location"] + "?lang=en")


@pytest.fixture
def officer(city):
    return city.users["street_officer"]
