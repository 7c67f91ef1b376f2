"""The household import: a whole CSV or XLSX file goes in, or nothing does, and every bad row is
named by the row number a person sees in the spreadsheet (the header is row 1)."""

from __future__ import annotations

import io
import time

import pytest
from sqlalchemy import func, select

from pm_app.extensions import db
from pm_app.org import imports
from pm_app.org.models import Building, Household
from tests import helpers
from tests.import_jobs.conftest import confirm, preview_url

URL = "/api/v1/imports/households?lang=en"  # problems are English msgids; pin the language
HEADER = ("building", "unit", "floor_area_m2", "owner_name", "owner_phone")
CHINESE = ("楼栋", "单元/房号", "建筑面积(㎡)", "业主姓名", "业主电话")


def rows_of(n: int, building_every: int = 100) -> list[tuple]:
    return [(f"{i // building_every + 10}号楼", f"{i:05d}", "86.40", "王小明", "13812345678") for i in range(n)]


def csv_bytes(rows, header=HEADER, bom=False) -> bytes:
    lines = [",".join(header)] + [",".join(str(c) for c in row) for row in rows]
    return ("\ufeff" if bom else "").encode() + ("\r\n".join(lines) + "\r\n").encode()


def xlsx_bytes(rows, header=HEADER) -> bytes:
    return helpers.xlsx_bytes(rows, header)


