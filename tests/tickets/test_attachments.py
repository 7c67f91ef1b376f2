"""Photos on a ticket through the API: checked by content and size, counted, stored under the
configured folder, and seen only by those who see the ticket."""

from __future__ import annotations

import re
from io import BytesIO

import pytest

from pm_app.auth.models import Role
from tests.factories import UserFactory
from tests.tickets.conftest import report

JPEG = b"\xff\xd8\xff\xe0" + b"\x01" * 500
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x02" * 100


@pytest.fixture
def photos_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "photos"))
    return tmp_path / "photos"


@pytest.fixture
def ticket(api, city):
    return report(api, city.users["street_officer"], city.compound.id).json


def upload(api, user, ticket_id, content: bytes, name: str = "p.jpg"):
    return api.as_(user).post(
        f"/api/v1/tickets/{ticket_id}/attachments?lang=en",
        data={"photo": (BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_the_firm_adds_a_photo_and_those_who_see_the_ticket_get_it(api, city, ticket, photos_dir):
    created = upload(api, city.users["firm_staff"], ticket["id"], WEBP, "修好了.webp")
    assert created.status_code == 201, created.json
    assert (created.json["content_type"], created.json["size"], created.json["original_name"]) == (
        "image/webp",
        len(WEBP),
        "修好了.webp",
    )
    url = f"/api/v1/tickets/{ticket['id']}/attachments"
    for role in ("street_officer", "committee_member", "regulator", "firm_staff"):
        listed = api.as_(city.users[role]).get(url)
        assert [a["id"] for a in listed.json] == [created.json["id"]], role
        got = api.as_(city.users[role]).get(f"{url}/{created.json['id']}")
        assert (got.status_code, got.mimetype, got.data) == (200, "image/webp", WEBP), role
        assert (got.headers["X-Content-Type-Options"], got.headers["Content-Security-Policy"]) == (
            "nosniff",
            "default-src 'none'",
        )


@pytest.mark.parametrize("who", ["other_street", "other_firm", "other_committee", "contractor_staff"])
def test_others_get_404_for_the_photos_and_cannot_add_any(api, city, users, ticket, photos_dir, who):
    photo = upload(api, city.users["firm_staff"], ticket["id"], JPEG).json
    user = users[who]
    url = f"/api/v1/tickets/{ticket['id']}/attachments"
    assert api.as_(user).get(url).status_code == 404
    assert api.as_(user).get(f"{url}/{photo['id']}").status_code == 404
    assert upload(api, user, ticket["id"], JPEG).status_code == 404


def test_the_type_is_read_from_the_content_not_the_name(api, city, ticket, photos_dir):
    officer = city.users["street_officer"]
    assert upload(api, officer, ticket["id"], JPEG, "not-really.txt").json["content_type"] == "image/jpeg"
    for content in (b"<svg onload=alert(1)>", b"%PDF-1.7", b"GIF89a" + b"\x00" * 20, b""):
        refused = upload(api, officer, ticket["id"], content, "photo.png")
        assert refused.status_code == 422 and refused.json["errors"] == {"photo": ["not a JPEG, PNG or WebP image"]}
    assert len(api.as_(officer).get(f"/api/v1/tickets/{ticket['id']}/attachments").json) == 1


def test_size_and_count_are_limited_and_nothing_is_left_behind(app, api, city, ticket, photos_dir):
    officer = city.users["street_officer"]
    too_big = upload(api, officer, ticket["id"], b"\xff\xd8\xff" + b"\x00" * app.config["TICKET_PHOTO_MAX_BYTES"])
    assert too_big.status_code == 413 and too_big.json["errors"] == {"photo": ["larger than 0.25 MB"]}
    assert not photos_dir.exists() or list(photos_dir.rglob("*.*")) == []
    for _ in range(app.config["TICKET_PHOTOS_PER_TICKET"]):
        assert upload(api, officer, ticket["id"], JPEG).status_code == 201
    seventh = upload(api, officer, ticket["id"], JPEG)
    assert seventh.status_code == 422 and seventh.json["errors"] == {"photo": ["at most 6"]}
    assert len(list(photos_dir.rglob("*.jpg"))) == 6


def test_a_finished_ticket_takes_no_more_photos(api, city, ticket, photos_dir):
    officer = city.users["street_officer"]
    api.as_(officer).post(f"/api/v1/tickets/{ticket['id']}/transitions", json={"to": "rejected", "note": "重复"})
    assert upload(api, officer, ticket["id"], JPEG).json["errors"] == {"photo": ["ticket finished"]}


def test_photos_on_the_ticket_page(client, city, ticket, photos_dir):
    from tests.org.test_pages import login

    login(client, city.users["firm_staff"])
    url = f"/tickets/{ticket['id']}"
    added = client.post(
        f"{url}/photos?lang=en",
        data={"photo-photo": (BytesIO(JPEG), "门口.jpg")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    body = added.get_data(as_text=True)
    assert "Photo added." in body
    (link,) = set(re.findall(rf'src="({url}/photos/\d+)"', body))
    served = client.get(link)
    assert (served.status_code, served.mimetype, served.data) == (200, "image/jpeg", JPEG)
    refused = client.post(
        f"{url}/photos?lang=en",
        data={"photo-photo": (BytesIO(b"<html>"), "x.jpg")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Only JPEG, PNG or WebP photos are accepted." in refused.get_data(as_text=True)
    assert len(list(photos_dir.rglob("*.jpg"))) == 1
    client.post("/logout")
    login(client, UserFactory(role=Role.street_officer, streets=[city.other_street]))
    assert client.get(link).status_code == 404
    assert (
        client.post(
            f"{url}/photos", data={"photo-photo": (BytesIO(JPEG), "a.jpg")}, content_type="multipart/form-data"
        ).status_code
        == 404
    )
