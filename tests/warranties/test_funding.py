"""Renovation money on a project (issue 26): the new funding sources, the planned dates, payments
made (API and the project page), and the quality deposit's rules — agreed in the contract, at most
3 % of the settlement (建设工程质量保证金管理办法 第七条)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pm_app.common.clock import today
from pm_app.extensions import db
from tests.warranties.pages import login, page

PROJECT = {
    "name": "2022年城东改造工程",
    "year": 2022,
    "renovation_type": "basic",
    "acceptance_date": "2022-11-30",
    "planned_start": "2022-03-01",
    "planned_completion": "2022-10-31",
}


def new_project(api, city, user="street_officer", **body):
    return api.as_(city.users[user]).post(
        "/api/v1/projects?lang=en",
        json={"compound_id": city.compound.id, "contractor_id": city.contractor.id, **PROJECT, **body},
    )


@pytest.fixture
def funded(api, city):
    response = new_project(
        api,
        city,
        contract_amount="10000000.00",
        quality_deposit="300000.00",
        deposit_terms="retention",
        funding={
            "central": "4000000.00",
            "special_bonds": "3790000.00",
            "original_owner": "2000000.00",
            "city": "210000.00",
        },
    )
    assert response.status_code == 201, response.json
    return response.json


def pay(api, user, project_id, **body):
    return api.as_(user).post(f"/api/v1/projects/{project_id}/disbursements?lang=en", json=body)


# --- funding sources and the schedule -----------------------------------------------------------


def test_special_bonds_and_the_original_owner_unit_fund_a_project_with_its_planned_dates(funded):
    assert {f["source"]: f["amount"] for f in funded["funding"]} == {
        "central": "4000000.00",
        "special_bonds": "3790000.00",
        "original_owner": "2000000.00",
        "city": "210000.00",
    }
    assert (funded["planned_start"], funded["planned_completion"], funded["deposit_terms"]) == (
        "2022-03-01",
        "2022-10-31",
        "retention",
    )


def test_a_planned_completion_before_the_planned_start_is_refused(api, city):
    response = new_project(api, city, planned_start="2022-10-01", planned_completion="2022-09-30")
    assert response.status_code == 422 and "planned_completion" in response.json["errors"]


# --- payments made ------------------------------------------------------------------------------


def test_payments_are_recorded_by_source_and_listed(api, city, funded):
    officer = city.users["street_officer"]
    first = pay(api, officer, funded["id"], paid_on="2022-06-30", amount="1768000.00", source="central", note="进度款")
    assert first.status_code == 201, first.json
    assert (first.json["amount"], first.json["source"], first.json["paid_on"]) == (
        "1768000.00",
        "central",
        "2022-06-30",
    )
    # A full-width amount from a Chinese keyboard is the same amount (common.inputs: NFKC).
    assert (
        pay(api, officer, funded["id"], paid_on="2022-12-31", amount="１０００.００", source="special_bonds").json[
            "amount"
        ]
        == "1000.00"
    )
    listed = api.as_(city.users["committee_member"]).get(f"/api/v1/projects/{funded['id']}/disbursements").json
    assert [(p["paid_on"], p["amount"]) for p in listed] == [("2022-06-30", "1768000.00"), ("2022-12-31", "1000.00")]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"amount": "-5.00"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": 12.5}, "amount"),  # a JSON float
        ({"amount": "١٠٠"}, "amount"),  # Arabic-Indic digits: not ASCII after NFKC
        ({"amount": "1e5"}, "amount"),
        ({"amount": "4000000.01"}, "amount"),  # more than the central funding
        ({"source": "residents"}, "source"),  # funds nothing on this project
        ({"source": "lottery"}, "source"),
        ({"paid_on": (today() + timedelta(days=1)).isoformat()}, "paid_on"),
        ({"paid_on": "2022-02-30"}, "paid_on"),
    ],
)
def test_a_bad_payment_is_refused_naming_the_field(api, city, funded, body, field):
    payment = {"paid_on": "2022-06-30", "amount": "100.00", "source": "central", **body}
    response = pay(api, city.users["street_officer"], funded["id"], **payment)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_payments_cannot_take_more_than_is_left_of_a_source(api, city, funded):
    officer = city.users["street_officer"]
    assert (
        pay(api, officer, funded["id"], paid_on="2022-06-30", amount="3000000.00", source="central").status_code == 201
    )
    refused = pay(api, officer, funded["id"], paid_on="2022-07-30", amount="1000000.01", source="central")
    assert refused.status_code == 422 and "1000000.00" in refused.json["errors"]["amount"][0]
    assert (
        pay(api, officer, funded["id"], paid_on="2022-07-30", amount="1000000.00", source="central").status_code == 201
    )


@pytest.mark.parametrize(
    "role,status",
    [("committee_member", 403), ("firm_staff", 403), ("contractor_staff", 403), ("regulator", 201), ("admin", 201)],
)
def test_only_the_offices_record_payments(api, city, funded, role, status):
    response = pay(api, city.users[role], funded["id"], paid_on="2022-06-30", amount="1.00", source="central")
    assert response.status_code == status


def test_a_street_office_outside_the_project_gets_404(api, city, funded):
    from pm_app.auth.models import Role
    from tests.factories import UserFactory

    stranger = UserFactory(role=Role.street_officer, streets=[city.other_street])
    assert pay(api, stranger, funded["id"], paid_on="2022-06-30", amount="1.00", source="central").status_code == 404
    assert api.as_(stranger).get(f"/api/v1/projects/{funded['id']}/disbursements").status_code == 404


# --- the quality deposit ------------------------------------------------------------------------


def test_a_deposit_of_exactly_3_percent_of_the_contract_is_accepted(api, city):
    assert new_project(api, city, contract_amount="10000000.00", quality_deposit="300000.00").status_code == 201


def test_a_deposit_above_3_percent_of_the_contract_is_refused_quoting_the_rule(api, city):
    response = new_project(api, city, contract_amount="10000000.00", quality_deposit="300000.01")
    assert response.status_code == 422
    [problem] = response.json["errors"]["quality_deposit"]
    assert "300000.00" in problem and "第七条" in problem and "3%" in problem


def test_half_the_contract_is_refused(api, city):
    response = new_project(api, city, contract_amount="24000000.00", quality_deposit="12000000.00")
    assert response.status_code == 422 and "quality_deposit" in response.json["errors"]


def test_the_settlement_once_recorded_is_the_caps_base(api, city):
    response = new_project(
        api, city, contract_amount="10000000.00", settlement_amount="8000000.00", quality_deposit="300000.00"
    )
    assert response.status_code == 422 and "240000.00" in response.json["errors"]["quality_deposit"][0]
    assert (
        new_project(
            api, city, contract_amount="10000000.00", settlement_amount="8000000.00", quality_deposit="240000.00"
        ).status_code
        == 201
    )


def test_a_contract_that_agrees_a_deposit_cannot_record_0(api, city):
    for terms in ("retention", "bank_guarantee"):
        response = new_project(api, city, contract_amount="10000000.00", quality_deposit="0", deposit_terms=terms)
        assert response.status_code == 422
        assert "施工合同中应约定工程质量保证金" in response.json["errors"]["quality_deposit"][0]


def test_quality_insurance_allows_no_deposit_beside_it(api, city):
    assert (
        new_project(
            api, city, contract_amount="10000000.00", quality_deposit="0", deposit_terms="insurance"
        ).status_code
        == 201
    )
    refused = new_project(
        api, city, contract_amount="10000000.00", quality_deposit="1000.00", deposit_terms="insurance"
    )
    assert refused.status_code == 422 and "第六条" in refused.json["errors"]["quality_deposit"][0]


def test_a_deposit_without_a_contract_amount_is_refused_naming_it(api, city):
    response = new_project(api, city, quality_deposit="1000.00")
    assert response.status_code == 422 and "contract_amount" in response.json["errors"]


@pytest.mark.parametrize("deposit", ["-1.00", "３０００００.０１"])
def test_a_negative_or_full_width_over_cap_deposit_is_refused(api, city, deposit):
    response = new_project(api, city, contract_amount="10000000.00", quality_deposit=deposit)
    assert response.status_code == 422 and "quality_deposit" in response.json["errors"]


def test_a_patch_cannot_raise_the_deposit_past_the_cap_or_below_what_was_released(api, city, project):
    officer = api.as_(city.users["street_officer"])
    base = f"/api/v1/projects/{project['id']}"
    assert officer.patch(base + "?lang=en", json={"quality_deposit": "1200000.01"}).status_code == 422
    assert (
        officer.post(base + "/deposit/release", json={"amount": "500000.00", "reason": "部分退还"}).status_code == 201
    )
    lowered = officer.patch(base + "?lang=en", json={"quality_deposit": "400000.00"})
    assert lowered.status_code == 422 and "500000.00" in lowered.json["errors"]["quality_deposit"][0]


# --- the project page ---------------------------------------------------------------------------


def test_the_project_page_shows_the_schedule_terms_and_payments_in_chinese(api, client, city, funded):
    pay(api, city.users["street_officer"], funded["id"], paid_on="2022-06-30", amount="1768000.00", source="central")
    body = page(login(client, city.users["regulator"]), f"/projects/{funded['id']}")
    for text in ("专项债", "原产权单位", "2022-10-31", "1,768,000.00", "44.20 %", "预留", "3.00 %"):
        assert text in body, text
    assert "special_bonds" not in body.replace('value="special_bonds"', "")


def test_a_payment_is_recorded_from_the_page_and_a_bad_one_keeps_what_was_typed(client, city, funded):
    login(client, city.users["street_officer"])
    url = f"/projects/{funded['id']}/disbursements?lang=en"
    bad = client.post(
        url,
        data={
            "payment-paid_on": "2022-06-30",
            "payment-amount": "4000000.01",
            "payment-source": "central",
            "payment-note": "第一笔进度款",
        },
    )
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "4000000.01" in text and "第一笔进度款" in text and "what is left" in text
    good = client.post(
        url, data={"payment-paid_on": "2022-06-30", "payment-amount": "1,768,000", "payment-source": "central"}
    )
    assert good.status_code == 302
    assert "1,768,000.00" in page(client, f"/projects/{funded['id']}?lang=en")


def test_only_the_offices_post_payments_from_the_page(client, city, funded):
    login(client, city.users["committee_member"])
    response = client.post(f"/projects/{funded['id']}/disbursements", data={})
    assert response.status_code == 403


def test_the_registration_form_refuses_a_deposit_over_the_cap_next_to_the_field(client, city):
    login(client, city.users["street_officer"])
    response = client.post(
        f"/compounds/{city.compound.id}/works/projects?lang=en",
        data={
            "project-name": "2023年改造",
            "project-year": "2023",
            "project-contractor_id": str(city.contractor.id),
            "project-acceptance_date": "2023-09-30",
            "project-contract_amount": "1000000",
            "project-deposit": "50000",
            "project-deposit_terms": "retention",
            "project-planned_start": "2023-03-01",
            "project-planned_completion": "2023-08-31",
        },
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "30000.00" in text and "第七条" in text and 'value="50000"' in text


def test_renaming_an_older_project_does_not_rejudge_its_deposit(api, city):
    from pm_app.warranties.models import RenovationProject

    older = RenovationProject(
        compound_id=city.compound.id,
        name="2019年改造",
        year=2019,
        contractor_id=city.contractor.id,
        acceptance_date=date(2019, 10, 31),
        deposit_fen=5_000_000,
    )  # no contract amount kept
    db.session.add(older)
    db.session.flush()
    officer = api.as_(city.users["street_officer"])
    assert officer.patch(f"/api/v1/projects/{older.id}", json={"name": "2019年东门新村改造"}).status_code == 200
    refused = officer.patch(f"/api/v1/projects/{older.id}?lang=en", json={"quality_deposit": "60000.00"})
    assert refused.status_code == 422 and "contract_amount" in refused.json["errors"]
