"""Importing the 12345 hotline's orders (issue 25): the platform's export with its header variants
becomes tickets of source hotline_12345, all or nothing; orders imported before are skipped,
orders no compound matches refuse the file until assigned or skipped; the replies go back out."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime

import pytest
import time_machine
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from pm_app.common.clock import CITY_TZ
from pm_app.extensions import db
from pm_app.tickets.hotline_match import category_of
from pm_app.tickets.hotline_rows import when
from pm_app.tickets.models import Ticket, TicketSource
from tests.factories import CompoundFactory
from tests.tickets.conftest import move, report

URL = "/api/v1/imports/hotline?lang=en"
NOW = datetime(2026, 10, 20, 9, 0, tzinfo=CITY_TZ)
# The platform's own header spellings: full-width letters and stray spaces, 工单号 not 工单编号,
# 来电时间 not 受理时间, and columns the import does not read.
HEADER = [
    "序号",
    "工单号 ",
    "来电时间",
    "来电人",
    "来电号码",
    "事发地址",
    "问题描述",
    "诉求分类",
    "办结时限",
    "承办单位",
]


def workbook(rows, header=HEADER) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def order(n, address, when_="2026-10-03 09:12:00", category="城乡建设/施工扰民", content="夜间施工噪音扰民"):
    return [
        n,
        f"2026100300{n:03d}",
        when_,
        "张三",
        "13812345678",
        address,
        content,
        category,
        "2026-10-10 18:00",
        "东街街道",
    ]


@pytest.fixture
def ambiguous(city):
    """Two compounds of the officer's street both called 锦绣华庭 without their ending."""
    return (
        CompoundFactory(name="锦绣华庭花园", street=city.street, address="锦绣路1号"),
        CompoundFactory(name="锦绣华庭家园", street=city.street, address="锦绣路2号"),
    )


def post(api, user, rows=None, file=None, **form):
    data = {"file": (file or workbook(rows), "12345.xlsx"), **form}
    return api.as_(user).post(URL, data=data, content_type="multipart/form-data")


def hotline_tickets():
    return db.session.scalars(
        select(Ticket).where(Ticket.source == TicketSource.hotline_12345).order_by(Ticket.external_ref)
    ).all()


def test_a_realistic_export_imports_once_skips_repeats_and_what_came_before(api, city):
    officer = city.users["street_officer"]
    with time_machine.travel(NOW, tick=False):
        earlier = report(api, officer, city.compound.id, source="hotline_12345", external_ref="2026100300004")
        rows = [
            order(1, "鼓楼区东街街道东门新村3号楼"),
            # full-width digits and a slashed time, as a keyboard or the platform writes them
            [
                2,
                "２０２６１００３００００２",
                "2026/10/3 9:12",
                "李四",
                "139****5678",
                "东门新村5号楼",
                "楼道电线老化",
                "市政设施/供电",
                None,
                None,
            ],
            order(1, "东门新村3号楼"),  # the same order again further down: imported once
            [],
            order(4, "东门新村1号楼"),
        ]  # a blank row; order 4 was typed in by hand before
        reply = post(api, officer, rows)
    assert reply.status_code == 201, reply.json
    body = reply.json
    assert (body["imported"], body["skipped_existing"], body["duplicates_in_file"]) == (2, 1, 1)
    assert body["skipped_duplicates"] == 2
    assert body["duplicates"][0] == {"row": 4, "external_ref": "2026100300001", "first_row": 2}
    assert body["already_imported"][0]["ticket_id"] == earlier.json["id"]
    first, second = [t for t in hotline_tickets() if t.external_ref != "2026100300004"]
    assert second.external_ref == "2026100300002" and second.category == "electrical"
    assert first.category == "construction" and first.compound_id == city.compound.id
    assert first.reported_at == datetime(2026, 10, 3, 9, 12, tzinfo=CITY_TZ)  # city time, not UTC
    assert first.respond_by == datetime(2026, 10, 4, 9, 12, tzinfo=CITY_TZ)  # SLA from the call
    assert (first.reporter_name, first.reporter_phone, first.location) == (
        "张三",
        "13812345678",
        "鼓楼区东街街道东门新村3号楼",
    )
    # A committee member sees the ticket with the reporter masked (common.privacy).
    seen = api.as_(city.users["committee_member"]).get(f"/api/v1/tickets/{first.id}").json
    assert seen["reporter_phone"] == "138****5678" and seen["reporter_name"] == "张*"

    with time_machine.travel(NOW, tick=False):
        again = post(api, officer, rows)
    assert again.status_code == 201 and again.json["imported"] == 0 and again.json["skipped_existing"] == 3


