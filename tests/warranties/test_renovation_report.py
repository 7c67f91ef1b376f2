"""The renovation money and progress report (issue 26) on a district shaped like seed 003's:
63 projects of 2021–2022, 41 of them not completed in the time set ("未在规定时间内竣工的项目占比
65.08%"), money from central and provincial subsidies (61.8 %), special bonds (37.9 %) and the city,
and the central money 44.2 % paid by the end of 2023 ("中央直达资金支付进度为44.2%")."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from pm_app.auth.models import Role
from pm_app.extensions import db
from pm_app.warranties import funding_charts
from pm_app.warranties.models import FundingSource, ProjectFunding, RenovationProject
from tests.factories import UserFactory
from tests.warranties.pages import login, page

PLANNED = date(2022, 12, 31)
AS_OF = "2023-12-31"
YUAN = 100  # fen


def _project(city, compound, year, accepted, planned=PLANNED, **extra):
    project = RenovationProject(
        compound_id=compound.id,
        name=f"{year}年改造",
        year=year,
        contractor_id=city.contractor.id,
        acceptance_date=accepted,
        planned_start=date(year, 3, 1),
        planned_completion=planned,
        **extra,
    )
    db.session.add(project)
    return project


@pytest.fixture
def audited(city):
    """鼓楼区 (city.compound's district): 22 on time, 30 accepted late, 11 not accepted by the end of
    2023 though planned for 2022 — 41 of 63 late. 台江区: one late project; and a 2023 project."""
    projects = [_project(city, city.compound, 2021 + k % 2, date(2022, 11, 30)) for k in range(22)]
    projects += [_project(city, city.compound, 2021 + k % 2, date(2023, 6, 30)) for k in range(30)]
    projects += [_project(city, city.compound, 2022, date(2024, 5, 31)) for _k in range(11)]
    other = _project(city, city.other, 2022, date(2023, 3, 31))
    later = _project(city, city.compound, 2023, date(2024, 6, 30), planned=date(2024, 6, 30))
    unplanned = _project(city, city.compound, 2022, date(2022, 6, 30), planned=None)
    db.session.flush()
    first = projects[0]
    for source, yuan in (
        (FundingSource.central, 1_500_000_000),
        (FundingSource.provincial, 600_000_000),
        (FundingSource.special_bonds, 1_290_000_000),
        (FundingSource.city, 9_000_000),
    ):
        db.session.add(ProjectFunding(project_id=first.id, source=source, amount_fen=yuan * YUAN))
    db.session.add(
        ProjectFunding(project_id=other.id, source=FundingSource.original_owner, amount_fen=1_000_000 * YUAN)
    )
    db.session.add(ProjectFunding(project_id=later.id, source=FundingSource.central, amount_fen=5_000_000 * YUAN))
    db.session.flush()
    return {"first": first, "other": other, "later": later, "unplanned": unplanned}


def _pay(api, city, project, paid_on, amount, source="central"):
    response = api.as_(city.users["regulator"]).post(
        f"/api/v1/projects/{project.id}/disbursements", json={"paid_on": paid_on, "amount": amount, "source": source}
    )
    assert response.status_code == 201, response.json


def report(api, user, **query):
    response = api.as_(user).get("/api/v1/renovation/report", query_string={"as_of": AS_OF, **query})
    assert response.status_code == 200, response.json
    return response.json


def test_the_district_of_seed_003_reads_as_the_audit_wrote_it(api, city, audited):
    _pay(api, city, audited["first"], "2023-06-30", "663000000.00")  # 44.2 % of the central 1.5 bn
    _pay(api, city, audited["first"], "2024-01-15", "100000000.00")  # after the report's day: not counted
    district = city.compound.street.district_id
    found = report(api, city.users["regulator"], district_id=district, year_from=2021, year_to=2022)
    assert found["projects"] == 64  # 63 with a planned completion, one without
    assert found["completion"] == {
        "with_planned_date": 63,
        "completed": 52,
        "late": 41,
        "completed_late": 30,
        "overdue_not_completed": 11,
        "late_share": "0.6508",
    }
    shares = {k: v["share"] for k, v in found["funding"]["by_source"].items() if v["amount"] != "0.00"}
    assert shares == {"central": "0.4413", "provincial": "0.1765", "special_bonds": "0.3795", "city": "0.0026"}
    assert found["funding"]["superior_share"] == "0.6178"  # 上级补助 "约占总资金61.8%"
    assert found["funding"]["total"] == "3399000000.00"
    assert found["payments"]["by_source"]["central"] == {
        "funded": "1500000000.00",
        "paid": "663000000.00",
        "progress": "0.4420",
    }
    assert (found["payments"]["paid"], found["payments"]["progress"]) == ("663000000.00", "0.1951")
    assert [d["name"] for d in found["by_district"]] == ["鼓楼区"]


def test_the_city_adds_the_other_district_and_the_year_filter_keeps_one_year(api, city, audited):
    city_wide = report(api, city.users["regulator"])
    assert city_wide["projects"] == 66 and [d["name"] for d in city_wide["by_district"]] == ["台江区", "鼓楼区"]
    assert city_wide["completion"]["late"] == 42 and city_wide["completion"]["with_planned_date"] == 65
    assert city_wide["funding"]["by_source"]["original_owner"]["amount"] == "1000000.00"
    one_year = report(api, city.users["regulator"], year=2023)
    assert one_year["projects"] == 1 and one_year["completion"]["late"] == 0  # planned 2024-06-30, not yet due


def test_a_project_not_accepted_is_late_only_once_its_planned_completion_has_passed(api, city, audited):
    early = report(
        api, city.users["regulator"], year=2022, district_id=city.compound.street.district_id, as_of="2022-12-31"
    )
    # On 2022-12-31 nothing planned for that day is late yet; the 2022 projects accepted in 2023 are not late.
    assert early["completion"]["late"] == 0


def test_a_street_office_sees_only_its_streets(api, city, audited):
    found = report(api, city.users["street_officer"])
    assert [d["name"] for d in found["by_district"]] == ["鼓楼区"] and found["projects"] == 65
    outsider = UserFactory(role=Role.street_officer, streets=[city.other_street])
    assert report(api, outsider)["projects"] == 1


def test_a_district_out_of_the_callers_sight_is_404(api, client, city, audited):
    other = city.other_street.district_id
    assert other != city.compound.street.district_id
    officer = city.users["street_officer"]
    assert api.as_(officer).get(f"/api/v1/renovation/report?district_id={other}").status_code == 404
    assert login(client, officer).get(f"/renovation/report?district_id={other}").status_code == 404
    assert report(api, city.users["regulator"], district_id=other)["projects"] == 1


@pytest.mark.parametrize("role", ["firm_staff", "committee_member", "contractor_staff"])
def test_firms_committees_and_contractors_have_no_report(api, client, city, role):
    assert api.as_(city.users[role]).get("/api/v1/renovation/report").status_code == 403
    assert login(client, city.users[role]).get("/renovation/report").status_code == 404


@pytest.mark.parametrize(
    "query,field",
    [
        ({"yaer": "2022"}, "yaer"),
        ({"year": "２０２２x"}, "year"),
        ({"year": "2022", "year_from": "2021"}, "year"),
        ({"year_from": "2023", "year_to": "2022"}, "year_from"),
        ({"as_of": "2023-02-30"}, "as_of"),
    ],
)
def test_bad_report_parameters_are_refused_naming_them(api, city, query, field):
    response = api.as_(city.users["regulator"]).get("/api/v1/renovation/report", query_string=query)
    assert response.status_code == 422 and field in str(response.json["errors"])


def test_the_report_page_shows_the_figures_in_chinese_with_its_charts(api, client, city, audited):
    _pay(api, city, audited["first"], "2023-06-30", "663000000.00")
    body = page(
        login(client, city.users["regulator"]),
        f"/renovation/report?as_of={AS_OF}&year_from=2021&year_to=2022&district_id={city.compound.street.district_id}",
    )
    for text in ("未在规定时间内竣工", "65.08 %", "44.20 %", "专项债", "37.95 %", "上级补助", "data-chart"):
        assert text in body, text
    shown = re.sub(r"<[^>]*>", " ", body)  # what a reader sees: no raw codes, no English
    assert "special_bonds" not in shown and "Special bonds" not in shown


def test_the_report_is_linked_from_the_home_page_of_the_regulator_and_the_street_office(client, city):
    for role in ("regulator", "street_officer"):
        assert "/renovation/report" in page(login(client, city.users[role]), "/")


def test_the_xlsx_export_has_the_pages_figures(api, client, city, audited):
    _pay(api, city, audited["first"], "2023-06-30", "663000000.00")
    response = login(client, city.users["regulator"]).get(
        f"/renovation/report.xlsx?lang=en&as_of={AS_OF}&year_from=2021&year_to=2022&district_id={city.compound.street.district_id}"
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=3, values_only=True)}  # under title and header
    assert rows["Completed late or overdue"] == (41, 0.6508)  # a count and a share, typed
    assert rows["Funding: Special bonds"] == (1290000000, 0.3795)
    assert rows["Paid from Central government"] == (663000000, 0.442)
    assert sheet["C5"].number_format == "0.0%" and sheet["B5"].number_format == "#,##0.00"
    assert sheet.title == "Renovation report" and sheet["A1"].value.endswith(f"as of {AS_OF} (Beijing time)")


def test_the_charts_are_bars_of_the_reports_shares(app):
    with app.test_request_context():
        _charts()


def _charts():
    labels = {"central": "中央补助", "special_bonds": "专项债"}
    figure = funding_charts.funding_shares(
        {
            "central": {"amount": "62.00", "share": "0.6200"},
            "special_bonds": {"amount": "38.00", "share": "0.3800"},
            "city": {"amount": "0.00", "share": "0.0000"},
        },
        labels,
        "资金",
    )
    [bars] = figure["data"]
    assert (bars["y"], bars["x"]) == (["专项债", "中央补助"], [38.0, 62.0])
    progress = funding_charts.payment_progress(
        {"central": {"funded": "10.00", "paid": "4.42", "progress": "0.4420"}}, labels, "支付"
    )
    assert progress["data"][0]["x"] == [44.2]
