"""The organisation pages: language, scope, filters, masking, exports, firms."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from pm_app.org.models import ManagementMode, RenovationType
from tests.factories import BuildingFactory, CompoundFactory, ContractFactory, HouseholdFactory
from tests.helpers import count_statements


def login(client, user):
    response = client.post("/login", data={"username": user.username, "password": "password123"})
    assert response.status_code == 302, response.text
    return client


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.text[:500]
    return response.get_data(as_text=True)


# --- language ------------------------------------------------------------------------------


def test_pages_are_in_chinese_by_default(client, city):
    body = page(login(client, city.users["street_officer"]), "/compounds")
    assert "小区" in body and 'lang="zh-CN"' in body
    assert "专业物业" in body and "基础类" in body  # enum labels, not raw values
    assert "Compounds" not in body


def test_english_is_chosen_with_lang_and_remembered_for_the_session(client, city):
    login(client, city.users["street_officer"])
    assert "Compounds" in page(client, "/compounds?lang=en")
    body = page(client, "/compounds")
    assert 'lang="en"' in body and "Professional property service" in body and "专业物业" not in body
    assert "小区" in page(client, "/compounds?lang=zh")


def test_english_counts_use_the_singular_for_one(client, city):
    login(client, city.users["street_officer"])
    body = page(client, f"/compounds/{city.compound.id}?lang=en")
    assert "1 household<" in body and "Basic renovation" in body and "0.85 yuan/m²/month" in body


def test_the_language_link_keeps_the_filters(client, city):
    body = page(login(client, city.users["street_officer"]), "/compounds?q=%E4%B8%9C&management_mode=professional")
    assert "/compounds?q=%E4%B8%9C&amp;management_mode=professional&amp;lang=en" in body


# --- scope ---------------------------------------------------------------------------------


def test_street_officer_lists_only_its_streets_compounds(client, city):
    body = page(login(client, city.users["street_officer"]), "/compounds")
    assert "GL-0001" in body and "TJ-0001" not in body
    assert "南街街道" not in body  # nor the foreign street in the filter dropdown


def test_a_foreign_compound_is_not_found(client, city):
    login(client, city.users["street_officer"])
    body = page(client, f"/compounds/{city.other.id}", 404)
    assert "未找到" in body and "南门花园" not in body


@pytest.mark.parametrize("role", ["admin", "regulator", "street_officer", "firm_staff", "committee_member"])
def test_every_role_opens_the_detail_of_a_compound_it_sees(client, city, role):
    body = page(login(client, city.users[role]), f"/compounds/{city.compound.id}")
    assert "东门新村" in body and "东门社区" in body and "1号楼" in body


def test_the_detail_reads_its_street_and_community_with_the_compound(client, city):
    from pm_app.extensions import db

    login(client, city.users["regulator"])
    db.session.expunge_all()  # nothing cached: what the page reads comes from the database
    with count_statements() as sent:
        body = page(client, f"/compounds/{city.compound.id}")
    assert "东门社区" in body
    assert not [s for s in sent if s.lstrip().startswith(("SELECT street.", "SELECT community."))], sent


@pytest.mark.parametrize("role", ["contractor_staff", "firm_staff", "committee_member"])
def test_roles_without_the_compound_get_404(client, city, role):
    login(client, city.users[role])
    page(client, f"/compounds/{city.other.id}", 404)


# --- filters, search, counts, pages -------------------------------------------------------


def test_filters_and_search_narrow_the_list_and_its_totals(client, city):
    CompoundFactory(
        code="GL-0002",
        name="西湖小区",
        street=city.street,
        address="湖滨路9号",
        management_mode=ManagementMode.none,
        renovation_type=RenovationType.upgrade,
    )
    login(client, city.users["regulator"])
    body = page(client, "/compounds")
    assert "小区 3 个 · 住户 2 户" in body
    body = page(client, "/compounds?management_mode=none")
    assert "GL-0002" in body and "GL-0001" not in body and "小区 1 个 · 住户 0 户" in body
    body = page(client, "/compounds?renovation_type=basic")
    assert "GL-0001" in body and "TJ-0001" in body and "GL-0002" not in body
    body = page(client, f"/compounds?street_id={city.other_street.id}")
    assert "TJ-0001" in body and "GL-0001" not in body
    for q in ("湖滨路", "西湖", "gl-0002"):  # address, name, code (any case)
        body = page(client, f"/compounds?q={q}")
        assert "GL-0002" in body and "GL-0001" not in body, q


def test_a_filter_on_a_foreign_street_shows_nothing(client, city):
    login(client, city.users["street_officer"])
    body = page(client, f"/compounds?street_id={city.other_street.id}")
    assert "TJ-0001" not in body and "小区 0 个 · 住户 0 户" in body


@pytest.mark.parametrize("query", ["street_id=abc", "management_mode=castle", "page=0", "page=x"])
def test_junk_in_the_query_string_is_a_bad_request(client, city, query):
    login(client, city.users["regulator"])
    page(client, f"/compounds?{query}", 400)


def test_the_list_pages_by_fifty(client, city):
    for n in range(55):
        CompoundFactory(code=f"P-{n:03d}", street=city.street)
    login(client, city.users["street_officer"])
    first = page(client, "/compounds")
    # Ordered by code: GL-0001, then P-000 … P-048 fill the first fifty.
    assert "第 1 页，共 2 页" in first and "P-048" in first and "P-049" not in first
    second = page(client, "/compounds?page=2")
    assert "P-049" in second and "P-054" in second and "GL-0001" not in second


def test_the_lists_statement_count_does_not_grow_with_the_compounds(client, city):
    login(client, city.users["regulator"])
    with count_statements() as few:
        page(client, "/compounds")
    for n in range(20):
        compound = CompoundFactory(code=f"S-{n:03d}", street=city.street)
        HouseholdFactory(building=BuildingFactory(compound_id=compound.id))
    with count_statements() as more:
        page(client, "/compounds")
    assert len(more) == len(few)


# --- personal data -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["regulator", "committee_member"])
def test_owner_contacts_are_masked_for_roles_that_do_not_need_them(client, city, role):
    body = page(login(client, city.users[role]), f"/compounds/{city.compound.id}")
    assert "王*明" in body and "138****5678" in body
    assert "王小明" not in body and "13812345678" not in body


@pytest.mark.parametrize("role", ["street_officer", "firm_staff"])
def test_owner_contacts_are_shown_to_the_street_office_and_the_serving_firm(client, city, role):
    body = page(login(client, city.users[role]), f"/compounds/{city.compound.id}")
    assert "王小明" in body and "13812345678" in body


def test_the_households_page_by_building_name_then_unit_joining_the_building_once(client, city):
    login(client, city.users["street_officer"])
    compound = CompoundFactory(street=city.street)
    for name in ("2号楼", "1号楼"):
        building = BuildingFactory(compound_id=compound.id, name=name)
        for unit in ("2-101", "1-101"):
            HouseholdFactory(building=building, unit=unit, owner_name=f"{name}{unit}")
    with count_statements() as sent:
        body = page(client, f"/compounds/{compound.id}")
    order = [body.index(f"{name}{unit}") for name in ("1号楼", "2号楼") for unit in ("1-101", "2-101")]
    assert order == sorted(order)
    # the building of the order is the building of the column: one join, by the compound too
    listing = next(s for s in sent if "ORDER BY building.name" in s)
    assert listing.count("JOIN building") == 1 and "building.compound_id =" in listing


def test_the_households_page_counts_its_total_in_the_same_statement(client, city):
    login(client, city.users["street_officer"])
    compound = CompoundFactory(street=city.street)
    building = BuildingFactory(compound_id=compound.id, name="1号楼")
    for n in range(55):
        HouseholdFactory(building=building, unit=f"1-{n:03d}", owner_name=f"住户{n:03d}")
    with count_statements() as sent:
        first = page(client, f"/compounds/{compound.id}")
    assert "第 1 页，共 2 页" in first and "住户049" in first and "住户050" not in first
    assert not [s for s in sent if "FROM (SELECT household.id" in s]  # no count of the listing apart
    assert [s for s in sent if "count(*) OVER ()" in s and "ORDER BY building.name" in s]
    second = page(client, f"/compounds/{compound.id}?page=2")
    assert "第 2 页，共 2 页" in second and "住户054" in second and "住户049" not in second
    # past the end no row carries the count: it is counted apart, and the pager still knows there are two
    assert "第 3 页，共 2 页" in page(client, f"/compounds/{compound.id}?page=3")


# --- contracts and the import link ---------------------------------------------------------


def test_the_detail_shows_the_current_contract_with_its_fee_rate(client, city):
    body = page(login(client, city.users["street_officer"]), f"/compounds/{city.compound.id}")
    assert "甲物业" in body and "0.85 元/m²/月" in body and "2024-01-01 – 2035-12-31" in body


def test_managers_get_the_household_import_link(client, app, city):
    body = page(login(client, city.users["street_officer"]), f"/compounds/{city.compound.id}")
    with app.test_request_context():
        from flask import url_for

        assert url_for("org_import.upload", compound_id=city.compound.id) in body


def test_the_committee_gets_no_import_link(client, city):
    body = page(login(client, city.users["committee_member"]), f"/compounds/{city.compound.id}")
    assert "导入住户" not in body


# --- exports -------------------------------------------------------------------------------


def _csv(client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_csv_export_carries_only_visible_compounds_with_labels(client, city):
    rows = _csv(login(client, city.users["street_officer"]), "/compounds/export.csv")
    assert rows[0][:3] == ["编号", "名称", "街道"]
    assert [r[0] for r in rows[1:]] == ["GL-0001"]
    assert rows[1][8] == "专业物业" and rows[1][10:] == ["1", "86.40"]


def test_the_export_follows_the_filters(client, city):
    CompoundFactory(code="GL-0009", street=city.street, management_mode=ManagementMode.quasi)
    rows = _csv(login(client, city.users["regulator"]), "/compounds/export.csv?management_mode=quasi")
    assert [r[0] for r in rows[1:]] == ["GL-0009"]


def test_exports_neutralise_formula_names(client, city):
    CompoundFactory(code="GL-0666", name="=cmd()", street=city.street)
    login(client, city.users["street_officer"])
    rows = _csv(client, "/compounds/export.csv?q=GL-0666")
    assert rows[1][1] == "'=cmd()"
    response = client.get("/compounds/export.xlsx?q=GL-0666")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[2]][:2] == ["编号", "名称"]
    assert sheet["B3"].value == "'=cmd()" and sheet["B3"].data_type == "s"
    assert sheet.max_row == 3  # title, header, the one compound
    assert sheet.title == "小区" and sheet.freeze_panes == "A3" and sheet["A1"].value.startswith("小区 · 东")


def test_the_xlsx_export_carries_only_visible_compounds(client, city):
    response = login(client, city.users["committee_member"]).get("/compounds/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)] == ["GL-0001"]


def test_exports_need_a_login(client, city):
    response = client.get("/compounds/export.csv")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- firms ---------------------------------------------------------------------------------


def test_the_firm_list_filters_by_kind_and_search(client, city):
    login(client, city.users["regulator"])
    body = page(client, "/firms?kind=contractor")
    assert "丙建设" in body and "甲物业" not in body and "施工企业" in body
    body = page(client, "/firms?q=甲")
    assert "甲物业" in body and "乙物业" not in body
    assert "甲物业" in page(client, f"/firms?q={city.firm.uscc.lower()}")


def test_firm_staff_see_only_their_own_firm(client, city):
    login(client, city.users["firm_staff"])
    body = page(client, "/firms")
    assert "甲物业" in body and "乙物业" not in body
    page(client, f"/firms/{city.other_firm.id}", 404)


def test_the_firm_detail_lists_only_contracts_the_viewer_sees(client, city):
    ContractFactory(compound=city.other, firm=city.firm, start_date=date(2020, 1, 1), end_date=date(2023, 12, 31))
    login(client, city.users["street_officer"])
    body = page(client, f"/firms/{city.firm.id}")
    assert city.firm.uscc in body and "东门新村" in body and "南门花园" not in body
    assert "履行中" in body