def test_unmatched_and_ambiguous_orders_import_nothing_until_assigned_or_skipped(api, city, ambiguous):
    officer = city.users["street_officer"]
    rows = [order(1, "东门新村3号楼"), order(2, "幸福路88号"), order(3, "锦绣华庭7栋")]
    with time_machine.travel(NOW, tick=False):
        refused = post(api, officer, rows)
        assert refused.status_code == 422 and refused.json["code"] == "unmatched_orders"
        assert hotline_tickets() == []
        unmatched = {u["external_ref"]: u for u in refused.json["unmatched"]}
        assert set(unmatched) == {"2026100300002", "2026100300003"}
        assert unmatched["2026100300002"]["row"] == 3 and unmatched["2026100300002"]["address"] == "幸福路88号"
        assert sorted(unmatched["2026100300003"]["candidates"]) == sorted(c.id for c in ambiguous)
        assert set(refused.json["errors"]) == {"3", "4"}

        # Assigning one and leaving the other is still a refusal, naming only the other.
        half = post(api, officer, rows, assignments=json.dumps({"2026100300003": ambiguous[1].id}))
        assert half.status_code == 422 and [u["row"] for u in half.json["unmatched"]] == [3]
        assert hotline_tickets() == []

        done = post(
            api, officer, rows, assignments=json.dumps({"2026100300002": "skip", "2026100300003": str(ambiguous[1].id)})
        )
    assert done.status_code == 201, done.json
    assert (done.json["imported"], done.json["skipped_by_choice"]) == (2, 1)
    assert {t.external_ref: t.compound_id for t in hotline_tickets()} == {
        "2026100300001": city.compound.id,
        "2026100300003": ambiguous[1].id,
    }


def test_an_order_cannot_be_assigned_to_another_streets_compound(api, city):
    officer = city.users["street_officer"]
    rows = [order(1, "幸福路88号")]
    with time_machine.travel(NOW, tick=False):
        reply = post(api, officer, rows, assignments=json.dumps({"2026100300001": city.other.id}))
        assert reply.status_code == 422 and reply.json["code"] == "invalid_input"
        assert "2" in reply.json["errors"] and hotline_tickets() == []
        # The other street's compound is not even a candidate: its name in the address matches nothing.
        named = post(api, officer, [order(1, f"{city.other.name}2号楼")])
        assert named.json["code"] == "unmatched_orders"
        # The city assigns anywhere.
        city_wide = post(api, city.users["admin"], rows, assignments=json.dumps({"2026100300001": city.other.id}))
    assert city_wide.status_code == 201 and hotline_tickets()[0].compound_id == city.other.id


@pytest.mark.parametrize("role", ["firm_staff", "committee_member", "contractor_staff"])
def test_only_offices_import_orders(api, city, role):
    assert post(api, city.users[role], [order(1, "东门新村")]).status_code == 403


def test_bad_rows_refuse_the_whole_file_naming_row_and_column(api, city):
    officer = city.users["street_officer"]
    rows = [
        order(1, "东门新村3号楼"),
        order(2, "东门新村3号楼", when_="昨天上午"),
        order(3, "东门新村3号楼", when_="2026-11-01 10:00"),  # after NOW: in the future
        order(4, "东门新村3号楼", content=""),
        [5, "GD 0005", datetime(2026, 10, 3, 9, 0), "王五", "call me", "东门新村", "水管漏水", "", "", ""],
    ]
    with time_machine.travel(NOW, tick=False):
        reply = post(api, officer, rows)
    assert reply.status_code == 422 and reply.json["code"] == "invalid_input"
    errors = reply.json["errors"]
    assert set(errors) == {"3", "4", "5", "6"}
    assert "来电时间" in errors["3"][0] and "昨天上午" in errors["3"][0]
    assert "来电时间" in errors["4"][0] and "future" in errors["4"][0]
    assert "问题描述 is missing" in errors["5"]
    assert any("工单号" in p for p in errors["6"]) and any("来电号码" in p for p in errors["6"])
    assert hotline_tickets() == []