def upload(api, user, compound, content: bytes, name="households.csv"):
    return api.as_(user).post(
        URL,
        data={"compound_id": str(compound.id), "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def counts(compound) -> tuple[int, int]:
    households = db.session.scalar(select(func.count()).where(Household.compound_id == compound.id))
    buildings = db.session.scalar(select(func.count()).where(Building.compound_id == compound.id))
    return households, buildings


@pytest.fixture
def officer(city):
    return city.users["street_officer"]


# --- files that go in ------------------------------------------------------------------------


@pytest.mark.parametrize("bom", [True, False], ids=["with BOM", "without BOM"])
def test_a_csv_utf8_file_imports_every_row_with_or_without_a_bom(api, city, officer, bom):
    before = counts(city.compound)
    response = upload(api, officer, city.compound, csv_bytes(rows_of(250), bom=bom))
    assert response.status_code == 201, response.json
    assert response.json == {
        "compound_id": city.compound.id,
        "imported": 250,
        "buildings_created": 3,
        "skipped": {"empty": 0, "totals": 0, "hidden": 0},
        "hidden_rows": [],
        "ignored_columns": [],
    }
    assert counts(city.compound) == (before[0] + 250, before[1] + 3)
    first = db.session.scalar(select(Household).where(Household.unit == "00000"))
    assert (first.building.name, first.floor_area_dm2, first.owner_name) == ("10号楼", 8640, "王小明")


def test_chinese_headers_are_read_like_english_ones(api, city, officer):
    response = upload(api, officer, city.compound, csv_bytes(rows_of(5), header=CHINESE, bom=True))
    assert response.status_code == 201 and response.json["imported"] == 5


def test_owner_columns_may_be_left_out_and_rows_join_existing_buildings(api, city, officer):
    content = "unit,building,floor_area_m2\r\n1-102,1号楼,70\r\n".encode()
    response = upload(api, officer, city.compound, content)
    assert response.status_code == 201
    assert response.json["buildings_created"] == 0  # 1号楼 exists: the new unit joins it
    household = db.session.scalar(select(Household).where(Household.unit == "1-102"))
    assert household.building_id == city.household.building_id and household.owner_phone is None


def test_an_xlsx_of_20000_rows_imports_in_a_few_seconds(api, city, officer):
    # Units, areas and phones as spreadsheet numbers, the way Excel keeps typed-in digits.
    content = xlsx_bytes([(f"{i // 500 + 10}号楼", 100_000 + i, 86.4, "王小明", 13812345678) for i in range(20_000)])
    started = time.perf_counter()
    response = upload(api, officer, city.compound, content, name="households.xlsx")
    elapsed = time.perf_counter() - started
    # Above PM_APP_IMPORT_INLINE_ROWS the file is imported by a job (run at once in tests): 202.
    assert response.status_code == 202, response.json
    job = api.as_(officer).get(response.json["status_url"]).json
    assert job["state"] == "finished", job
    assert job["result"]["imported"] == 20_000 and job["result"]["buildings_created"] == 40
    print(f"20,000-row XLSX imported in {elapsed:.2f}s")  # a figure, not a limit: machines differ


def test_spreadsheet_numbers_are_read_as_the_text_a_person_sees(api, city, officer):
    content = xlsx_bytes([(3, 101, 86.4, "李四", 13912345678), (3, 102, 90, None, None)])
    assert upload(api, officer, city.compound, content, name="x.xlsx").status_code == 201
    first, second = db.session.scalars(
        select(Household).where(Household.unit.in_(["101", "102"])).order_by(Household.unit)
    )
    assert (first.building.name, first.floor_area_dm2, first.owner_phone) == ("3", 8640, "13912345678")
    assert (second.floor_area_dm2, second.owner_name) == (9000, None)


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_sheet(api, city, officer):
    content = "\r\n".join(["", ",".join(HEADER), "9号楼,1,50,,", ",,,,", "9号楼,2,-5,,", ""]).encode()
    response = upload(api, officer, city.compound, content)
    assert response.status_code == 422
    assert response.json["errors"] == {"5": ["floor_area_m2 must be greater than 0"]}


# --- files that are refused, whole --------------------------------------------------------------


def test_one_bad_row_among_1000_refuses_the_file_and_writes_nothing(api, city, officer, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK", 100)  # so rows and buildings were written before the bad one
    rows = rows_of(1000)
    rows[899] = ("19号楼", "00899", "86.405", "王小明", "13812345678")
    before = counts(city.compound)
    response = upload(api, officer, city.compound, csv_bytes(rows))
    assert response.status_code == 422
    assert set(response.json) == {"code", "message", "errors"}
    assert response.json["errors"] == {"901": ["floor_area_m2 86.405 has more than 2 decimal places"]}
    assert response.json["message"] == "1 row has problems; nothing was imported."
    assert counts(city.compound) == before  # no household and no building either


def test_every_kind_of_bad_row_is_named_with_all_its_problems(api, city, officer):
    rows = [
        ("", "1", "50", "", ""),  # 2: no building
        ("2号楼", "", "50", "", ""),  # 3: no unit
        ("2号楼", "3", "", "", ""),  # 4: no area
        ("2号楼", "4", "abc", "", ""),  # 5: not a number
        ("2号楼", "5", "0", "", ""),  # 6: not positive
        ("2号楼", "6", "12.345", "", ""),  # 7: three decimals
        ("2号楼", "7", "50", "", "call me"),  # 8: not a phone
        ("1号楼", "1-101", "50", "", ""),  # 9: already registered (the city fixture's unit)
        ("2号楼", "8", "50", "", ""),  # 10: fine
        ("2号楼", "8", "51", "", ""),  # 11: same unit as row 10
        ("", "", "-1", "", "x"),  # 12: everything at once
        ("2号楼", "9", "1e30", "", ""),  # 13: absurd
    ]
    response = upload(api, officer, city.compound, csv_bytes(rows))
    assert response.status_code == 422
    errors = response.json["errors"]
    assert errors == {
        "2": ["building is missing"],
        "3": ["unit is missing"],
        "4": ["floor_area_m2 is missing"],
        "5": ['floor_area_m2 "abc" is not a number'],
        "6": ["floor_area_m2 must be greater than 0"],
        "7": ["floor_area_m2 12.345 has more than 2 decimal places"],
        "8": ['owner_phone "call me" is not a phone number'],
        "9": ["1号楼 1-101 is already registered in this compound"],
        "11": ["2号楼 8 is also on row 10"],
        "12": [
            "building is missing",
            "unit is missing",
            "floor_area_m2 must be greater than 0",
            'owner_phone "x" is not a phone number',
        ],
        "13": ["floor_area_m2 1e30 is larger than 10000 m²"],
    }
    assert response.json["message"] == "11 rows have problems; nothing was imported."


def test_a_row_with_more_cells_than_the_header_is_named(api, city, officer):
    content = "building,unit,floor_area_m2\r\n2号楼,1,50,张,三\r\n".encode()
    response = upload(api, officer, city.compound, content)
    assert response.json["errors"] == {"2": ["has 5 cells but the header has 3"]}


def test_missing_unknown_and_repeated_columns_are_errors_on_the_header(api, city, officer):
    content = "楼栋,unit,area,unit\r\n2号楼,1,50,1\r\n".encode()
    response = upload(api, officer, city.compound, content)
    assert response.status_code == 422
    assert response.json["errors"] == {
        "1": ['unknown column "area"', 'column "unit" appears twice', "missing column floor_area_m2"]
    }


def test_a_repeated_import_of_the_same_file_is_refused_row_by_row(api, city, officer):
    content = csv_bytes(rows_of(30))
    assert upload(api, officer, city.compound, content).status_code == 201
    before = counts(city.compound)
    again = upload(api, officer, city.compound, content)
    assert again.status_code == 422
    assert sorted(again.json["errors"], key=int) == [str(n) for n in range(2, 32)]
    assert again.json["errors"]["2"] == ["10号楼 00000 is already registered in this compound"]
    assert counts(city.compound) == before


@pytest.mark.parametrize(
    "content,problem",
    [
        (b"", "The file is empty."),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
            "This is an old .xls workbook: save it as .xlsx or as CSV UTF-8.",
        ),
        (b"PK\x03\x04 not really a zip", "The file is neither CSV UTF-8 nor an XLSX workbook."),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "The file is neither CSV UTF-8 nor an XLSX workbook."),
        (
            "楼栋,单元,建筑面积\r\n".encode()
            + b"\xc3\x28,1,50\r\n",  # GBK is read now (tests/imports); this is neither
            'The file is not UTF-8 or GBK text: in Excel choose "CSV UTF-8" or save as .xlsx.',
        ),
        (",".join(HEADER).encode() + b"\r\n", "The file has a header but no households."),
    ],
    ids=["empty", "xls", "broken zip", "png", "neither utf-8 nor gbk", "header only"],
)
def test_a_file_that_is_neither_csv_nor_xlsx_is_an_error_on_file(api, city, officer, content, problem):
    response = upload(api, officer, city.compound, content)
    assert response.status_code == 422
    assert response.json["errors"] == {"file": [problem]}


def test_compound_and_file_are_required(api, city, officer):
    response = api.as_(officer).post(URL, data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"compound_id", "file"}


def test_an_upload_over_the_size_limit_is_413_before_it_is_read(api, city, officer, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    content = csv_bytes(rows_of(limit // 40))
    assert len(content) > limit
    before = counts(city.compound)
    response = upload(api, officer, city.compound, content)
    assert response.status_code == 413
    assert response.json["code"] == "payload_too_large" and set(response.json) == {"code", "message", "errors"}
    assert counts(city.compound) == before


# --- who may import ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,status",
    [
        ("admin", 201),
        ("regulator", 201),
        ("street_officer", 201),
        ("firm_staff", 201),
        ("contractor_staff", 404),
        ("committee_member", 403),
    ],
)
def test_who_may_import_into_a_compound(api, city, role, status):
    response = upload(api, city.users[role], city.compound, csv_bytes(rows_of(3)))
    assert response.status_code == status


def test_a_compound_outside_the_callers_scope_is_404_and_untouched(api, city, officer):
    before = counts(city.other)
    response = upload(api, officer, city.other, csv_bytes(rows_of(3)))
    assert response.status_code == 404
    assert counts(city.other) == before


def test_without_a_token_the_import_is_401(client, city):
    response = client.post(
        URL, data={"compound_id": str(city.compound.id), "file": (io.BytesIO(csv_bytes(rows_of(1))), "x.csv")}
    )
    assert response.status_code == 401


def test_openapi_documents_the_multipart_body(api, city):
    spec = api.client.get("/api/v1/openapi.json").json
    body = spec["paths"]["/api/v1/imports/households"]["post"]["requestBody"]["content"]["multipart/form-data"]
    schema = body["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    assert schema["properties"]["file"] == {**schema["properties"]["file"], "type": "string", "format": "binary"}
    assert set(schema["required"]) == {"compound_id", "file"}


# --- the upload page --------------------------------------------------------------------------


def login(client, user):
    response = client.post("/login", data={"username": user.username, "password": "password123"})
    assert response.status_code == 302


def page_upload(client, compound, content: bytes, name="households.csv"):
    return client.post(
        f"/compounds/{compound.id}/import?lang=en",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_the_page_imports_a_file_and_says_how_many_rows(client, city, officer):
    login(client, officer)
    page = client.get(f"/compounds/{city.compound.id}/import?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and "upload.js" in html and "<progress" in html
    preview = preview_url(page_upload(client, city.compound, csv_bytes(rows_of(12))))
    assert "10号楼" in client.get(preview).get_data(as_text=True)
    assert "Rows imported：12 · New buildings：1" in confirm(client, preview + "?lang=en").get_data(as_text=True)


def test_the_page_lists_every_bad_row_and_imports_nothing(client, city, officer):
    login(client, officer)
    rows = rows_of(20)
    rows[4] = ("10号楼", "", "50", "", "")
    rows[9] = ("10号楼", "00009", "zero", "", "")
    before = counts(city.compound)
    html = confirm(client, preview_url(page_upload(client, city.compound, csv_bytes(rows))) + "?lang=en").get_data(
        as_text=True
    )
    assert "Nothing was imported" in html
    assert "<td>6</td><td>unit is missing</td>" in html
    assert "<td>11</td><td>floor_area_m2 &#34;zero&#34; is not a number</td>" in html
    assert counts(city.compound) == before


def test_the_page_asks_for_a_file_when_none_is_sent(client, city, officer):
    login(client, officer)
    response = client.post(f"/compounds/{city.compound.id}/import?lang=en", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a file." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "role,compound,status",
    [
        ("committee_member", "compound", 403),
        ("street_officer", "other", 404),
    ],
)
def test_the_page_refuses_who_may_not_import(client, city, role, compound, status):
    login(client, city.users[role])
    assert client.get(f"/compounds/{getattr(city, compound).id}/import").status_code == status


def test_a_page_upload_without_a_csrf_token_is_refused(csrf_client, city):
    response = page_upload(csrf_client, city.compound, csv_bytes(rows_of(1)))
    assert response.status_code == 400


def test_too_long_values_are_named_per_column(api, city, officer):
    content = csv_bytes([("楼" * 33, "1" * 33, "50", "名" * 65, "")])
    response = upload(api, officer, city.compound, content)
    assert response.json["errors"] == {
        "2": [
            "building is longer than 32 characters",
            "unit is longer than 32 characters",
            "owner_name is longer than 64 characters",
        ]
    }


def test_problems_follow_the_page_language(api, city, officer):
    response = api.as_(officer).post(
        URL.replace("lang=en", "lang=zh"),
        content_type="multipart/form-data",
        data={
            "compound_id": str(city.compound.id),
            "file": (io.BytesIO(csv_bytes([("1号楼", "1-101", "50", "", "")])), "x.csv"),
        },
    )
    assert response.json["errors"] == {"2": ["1号楼 1-101 已在本小区登记"]}
