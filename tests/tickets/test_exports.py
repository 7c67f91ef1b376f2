"""The board's export as the offices download it in production: the request runs in an app
context of its own, torn down (and its database session removed) when the view returns, before
the body is sent. The rest of the suite runs requests inside the test's long-lived app context,
where the session never goes away; that is how a CSV cut after its header and an XLSX 500 went
unnoticed."""

from __future__ import annotations

import csv
import io
import threading

import pytest
from openpyxl import load_workbook

from pm_app.extensions import db
from tests.tickets.pages import build, login


def production_get(client, url: str):
    """GET `url` from a thread with no app context, as a WSGI worker serves it, reading the whole
    body there: the request's teardown removes its session as it does under gunicorn."""
    answer = {}

    def run():
        try:
            response = client.get(url)
            answer["status"], answer["data"] = response.status_code, response.get_data()
        except Exception as error:  # noqa: BLE001  (the assertion below names it)
            answer["error"] = error

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(60)
    assert "error" not in answer, answer.get("error")
    return answer["status"], answer["data"]


@pytest.mark.commits
@pytest.mark.parametrize("role", ["street_officer", "regulator"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_offices_export_holds_every_ticket_of_the_board(client, city, role, fmt):
    codes = sorted(
        build(
            city, reporter_name="张三丰", reporter_phone="13812345678", description=f"{n}号楼雨水管漏水"
        ).tracking_code
        for n in range(3)
    )
    codes.append(build(city, compound=city.other, description="南门路面塌陷").tracking_code)
    db.session.commit()
    login(client, city.users[role])
    db.session.remove()  # what the request reads, it loads itself
    status, data = production_get(client, f"/tickets.{fmt}?lang=en")
    assert status == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    else:
        rows = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2)]
    header, found = rows[0], {row[0]: row for row in rows[1:]}
    expected = codes if role == "regulator" else codes[:3]
    assert sorted(found) == sorted(expected)
    shown = found[codes[0]][header.index("Reporter's phone")]
    assert shown == ("13812345678" if role == "street_officer" else "138****5678")