def test_a_file_without_the_required_columns_names_them(api, city):
    reply = post(api, city.users["street_officer"], [["x"]], file=workbook([["x"]], header=["地址", "诉求人"]))
    assert reply.status_code == 422
    assert reply.json["errors"]["1"] == [
        "missing column 工单编号",
        "missing column 受理时间",
        "missing column 诉求内容",
    ]


def test_a_csv_export_with_the_usual_headers_is_read(api, city):
    text = (
        "工单编号,受理时间,诉求人,联系电话,诉求地址,诉求内容,问题分类,办理时限\r\n"
        "GD-2026-0001,2026-10-03 09:12:00,赵六,13800000000,东门新村2号楼,小区内私搭乱建占用消防通道,城市管理,5个工作日\r\n"
    )
    with time_machine.travel(NOW, tick=False):
        reply = post(api, city.users["street_officer"], file=io.BytesIO(text.encode("utf-8-sig")))
    assert reply.status_code == 201, reply.json
    ticket = hotline_tickets()[0]
    assert ticket.category == "fire_safety"  # 消防 is named before 占用: the first rule decides
    assert "5个工作日" in ticket.description


@pytest.mark.parametrize(
    "text,expected",
    [
        ("城乡建设/燃气", "gas"),
        ("供暖不热", "heating"),
        ("小区施工扰民", "construction"),
        ("私搭乱建", "illegal_occupation"),
        ("乱停车", "parking"),
        ("楼道线路老化", "electrical"),
        ("电梯故障", "elevator"),
        ("咨询", "other"),
    ],
)
def test_the_platform_categories_map_to_ticket_categories(app, text, expected):
    with app.test_request_context():
        assert category_of(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2026-10-03 09:12:00", datetime(2026, 10, 3, 9, 12)),
        ("2026/10/3 9:12", datetime(2026, 10, 3, 9, 12)),
        ("２０２６年１０月３日 ９时１２分", datetime(2026, 10, 3, 9, 12)),
        ("2026-10-03 09:12:00.000", datetime(2026, 10, 3, 9, 12)),
        ("2026-02-30", None),
        ("soon", None),
    ],
)
def test_times_are_read_as_platforms_print_them(text, expected):
    found = when(text)
    assert (found.replace(tzinfo=None) if found else None) == expected


def test_the_replies_of_resolved_orders_go_back_out(api, client, city, users):
    officer, firm = city.users["street_officer"], city.users["firm_staff"]
    with time_machine.travel(NOW, tick=False):
        assert post(api, officer, [order(1, "东门新村"), order(2, "东门新村")]).status_code == 201
        done, _waiting = hotline_tickets()
        for to, note in (("assigned", None), ("in_progress", None), ("resolved", "=已更换楼道线路，居民确认")):
            assert move(api, firm, done.id, to, note=note).status_code == 200
        replies = api.as_(officer).get("/api/v1/tickets/hotline-replies?created_from=2026-10-01&created_to=2026-10-31")
        assert replies.status_code == 200
        assert [(r["external_ref"], r["reply"], r["responsible_unit"]) for r in replies.json] == [
            ("2026100300001", "=已更换楼道线路，居民确认", city.firm.name)
        ]
        assert api.as_(officer).get("/api/v1/tickets/hotline-replies?created_from=2026-11-01").json == []
        assert api.as_(officer).get("/api/v1/tickets/hotline-replies?sorce=x").status_code == 422
        assert api.as_(users["other_street"]).get("/api/v1/tickets/hotline-replies").json == []
        login(client, officer)
        sheet = client.get("/tickets/hotline-replies.xlsx")
    assert sheet.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.values)[1:]  # under the title row
    assert rows[0] == ("工单编号", "办结时间", "办理结果", "回复内容", "责任单位")
    # The note went through the formula neutraliser: it stays text in the platform's spreadsheet.
    assert rows[1] == (
        "2026100300001",
        datetime(2026, 10, 20, 9, 0),
        "已办结",
        "'=已更换楼道线路，居民确认",
        city.firm.name,
    )


