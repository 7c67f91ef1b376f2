"""Fee exports: the page's scoped rows as CSV and XLSX, formulas defused, owners masked."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.fees.pages import bill_city, closed_periods, login
from tests.xlsx import table, title


@pytest.fixture
def billed(city):
    return bill_city(city)


def _csv(client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _xlsx(client, url: str) -> list[tuple]:
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    return table(response.data)  # the header, then the rows (row 1 is the title)


def _range() -> str:
    periods = closed_periods()
    return f"period_from={periods[0]}&period_to={periods[-1]}"


def test_the_bills_export_has_the_periods_bills_with_labels(client, city, billed):
    first = billed["periods"][0]
    rows = _csv(
        login(client, city.users["street_officer"]),
        f"/compounds/{city.compound.id}/fees/bills.csv?period={first}&lang=en",
    )
    assert rows[0] == [
        "Building",
        "Unit",
        "Period",
        "Due date",
        "Amount due",
        "Paid",
        "Waived",
        "Outstanding",
        "Status",
    ]
    assert rows[1][:3] == ["1号楼", "1-101", first] and rows[1][4:] == ["73.44", "73.44", "0.00", "0.00", "Paid"]
    assert len(rows) == 2


def test_the_bills_export_follows_the_status_filter(client, city, billed):
    first = billed["periods"][0]
    rows = _csv(
        login(client, city.users["street_officer"]),
        f"/compounds/{city.compound.id}/fees/bills.csv?period={first}&status=unpaid",
    )
    assert len(rows) == 1


def test_exports_neutralise_a_building_named_like_a_formula(client, city, billed):
    city.household.building.name = "=cmd()"
    login(client, city.users["street_officer"])
    url = f"/compounds/{city.compound.id}/fees"
    assert _csv(client, f"{url}/bills.csv")[1][0] == "'=cmd()"
    assert _csv(client, f"{url}/arrears.csv?min_periods=1")[1][0] == "'=cmd()"
    sheet = load_workbook(io.BytesIO(client.get(f"{url}/bills.xlsx").data)).active
    assert sheet["A3"].value == "'=cmd()" and sheet["A3"].data_type == "s"


def test_the_arrears_export_masks_owners_for_the_committee(client, city, billed):
    rows = _csv(
        login(client, city.users["committee_member"]),
        f"/compounds/{city.compound.id}/fees/arrears.csv?min_periods=2&lang=en",
    )
    assert rows[0][:4] == ["Building", "Unit", "Owner", "Phone"]
    assert rows[1][2:5] == ["王*明", "138****5678", "2"] and rows[1][-1] == "146.88"


def test_the_arrears_export_names_owners_for_the_street_office(client, city, billed):
    rows = _xlsx(
        login(client, city.users["street_officer"]), f"/compounds/{city.compound.id}/fees/arrears.xlsx?min_periods=2"
    )
    assert rows[1][2:4] == ("王小明", "13812345678")


@pytest.mark.parametrize(
    "role,compound,status",
    [
        ("street_officer", "compound", 200),
        ("firm_staff", "compound", 200),
        ("committee_member", "compound", 200),
        ("regulator", "other", 200),
        ("street_officer", "other", 404),
        ("firm_staff", "other", 404),
        ("committee_member", "other", 404),
        ("contractor_staff", "compound", 404),
    ],
)
@pytest.mark.parametrize("what", ["bills.csv", "bills.xlsx", "arrears.csv", "arrears.xlsx"])
def test_who_may_export_a_compounds_fees(client, city, billed, role, compound, status, what):
    login(client, city.users[role])
    assert client.get(f"/compounds/{getattr(city, compound).id}/fees/{what}").status_code == status


def test_the_rates_export_has_a_row_per_period(client, city, billed):
    first, second, last = closed_periods()
    rows = _csv(login(client, city.users["regulator"]), f"/fees/rates.csv?scope=city&{_range()}&lang=en")
    assert rows[0] == [
        "Period",
        "Receivable",
        "Received",
        "Rate by amount",
        "Households billed",
        "Households paid",
        "Rate by household",
    ]
    assert rows[1] == [first, "146.88", "73.44", "50.0 %", "2", "1", "50.0 %"]
    assert [row[0] for row in rows[1:]] == [first, second, last]


def test_the_compounds_export_ranks_worst_first_with_arrears(client, city, billed):
    rows = _xlsx(login(client, city.users["regulator"]), f"/fees/compounds.xlsx?scope=city&{_range()}&lang=en")
    assert rows[0][-3:] == ("Below threshold", "Households in arrears", "Arrears outstanding")
    assert [row[0] for row in rows[1:]] == [city.other.code, city.compound.code]
    assert rows[1][-3:] == ("yes", 1, 220.32)


@pytest.mark.parametrize(
    "role,scope,status",
    [
        ("regulator", "city", 200),
        ("street_officer", "street:{street}", 200),
        ("street_officer", "street:{other_street}", 404),
        ("street_officer", "city", 404),
        ("firm_staff", "firm:{firm}", 200),
        ("firm_staff", "firm:{other_firm}", 404),
        ("contractor_staff", "", 404),
    ],
)
@pytest.mark.parametrize("what", ["rates.csv", "rates.xlsx", "compounds.csv", "compounds.xlsx"])
def test_who_may_export_an_overview(client, city, billed, role, scope, status, what):
    ids = {
        "street": city.street.id,
        "other_street": city.other_street.id,
        "firm": city.firm.id,
        "other_firm": city.other_firm.id,
    }
    login(client, city.users[role])
    assert client.get(f"/fees/{what}?scope={scope.format(**ids)}").status_code == status


def test_an_officers_compound_export_leaves_out_other_streets(client, city, billed):
    rows = _csv(login(client, city.users["street_officer"]), f"/fees/compounds.csv?{_range()}")
    assert [row[0] for row in rows[1:]] == [city.compound.code]


def test_exports_need_a_login(client, city):
    for url in (f"/compounds/{city.compound.id}/fees/bills.csv", "/fees/rates.csv"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_xlsx_holds_numbers_percentages_and_dates_under_a_title(client, city, billed):
    """Issue 27: typed cells, a title row naming the export, scope and day, a frozen header."""
    first = billed["periods"][0]
    login(client, city.users["regulator"])
    data = client.get(f"/fees/rates.xlsx?scope=city&{_range()}").data
    assert title(data).startswith("收缴率 · 全市 · 截至 ")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "收缴率" and sheet.freeze_panes == "A3"
    receivable, rate, billed_count = sheet["B3"], sheet["D3"], sheet["E3"]
    assert receivable.value == 146.88 and receivable.number_format == "#,##0.00"
    assert rate.value == 0.5 and rate.number_format == "0.0%"
    assert billed_count.value == 2 and billed_count.data_type == "n"
    bills = load_workbook(
        io.BytesIO(client.get(f"/compounds/{city.compound.id}/fees/bills.xlsx?period={first}").data)
    ).active
    due = bills["D3"]
    assert due.is_date and due.number_format == "yyyy-mm-dd" and due.value.strftime("%Y-%m") == first
    assert city.compound.name in bills["A1"].value
