"""Seed 003's question answered from the product: a quarter shaped like the seed's ("116件，其中
施工管理、质量安全等方面投诉件约45件，占总数39%") read on the statistics page, in its sentence, its
charts' numbers and its CSV/XLSX files (page and API), each within the reader's scope."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
import time_machine
from openpyxl import load_workbook

from pm_app.common.clock import CITY_TZ
from pm_app.extensions import db
from pm_app.tickets.charts import share_bars
from pm_app.tickets.models import ResponsibleParty
from tests.tickets.pages import build, login, page

Q3 = "created_from=2026-07-01&created_to=2026-09-30"
# The street office's quarter: 116 hotline complaints, 45 of them construction or quality.
SHAPE = {"construction": 30, "roads": 10, "walls": 5, "parking": 40, "gas": 20, "elevator": 11}


@pytest.fixture
def seed_quarter(city):
    """SHAPE in city.compound (gas routed to the utility), 2026Q3 by the day reported; in the other
    street 10 more construction complaints; one phoned in and one hotline order of 2026Q2 besides."""
    day = 0
    for category, n in SHAPE.items():
        for _ in range(n):
            day += 1
            build(
                city,
                datetime(2026, 7, 1, 8, tzinfo=CITY_TZ).replace(day=1 + day % 28, month=7 + day % 3),
                source="hotline_12345",
                category=category,
                **({"responsible_party": ResponsibleParty.utility} if category == "gas" else {}),
            )
    for _ in range(10):
        build(
            city,
            datetime(2026, 8, 3, 9, tzinfo=CITY_TZ),
            compound=city.other,
            source="hotline_12345",
            category="construction",
        )
    build(city, datetime(2026, 8, 4, 9, tzinfo=CITY_TZ), source="phone", category="roads")
    build(city, datetime(2026, 6, 30, 23, 59, tzinfo=CITY_TZ), source="hotline_12345", category="construction")
    db.session.flush()


def _xlsx_rows(body: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(body), read_only=True).active.iter_rows(min_row=2, values_only=True))


def _row(rows, group, code):
    return next(r for r in rows if r[0] == group and r[1] == code)


def test_the_street_office_reads_seed_003s_sentence_for_its_quarter(client, city, seed_quarter):
    login(client, city.users["street_officer"])
    body = page(client, f"/tickets/stats?source=hotline_12345&{Q3}")
    assert "2026年第3季度共受理投诉 116 件，其中施工管理、质量安全 45 件，占 38.8%。" in body
    assert (
        '<tr data-key="construction"><th scope="row">施工扰民及施工损坏</th><td class="num">30</td><td class="num">25.9%</td>'
        in body
    )
    assert (
        '<tr data-key="utility"><th scope="row">水电气等公用设施</th><td class="num">20</td><td class="num">17.2%</td>'
        in body
    )
    assert "南街街道" not in body  # the other street's 10 are not its to see
    assert body.count("data-chart") == 4  # a chart per breakdown
    assert (
        'href="/tickets/stats.xlsx?source=hotline_12345&amp;created_from=2026-07-01&amp;created_to=2026-09-30"' in body
    )


def test_the_xlsx_holds_the_same_numbers_in_chinese(client, city, seed_quarter):
    login(client, city.users["street_officer"])
    reply = client.get(f"/tickets/stats.xlsx?source=hotline_12345&{Q3}")
    assert reply.status_code == 200 and "complaint-stats-20260701-20260930.xlsx" in reply.headers["Content-Disposition"]
    rows = _xlsx_rows(reply.data)
    assert rows[0] == ("统计维度", "编号", "名称", "工单数", "占比", "占比（%）")
    assert rows[1] == ("合计", None, "2026年第3季度", 116, 1, "100.0%")  # the share a number (0.0%)
    assert rows[2][:2] == ("施工管理、质量安全", "construction_quality") and rows[2][3:] == (45, 0.3879, "38.8%")
    assert _row(rows, "工单类别", "construction")[2:] == ("施工扰民及施工损坏", 30, 0.2586, "25.9%")
    assert _row(rows, "工单类别", "heating")[3:] == (0, 0, "0.0%")
    assert _row(rows, "责任方", "property_firm")[3:] == (96, 0.8276, "82.8%")
    assert [r[2] for r in rows if r[0] == "街道"] == ["东街街道"]


def test_the_api_export_is_the_regulators_city(api, city, seed_quarter):
    reply = api.as_(city.users["regulator"]).get(f"/api/v1/tickets/stats.xlsx?source=hotline_12345&{Q3}")
    assert reply.status_code == 200
    rows = _xlsx_rows(reply.data)
    assert rows[1][3] == 126 and rows[2][3:] == (55, 0.4365, "43.7%")  # 55/126 = 0.43650…
    assert _row(rows, "街道", str(city.other_street.id))[2:] == ("南街街道", 10, 0.0794, "7.9%")
    text = api.as_(city.users["street_officer"]).get(f"/api/v1/tickets/stats.csv?{Q3}").data.decode("utf-8-sig")
    found = list(csv.reader(io.StringIO(text)))
    assert found[1][3] == "117" and "南街街道" not in text  # its street, every source


@pytest.mark.parametrize("query,field", [("quarter=2026Q3", "quarter"), ("source=fax", "source")])
def test_the_api_export_refuses_an_unknown_parameter(api, city, query, field):
    reply = api.as_(city.users["regulator"]).get(f"/api/v1/tickets/stats.xlsx?{query}")
    assert reply.status_code == 422 and field in reply.json["errors"]


@pytest.mark.parametrize("role", ["firm_staff", "contractor_staff"])
def test_firms_have_no_statistics_page_or_file(client, city, role):
    login(client, city.users[role])
    assert client.get("/tickets/stats").status_code == 404
    assert client.get("/tickets/stats.xlsx").status_code == 404


def test_the_presets_are_this_quarter_and_the_three_before(client, city):
    with time_machine.travel(datetime(2026, 11, 10, 9, tzinfo=CITY_TZ), tick=False):
        login(client, city.users["regulator"])
        opened = client.get("/tickets/stats?source=hotline_12345")  # from a home: the quarter in progress
        assert (
            opened.headers["Location"] == "/tickets/stats?source=hotline_12345&created_from=2026-10-01"
            "&created_to=2026-12-31"
        )
        body = page(client, opened.headers["Location"])
    assert "2026年第4季度（本季度）" in body and "2026年第4季度共受理投诉 0 件" in body
    assert [code for code in ("2026Q4", "2026Q3", "2026Q2", "2026Q1", "2025Q4") if f'data-preset="{code}"' in body] == [
        "2026Q4",
        "2026Q3",
        "2026Q2",
        "2026Q1",
    ]
    assert 'href="/tickets/stats?source=hotline_12345&amp;created_from=2026-07-01&amp;created_to=2026-09-30"' in body


def test_the_regulator_narrows_to_a_compound_and_a_custom_range(client, city, seed_quarter):
    login(client, city.users["regulator"])
    body = page(client, f"/tickets/stats?compound_id={city.other.id}&created_from=2026-08-01&created_to=2026-08-31")
    assert "2026-08-01至2026-08-31共受理投诉 10 件，其中施工管理、质量安全 10 件，占 100.0%。" in body
    phoned = page(client, f"/tickets/stats?source=phone&{Q3}")  # another channel: tickets, not complaints
    assert "2026年第3季度共受理“电话”工单 1 件，其中施工管理、质量安全 1 件，占 100.0%。" in phoned


def test_a_street_named_like_a_formula_stays_text(client, city, seed_quarter):
    city.other_street.name = '=HYPERLINK("http://x")'
    db.session.flush()
    login(client, city.users["regulator"])
    rows = _xlsx_rows(client.get(f"/tickets/stats.xlsx?{Q3}").data)
    assert _row(rows, "街道", str(city.other_street.id))[2] == '\'=HYPERLINK("http://x")'


def test_the_chart_puts_the_largest_on_top_with_count_and_share(app):
    with app.test_request_context():
        figure = share_bars([("施工", 45, "38.8%"), ("停车", 40, "34.5%")], "工单类别")
    bars = figure["data"][0]
    assert bars["y"] == ["停车", "施工"] and bars["x"] == [40, 45] and bars["text"][-1] == "45 · 38.8%"


@pytest.mark.parametrize("role", ["street_officer", "regulator"])
def test_the_office_homes_and_the_board_link_to_the_statistics(client, city, role):
    login(client, city.users[role])
    assert 'id="complaint-stats-link"' in page(client, "/") and "投诉统计" in page(client, "/")
    assert 'href="/tickets/stats"' in page(client, "/tickets")