def login(client, user):
    assert client.post("/login", data={"username": user.username, "password": "password123"}).status_code == 302


def test_the_page_keeps_the_file_while_unmatched_orders_are_assigned(client, city, ambiguous):
    rows = [order(1, "东门新村3号楼"), order(2, "幸福路88号"), order(3, "锦绣华庭7栋")]
    with time_machine.travel(NOW, tick=False):
        login(client, city.users["street_officer"])
        assert "/tickets/import/hotline" in client.get("/tickets").get_data(as_text=True)
        first = client.post(
            "/tickets/import/hotline", data={"file": (workbook(rows), "12345.xlsx")}, content_type="multipart/form-data"
        )
        assert first.status_code == 422
        body = first.get_data(as_text=True)
        token = re.search(r'name="token" type="hidden" value="([^"]+)"', body).group(1)
        assert 'name="assign:2026100300002"' in body and 'name="assign:2026100300003"' in body
        assert city.other.name not in body  # only the officer's compounds are offered
        # One chosen, one left: the page comes back with the choice kept and nothing imported.
        again = client.post(
            "/tickets/import/hotline", data={"token": token, "street_id": "", "assign:2026100300002": "skip"}
        )
        assert again.status_code == 422 and hotline_tickets() == []
        assert '<option value="skip" selected>' in again.get_data(as_text=True)
        done = client.post(
            "/tickets/import/hotline",
            data={
                "token": token,
                "street_id": "",
                "assign:2026100300002": "skip",
                "assign:2026100300003": str(ambiguous[0].id),
            },
        )
        # The token is spent: the same review again finds no file.
        spent = client.post("/tickets/import/hotline", data={"token": token, "street_id": ""})
    assert spent.status_code == 422 and "不再保留" in spent.get_data(as_text=True)
    assert done.status_code == 200
    page = done.get_data(as_text=True)
    assert "source=hotline_12345" in page and all(t.tracking_code in page for t in hotline_tickets())
    assert len(hotline_tickets()) == 2


def test_the_platforms_time_limit_binds_when_sooner_and_the_compounds_age_is_checked(api, city):
    officer = city.users["street_officer"]
    soon = order(1, "东门新村")
    soon[8] = "2026-10-05 18:00"  # sooner than the 7 days of a normal ticket
    late = order(2, "东门新村")  # 2026-10-10 18:00: later than the SLA's 10-10 09:12
    with time_machine.travel(NOW, tick=False):
        assert post(api, officer, [soon, late]).status_code == 201
        first, second = hotline_tickets()
        assert first.resolve_by == datetime(2026, 10, 5, 18, 0, tzinfo=CITY_TZ)
        assert second.resolve_by == datetime(2026, 10, 10, 9, 12, tzinfo=CITY_TZ)
        # Called in 1994 about a compound built in 1995: the row is refused, and nothing written.
        old = post(api, officer, [order(3, "东门新村"), order(4, "东门新村", when_="1994-05-01 10:00")])
    assert old.status_code == 422 and list(old.json["errors"]) == ["3"]
    assert "2026100300004" in old.json["errors"]["3"][0]
    assert len(hotline_tickets()) == 2


def test_a_street_outside_the_callers_scope_is_404(api, city):
    reply = post(api, city.users["street_officer"], [order(1, "东门新村")], street_id=str(city.other_street.id))
    assert reply.status_code == 404 and hotline_tickets() == []


def test_a_file_longer_than_the_limit_is_refused_whole(api, city, monkeypatch):
    monkeypatch.setattr("pm_app.tickets.hotline.MAX_ORDERS", 2)
    with time_machine.travel(NOW, tick=False):
        reply = post(api, city.users["street_officer"], [order(n, "东门新村") for n in range(1, 4)])
    assert reply.status_code == 422 and "more than 2 orders" in reply.json["errors"]["file"][0]
    assert hotline_tickets() == []
