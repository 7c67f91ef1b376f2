"""Management before renovation (issue 26; seed 004 §九(五) "未能确定改造后管理模式的小区，暂缓改造",
§六(一) "确定改造后的管理模式及具体单位"): a project for a compound with no arrangement decided is
refused, quoting the rule, unless the regulator overrides with a reason that is kept, shown and
audited; the works page flags such compounds and the API marks each project."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from pm_app.audit.models import AuditEvent
from pm_app.common.clock import today
from pm_app.extensions import db
from pm_app.org.models import ManagementMode, ServiceContract
from pm_app.warranties.models import RenovationProject
from tests.factories import CompoundFactory, ContractFactory
from tests.warranties.pages import login, page

RULE = "未能确定改造后管理模式的小区，暂缓改造"


def body(compound_id, contractor_id, **extra) -> dict:
    return {
        "compound_id": compound_id,
        "name": "2026年改造工程",
        "year": 2026,
        "contractor_id": contractor_id,
        "acceptance_date": "2026-11-30",
        **extra,
    }


@pytest.fixture
def unmanaged(city):
    return CompoundFactory(code="GL-0100", name="北门小区", street=city.street, management_mode=ManagementMode.none)


def test_a_compound_with_mode_none_is_refused_with_the_rule_quoted(api, city, unmanaged):
    response = api.as_(city.users["street_officer"]).post(
        "/api/v1/projects", json=body(unmanaged.id, city.contractor.id)
    )
    assert response.status_code == 422
    assert RULE in response.json["message"] and "吉市政办发〔2020〕5号 §九(五)" in response.json["message"]
    assert "北门小区" in response.json["message"] and "compound_id" in response.json["errors"]
    assert db.session.scalar(select(RenovationProject.id)) is None


@pytest.mark.parametrize(
    "mode,party,allowed",
    [
        (ManagementMode.professional, None, False),  # a firm mode with no firm in force or to start
        (ManagementMode.professional, "firm", True),
        (ManagementMode.self_managed, "firm", False),  # the body is not one the mode admits
        (ManagementMode.street_entrusted, "street", True),
        (ManagementMode.quasi, "street", True),
        (ManagementMode.professional, "firm-ended", False),
        (ManagementMode.professional, "firm-to-start", True),
    ],
)
def test_the_mode_needs_a_body_it_admits_in_force_or_to_start(api, city, mode, party, allowed):
    compound = CompoundFactory(street=city.street, management_mode=mode)
    start, end = date(2024, 1, 1), date(2099, 1, 1)
    if party == "firm-ended":
        end = today() - timedelta(days=1)
    if party == "firm-to-start":
        start = today() + timedelta(days=30)
    if party and party.startswith("firm"):
        ContractFactory(compound=compound, start_date=start, end_date=end)
    elif party == "street":
        db.session.add(
            ServiceContract(
                compound_id=compound.id, street_id=city.street.id, start_date=start, end_date=end, fee_rate_fen=40
            )
        )
        db.session.flush()
    response = api.as_(city.users["street_officer"]).post(
        "/api/v1/projects", json=body(compound.id, city.contractor.id)
    )
    assert response.status_code == (201 if allowed else 422), response.json
    if allowed:
        assert response.json["arrangement_decided"] is True and response.json["arrangement_override_reason"] is None


def test_the_regulator_overrides_with_a_reason_that_is_kept_and_audited(api, city, unmanaged):
    reason = "市政府专题会议纪要〔2026〕12号：先行实施雨污分流，管理模式年底前确定"
    response = api.as_(city.users["regulator"]).post(
        "/api/v1/projects", json=body(unmanaged.id, city.contractor.id, arrangement_override_reason=f"  {reason} ")
    )
    assert response.status_code == 201, response.json
    assert (response.json["arrangement_override_reason"], response.json["arrangement_decided"]) == (reason, False)
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.kind == "renovation_project", AuditEvent.object_id == str(response.json["id"])
        )
    )
    assert event.action == "create" and event.after["arrangement_override_reason"] == reason
    assert event.actor_id == city.users["regulator"].id


def test_the_street_office_may_not_override(api, city, unmanaged):
    response = api.as_(city.users["street_officer"]).post(
        "/api/v1/projects?lang=en", json=body(unmanaged.id, city.contractor.id, arrangement_override_reason="急需")
    )
    assert response.status_code == 403 and "arrangement_override_reason" in response.json["errors"]


def test_a_blank_reason_is_no_override(api, city, unmanaged):
    response = api.as_(city.users["regulator"]).post(
        "/api/v1/projects", json=body(unmanaged.id, city.contractor.id, arrangement_override_reason="   ")
    )
    assert response.status_code == 422 and RULE in response.json["message"]


def test_the_projects_list_marks_the_projects_of_undecided_compounds(api, city, unmanaged, project):
    made = api.as_(city.users["regulator"]).post(
        "/api/v1/projects", json=body(unmanaged.id, city.contractor.id, arrangement_override_reason="先行实施")
    )
    listed = {p["id"]: p["arrangement_decided"] for p in api.as_(city.users["regulator"]).get("/api/v1/projects").json}
    assert listed == {project["id"]: True, made.json["id"]: False}
    assert (
        api.as_(city.users["regulator"]).get(f"/api/v1/projects/{made.json['id']}").json["arrangement_decided"] is False
    )


# --- the pages ----------------------------------------------------------------------------------


def form(city, **extra) -> dict:
    return {
        "project-name": "2026年北门小区改造工程",
        "project-year": "2026",
        "project-contractor_id": str(city.contractor.id),
        "project-acceptance_date": "2026-11-30",
        **extra,
    }


def test_the_page_refuses_quoting_the_rule_and_keeps_what_was_typed(client, city, unmanaged):
    login(client, city.users["street_officer"])
    before = page(client, f"/compounds/{unmanaged.id}/works")
    assert 'id="arrangement-undecided"' in before and 'id="projects-undecided"' in before and RULE in before
    assert "project-arrangement_override_reason" not in before  # the street office cannot override
    response = client.post(f"/compounds/{unmanaged.id}/works/projects", data=form(city))
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and RULE in text and "北门小区" in text
    assert 'value="2026年北门小区改造工程"' in text


def test_the_regulator_overrides_on_the_page_and_the_project_page_shows_why(client, city, unmanaged):
    login(client, city.users["regulator"])
    assert "project-arrangement_override_reason" in page(client, f"/compounds/{unmanaged.id}/works")
    response = client.post(
        f"/compounds/{unmanaged.id}/works/projects",
        data=form(city, **{"project-arrangement_override_reason": "先行实施雨污分流"}),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    shown = page(client, response.headers["Location"])
    assert 'id="arrangement-override"' in shown and "先行实施雨污分流" in shown and RULE in shown
    listed = page(client, f"/compounds/{unmanaged.id}/works")
    assert "住建局特批登记" in listed


def test_a_compound_with_its_arrangement_shows_no_flag(client, city):
    body_ = page(login(client, city.users["street_officer"]), f"/compounds/{city.compound.id}/works")
    assert 'id="arrangement-undecided"' not in body_ and 'id="projects-undecided"' not in body_
