"""The malformed-import corpus: every import endpoint (households, bills and payments, warranty
items) fed files that are wrong in every way we know — wrong format under a spreadsheet's name,
an XML bomb, a zip bomb, bad encodings, ragged rows, huge cells, formulas, empty and header-only
files. Each must be refused (4xx) with a report that names the problem, write nothing (every
table counted before and after), and, for the bombs, stay within a small memory bound.
Oversized uploads are refused with 413 before anything parses them."""

from __future__ import annotations

import io
import tracemalloc

import pytest
from sqlalchemy import func, select

from pm_app.extensions import db
from tests.org.conftest import City, city  # noqa: F401  (the fixture, shared)
from tests.security import corpus
from tests.security.conftest import login

ENDPOINTS = {
    # name → (header of a valid file, one valid row)
    "households": (("building", "unit", "floor_area_m2"), ("9号楼", "9-901", "86.40")),
    "bills": (("building", "unit", "period", "amount_due"), ("1号楼", "1-101", "2024-03", "71.60")),
    "items": (("category", "description", "quantity"), ("road_paving", "路面硬化", "12.5")),
}
BOMB_PEAK_BYTES = 50 * 1024 * 1024


@pytest.fixture
def target(api, city):
    """The three endpoints, as the admin (who may import anywhere), each as (url, form fields)."""
    admin = api.as_(city.users["admin"])
    project = admin.post(
        "/api/v1/projects",
        json={
            "compound_id": city.compound.id,
            "name": "改造工程",
            "year": 2024,
            "contractor_id": city.contractor.id,
            "acceptance_date": "2024-06-30",
            "contract_amount": "1000.00",
            "quality_deposit": "30.00",
        },
    ).json
    admin.get("/api/v1/auth/me")  # the token is issued now, not inside a counted request
    return admin, {
        "households": ("/api/v1/imports/households?lang=en", {"compound_id": str(city.compound.id)}),
        "bills": ("/api/v1/imports/bills?lang=en", {"compound_id": str(city.compound.id)}),
        "items": (f"/api/v1/projects/{project['id']}/items/import?lang=en", {}),
    }


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table)) for table in db.metadata.sorted_tables
    }


def send(target, endpoint: str, content: bytes, name: str):
    admin, urls = target
    url, fields = urls[endpoint]
    return admin.post(url, data={**fields, "file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def test_a_valid_file_goes_in_at_every_endpoint(target):
    """The corpus below is refused because it is malformed, not because the endpoints refuse everything."""
    for endpoint, (header, row) in ENDPOINTS.items():
        response = send(target, endpoint, corpus.csv(header, [row]), "ok.csv")
        assert response.status_code == 201, (endpoint, response.json)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("case", corpus.CASES, ids=[c.name for c in corpus.CASES])
def test_a_malformed_file_is_refused_naming_the_problem_and_writes_nothing(target, endpoint, case):
    header, row = ENDPOINTS[endpoint]
    content = case.build(header, row)
    before = row_counts()
    tracemalloc.start()
    try:
        response = send(target, endpoint, content, case.filename)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    report = response.json
    print(
        f"\n{case.name} → {endpoint}: {response.status_code} {str(report)[:300]} {len(content)} bytes, "
        f"peak {peak / 1e6:.1f} MB"
    )
    assert response.status_code == case.status, report
    assert report["code"] == "invalid_input" and report["errors"], report
    assert case.expect in str(report["errors"]), report["errors"]
    assert len(response.data) < 20_000, "a report echoes the file instead of naming the problem"
    assert row_counts() == before
    assert peak < BOMB_PEAK_BYTES, f"{peak / 1e6:.1f} MB"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_upload_over_the_limit_is_413_before_anything_parses_it(target, endpoint, app, monkeypatch):
    def no_parsing(*_args, **_kwargs):
        raise AssertionError("the upload was parsed")

    for module in ("pm_app.common.imports.rows", "pm_app.common.imports.reading"):
        monkeypatch.setattr(f"{module}.open_sheet", no_parsing)
    monkeypatch.setattr("openpyxl.load_workbook", no_parsing)
    header, row = ENDPOINTS[endpoint]
    content = corpus.csv(header, [row]) + b"x" * app.config["MAX_CONTENT_LENGTH"]
    before = row_counts()
    response = send(target, endpoint, content, "big.csv")
    assert response.status_code == 413 and response.json["code"] == "payload_too_large"
    assert row_counts() == before


@pytest.mark.parametrize("url", ["/compounds/{compound}/import", "/compounds/{compound}/fees/import"])
def test_the_upload_pages_answer_413_too(client, city, app, url, monkeypatch):
    monkeypatch.setattr("pm_app.common.imports.rows.open_sheet", lambda *_: pytest.fail("parsed"))
    login(client, city.users["admin"])
    response = client.post(
        url.format(compound=city.compound.id),
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)), "big.csv")},
    )
    assert response.status_code == 413


def test_a_zip_bomb_is_refused_before_any_xml_is_parsed(target, monkeypatch):
    monkeypatch.setattr("pm_app.common.imports.workbook.load_workbook", lambda *_a, **_k: pytest.fail("parsed"))
    response = send(target, "households", corpus.zip_bomb(None, None), "bomb.xlsx")
    assert response.status_code == 422 and "too large once unpacked" in response.json["errors"]["file"][0]


def test_a_workbook_over_the_unpacked_limit_is_refused_whatever_its_ratio(target, app, monkeypatch):
    header, row = ENDPOINTS["households"]
    monkeypatch.setitem(app.config, "IMPORT_MAX_UNZIPPED_MB", 0)
    response = send(target, "households", corpus.xlsx(header, [row]), "small.xlsx")
    assert response.status_code == 422 and "too large once unpacked" in response.json["errors"]["file"][0]
    monkeypatch.setitem(app.config, "IMPORT_MAX_UNZIPPED_MB", 1)
    assert send(target, "households", corpus.xlsx(header, [row]), "small.xlsx").status_code == 201
