"""The warranty-item import: a project's list of works goes in whole or not at all, each row checked
like one item of the API (category minimums with their source), every bad row named by the row
number a person sees."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pm_app.extensions import db
from pm_app.warranties import imports
from pm_app.warranties.models import WarrantyItem
from tests import helpers
from tests.import_jobs.conftest import confirm, preview_url

HEADER = ("category", "description", "quantity", "unit", "location", "warranty_years", "warranty_start")
CHINESE = ("质保类别", "项目内容", "工程量", "单位", "部位", "质保年限(年)", "质保起始日")
SOURCE = "吉市政办发〔2020〕5号 §九(十二)"

WORKS = [
    ("road_paving", "路面硬化", "35917.00", "m²", "小区主干道", "", ""),
    ("wall_fence", "围墙翻新", "820.5", "m", "东侧围墙", "12", ""),
    ("greenery", "补植乔木", "46", "株", "", "", "2022-03-01"),
]


def url(project_id) -> str:
    return f"/api/v1/projects/{project_id}/items/import?lang=en"  # problems are English msgids; pin the language


def csv_bytes(rows, header=HEADER) -> bytes:
    return helpers.csv_bytes(rows, header)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    return helpers.xlsx_bytes(rows, header)


def upload(api, user, project_id, content: bytes, name="items.csv"):
    return api.as_(user).post(
        url(project_id), data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data"
    )


def items() -> list[tuple]:
    return [
        (
            i.category.code,
            i.description,
            i.quantity,
            i.unit,
            i.location,
            i.warranty_years,
            i.warranty_start,
            i.warranty_end,
        )
        for i in db.session.scalars(
            select(WarrantyItem).order_by(WarrantyItem.id).execution_options(populate_existing=True)
        )
    ]


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(WarrantyItem))


@pytest.fixture
def officer(city):
    return city.users["street_officer"]


# --- files that go in ------------------------------------------------------------------------


def test_a_csv_of_items_imports_every_row_with_computed_ends(api, city, officer, project):
    response = upload(api, officer, project["id"], csv_bytes(WORKS))
    assert response.status_code == 201, response.json
    assert response.json == {
        "project_id": project["id"],
        "imported": 3,
        "skipped": {"empty": 0, "totals": 0, "hidden": 0},
        "hidden_rows": [],
        "ignored_columns": [],
    }
    assert items() == [
        # Years left blank are the category minimum; a start left blank is the acceptance, 2021-06-30.
        ("road_paving", "路面硬化", Decimal("35917.00"), "m²", "小区主干道", 5, date(2021, 6, 30), date(2026, 6, 30)),
        ("wall_fence", "围墙翻新", Decimal("820.50"), "m", "东侧围墙", 12, date(2021, 6, 30), date(2033, 6, 30)),
        ("greenery", "补植乔木", Decimal("46.00"), "株", None, 1, date(2022, 3, 1), date(2023, 3, 1)),
    ]
    item = db.session.scalar(select(WarrantyItem).limit(1))
    assert (item.project_id, item.compound_id) == (project["id"], city.compound.id)


def test_imported_items_are_listed_like_items_added_one_by_one(api, city, officer, project):
    upload(api, officer, project["id"], csv_bytes(WORKS[:1]))
    listed = api.as_(officer).get(f"/api/v1/projects/{project['id']}/items").json
    assert [(i["category"], i["warranty_end"], i["quantity"]) for i in listed] == [
        ("road_paving", "2026-06-30", "35917.00")
    ]


def test_an_xlsx_with_number_and_date_cells_is_read_exactly(api, city, officer, project):
    rows = [
        ("road_paving", "方砖铺装", 1234.56, "m²", "广场", 6, datetime(2021, 7, 1)),
        ("accessibility", "无障碍坡道", 3, "处", None, 10.0, date(2021, 8, 15)),
        ("roof_waterproofing", "屋面防水", 71.6 + 0.1, "m²", None, None, None),
    ]  # a formula's 71.69999999999999
    response = upload(api, officer, project["id"], xlsx_bytes(rows), name="items.xlsx")
    assert response.status_code == 422
    assert response.json["errors"] == {"4": ["quantity 71.69999999999999 has more than 2 decimal places"]}
    assert count() == 0
    rows[2] = ("roof_waterproofing", "屋面防水", 5120.0, "m²", None, None, None)
    response = upload(api, officer, project["id"], xlsx_bytes(rows), name="items.xlsx")
    assert response.status_code == 201, response.json
    assert [(i[0], i[2], i[5], i[6], i[7]) for i in items()] == [
        ("road_paving", Decimal("1234.56"), 6, date(2021, 7, 1), date(2027, 7, 1)),
        ("accessibility", Decimal("3.00"), 10, date(2021, 8, 15), date(2031, 8, 15)),
        ("roof_waterproofing", Decimal("5120.00"), 5, date(2021, 6, 30), date(2026, 6, 30)),
    ]


def test_chinese_headers_and_chinese_category_names_are_read_like_codes(api, city, officer, project):
    rows = [
        ("道路及方砖铺装", "路面硬化", "100", "m²", "主干道", "", ""),
        ("围墙", "围墙翻新", "", "", "", "", ""),
        ("ROAD_PAVING", "人行道", "", "", "", "", ""),
    ]
    response = upload(api, officer, project["id"], "\ufeff".encode() + csv_bytes(rows, header=CHINESE))
    assert response.status_code == 201, response.json
    assert [(i[0], i[5], i[7]) for i in items()] == [
        ("road_paving", 5, date(2026, 6, 30)),
        ("wall_fence", 10, date(2031, 6, 30)),
        ("road_paving", 5, date(2026, 6, 30)),
    ]


def test_the_other_chinese_aliases_and_a_short_header(api, city, officer, project):
    content = "描述,类别,数量,位置\r\n补植灌木,绿化,30,南门\r\n".encode()
    response = upload(api, officer, project["id"], content)
    assert response.status_code == 201, response.json
    assert items()[0][:5] == ("greenery", "补植灌木", Decimal("30.00"), None, "南门")


def test_the_example_of_the_docs_imports_as_they_say(api, city, officer, project):
    doc = (Path(__file__).resolve().parents[2] / "docs" / "imports.md").read_text(encoding="utf-8")
    example = doc.split("## Warranty items", 1)[1].split("```csv\n", 1)[1].split("```", 1)[0]
    response = upload(api, officer, project["id"], example.encode())
    assert response.status_code == 201, response.json
    assert [(i[0], i[5], i[7]) for i in items()] == [
        ("road_paving", 5, date(2026, 6, 30)),
        ("wall_fence", 10, date(2031, 6, 30)),
        ("greenery", 2, date(2024, 3, 1)),
    ]


# --- files that are refused, whole --------------------------------------------------------------


def test_one_bad_row_after_written_chunks_refuses_the_file_and_writes_nothing(api, city, officer, project, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK", 5)  # so items were written before the bad row
    rows = [("road_paving", f"路段{n}", "", "", "", "", "") for n in range(30)]
    rows[26] = ("wall_fence", "围墙", "", "", "", "5", "")
    response = upload(api, officer, project["id"], csv_bytes(rows))
    assert response.status_code == 422
    assert set(response.json) == {"code", "message", "errors"}
    assert response.json["errors"] == {"28": [f"围墙 must be guaranteed at least 10 years ({SOURCE})."]}
    assert response.json["message"] == "1 row has problems; nothing was imported."
    assert count() == 0


def test_years_below_the_minimum_name_the_minimum_and_its_source_in_chinese_too(api, city, officer, project):
    rows = [("accessibility", "无障碍坡道", "", "", "", "3", "")]
    response = api.as_(officer).post(
        f"/api/v1/projects/{project['id']}/items/import?lang=zh",
        data={"file": (io.BytesIO(csv_bytes(rows)), "x.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    [problem] = response.json["errors"]["2"]
    assert "10" in problem and SOURCE in problem and "无障碍设施" in problem


def test_every_kind_of_bad_row_is_named_with_all_its_problems(api, city, officer, project):
    rows = [
        ("", "路面", "", "", "", "", ""),  # 2: no category
        ("paint", "刷漆", "", "", "", "", ""),  # 3: unknown category
        ("road_paving", "", "", "", "", "", ""),  # 4: no description
        ("road_paving", "路面", "abc", "", "", "", ""),  # 5: not a number
        ("road_paving", "路面", "-1", "", "", "", ""),  # 6: negative
        ("road_paving", "路面", "1e30", "", "", "", ""),  # 7: absurd
        ("road_paving", "路面", "1.005", "", "", "", ""),  # 8: three decimals
        ("road_paving", "路面", "", "", "", "5.5", ""),  # 9: not whole years
        ("road_paving", "路面", "", "", "", "60", ""),  # 10: out of range
        ("road_paving", "路面", "", "", "", "", "2021-02-30"),  # 11: no such day
        ("road_paving", "路面", "", "", "", "4", ""),  # 12: below the minimum
        ("road_paving", "x" * 257, "", "平方" + "米" * 15, "", "", ""),  # 13: two too long
        ("road_paving", "路面", "", "", "y" * 129, "", "soon"),  # 14: two problems
    ]
    response = upload(api, officer, project["id"], csv_bytes(rows))
    assert response.status_code == 422
    codes = (
        "accessibility, exterior_insulation, greenery, heating, plumbing_electrical, road_paving, "
        "roof_waterproofing, wall_fence"
    )
    assert response.json["errors"] == {
        "2": ["category is missing"],
        "3": [f'category "paint" is not one of {codes}, nor one of their Chinese names'],
        "4": ["description is missing"],
        "5": ['quantity "abc" is not a number'],
        "6": ["quantity must not be negative"],
        "7": ["quantity 1e30 is larger than 10000000"],
        "8": ["quantity 1.005 has more than 2 decimal places"],
        "9": ['warranty_years "5.5" is not a whole number of years'],
        "10": ["warranty_years must be between 1 and 50"],
        "11": ['warranty_start "2021-02-30" is not a date written YYYY-MM-DD'],
        "12": [f"道路及方砖铺装 must be guaranteed at least 5 years ({SOURCE})."],
        "13": [
            "description is longer than 256 characters",
            'unit of measure "平方' + "米" * 15 + '" is longer than 16 characters',
        ],
        "14": ["location is longer than 128 characters", 'warranty_start "soon" is not a date written YYYY-MM-DD'],
    }
    assert response.json["message"] == "13 rows have problems; nothing was imported."
    assert count() == 0


def test_more_cells_than_the_header_is_an_error(api, city, officer, project):
    content = "category,description\r\nroad_paving,路面,多余\r\n".encode()
    response = upload(api, officer, project["id"], content)
    assert response.json["errors"] == {"2": ["has 3 cells but the header has 2"]}


@pytest.mark.parametrize(
    "content,problem",
    [
        (b"", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "The file is neither CSV UTF-8 nor an XLSX workbook."),
        (",".join(HEADER).encode() + b"\r\n\r\n", "The file has a header but no warranty items."),
    ],
    ids=["empty", "png", "header only"],
)
def test_a_file_without_items_is_an_error_on_file(api, city, officer, project, content, problem):
    response = upload(api, officer, project["id"], content)
    assert response.status_code == 422 and response.json["errors"] == {"file": [problem]}


def test_missing_and_unknown_columns_are_errors_on_the_header(api, city, officer, project):
    response = upload(api, officer, project["id"], "类别,years\r\nroad_paving,5\r\n".encode())
    assert response.json["errors"] == {"1": ['unknown column "years"', "missing column description"]}


# --- who may import ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,status",
    [
        ("admin", 201),
        ("regulator", 201),
        ("street_officer", 201),
        ("firm_staff", 403),
        ("committee_member", 403),
        ("contractor_staff", 403),
    ],
)
def test_who_may_import_into_a_project(api, city, project, role, status):
    response = upload(api, city.users[role], project["id"], csv_bytes(WORKS))
    assert response.status_code == status, response.json
    assert count() == (3 if status == 201 else 0)


def test_a_project_outside_the_callers_scope_is_404_and_untouched(api, city, project):
    regulator = city.users["regulator"]
    foreign = (
        api.as_(regulator)
        .post(
            "/api/v1/projects",
            json={
                "compound_id": city.other.id,
                "name": "南门花园改造",
                "year": 2022,
                "contractor_id": city.contractor.id,
                "acceptance_date": "2022-06-30",
            },
        )
        .json
    )
    assert upload(api, city.users["street_officer"], foreign["id"], csv_bytes(WORKS)).status_code == 404
    assert upload(api, city.users["street_officer"], 999_999, csv_bytes(WORKS)).status_code == 404
    assert count() == 0


def test_without_a_token_the_import_is_401(client, project):
    response = client.post(url(project["id"]), data={"file": (io.BytesIO(csv_bytes(WORKS)), "x.csv")})
    assert response.status_code == 401


def test_openapi_documents_the_multipart_body(api, city):
    spec = api.client.get("/api/v1/openapi.json").json
    body = spec["paths"]["/api/v1/projects/{project_id}/items/import"]["post"]["requestBody"]["content"]
    schema = body["multipart/form-data"]["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    assert set(schema["required"]) == {"file"}


# --- the upload page --------------------------------------------------------------------------


def login(client, user):
    assert client.post("/login", data={"username": user.username, "password": "password123"}).status_code == 302


def page_upload(client, project_id, content: bytes):
    return client.post(
        f"/projects/{project_id}/items/import?lang=en",
        data={"file": (io.BytesIO(content), "w.csv")},
        content_type="multipart/form-data",
    )


def test_the_page_imports_a_file_and_says_what_it_did(client, city, officer, project):
    login(client, officer)
    assert "质保" in client.get(f"/projects/{project['id']}/items/import?lang=zh").get_data(as_text=True)
    page = client.get(f"/projects/{project['id']}/items/import?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "upload.js" in html and "<progress" in html and "2021-06-30" in html
    preview = preview_url(page_upload(client, project["id"], csv_bytes(WORKS)))
    assert "东侧围墙" in client.get(preview).get_data(as_text=True) and count() == 0  # previewed, not imported
    assert "Rows imported：3" in confirm(client, preview + "?lang=en").get_data(as_text=True)
    assert count() == 3


def test_the_page_lists_every_bad_row_and_imports_nothing(client, city, officer, project):
    login(client, officer)
    preview = preview_url(
        page_upload(client, project["id"], csv_bytes(WORKS + [("wall_fence", "围墙", "", "", "", "3", "")]))
    )
    html = confirm(client, preview + "?lang=en").get_data(as_text=True)
    assert "Nothing was imported" in html and SOURCE in html
    assert count() == 0


@pytest.mark.parametrize("role,status", [("committee_member", 403), ("firm_staff", 403), ("contractor_staff", 403)])
def test_the_page_refuses_who_may_not_import(client, city, project, role, status):
    login(client, city.users[role])
    assert client.get(f"/projects/{project['id']}/items/import").status_code == status


def test_the_page_of_a_foreign_project_is_404(client, city, project):
    login(client, city.users["street_officer"])
    assert client.get("/projects/999999/items/import").status_code == 404
