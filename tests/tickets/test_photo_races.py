"""Twelve photos sent to one ticket at once (issue 23, finding 16): the upload locks the ticket's
row before counting, so six are stored and six refused as if they had come later (422, "at most
6"), never seven."""

from __future__ import annotations

from io import BytesIO

import pytest
from sqlalchemy import func, select

from pm_app.extensions import db
from pm_app.tickets.models import TicketAttachment
from tests.races import race, tokens
from tests.tickets.conftest import report
from tests.tickets.test_attachments import JPEG

pytestmark = [pytest.mark.postgres_only, pytest.mark.commits]


def test_twelve_concurrent_uploads_store_six(app, api, city, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "photos"))
    officer = city.users["street_officer"]
    (token,) = tokens(officer)
    ticket_id = report(api, officer, city.compound.id).json["id"]
    url = f"/api/v1/tickets/{ticket_id}/attachments?lang=en"
    calls = [
        ("post", url, token, {"data": {"photo": (BytesIO(JPEG), "p.jpg")}, "content_type": "multipart/form-data"})
        for _ in range(12)
    ]
    results = race(app, calls)
    assert sorted(status for status, _ in results) == [201] * 6 + [422] * 6, results
    assert all(body["errors"] == {"photo": ["at most 6"]} for status, body in results if status == 422)
    assert db.session.scalar(select(func.count()).select_from(TicketAttachment)) == 6
    assert len(list((tmp_path / "photos").rglob("*.jpg"))) == 6
