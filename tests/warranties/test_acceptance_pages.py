"""Handed-over documents (API) and the project page's acceptance and document sections: the
checklist names what is missing, a refused form keeps what was typed, another street sees nothing."""

from __future__ import annotations

from io import BytesIO

import pytest

from pm_app.auth.models import Role
from pm_app.extensions import db
from tests.factories import UserFactory
from tests.warranties.pages import build_project, login, page

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n"


def upload(api, user, project_id, kind, content=PDF, name="drawing.pdf"):
    return api.as_(user).post(
        f"/api/v1/projects/{project_id}/documents?lang=en",
        data={"kind": kind, "title": f"{kind} 图", "file": (BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_the_checklist_names_the_missing_pipe_drawing_until_it_is_handed_over(api, city, project):
    officer = city.users["street_officer"]
    assert upload(api, officer, project["id"], "site_plan").status_code == 201
    listed = api.as_(officer).get(f"/api/v1/projects/{project['id']}/documents").json
    assert [d["kind"] for d in listed["documents"]] == ["site_plan"]
    assert listed["missing"] == ["pipe_network", "as_built", "acceptance_report", "handover_list"]
    drawing = upload(api, officer, project["id"], "pipe_network").json
    assert "pipe_network" not in api.as_(officer).get(f"/api/v1/projects/{project['id']}/documents").json["missing"]
    file = api.as_(city.users["committee_member"]).get(f"/api/v1/projects/{project['id']}/documents/{drawing['id']}")
    assert file.status_code == 200 and file.data == PDF and "attachment" in file.headers["Content-Disposition"]


def test_a_document_is_checked_by_content_and_only_the_office_hands_it_over(api, city, project):
    officer = city.users["street_officer"]
    fake = upload(api, officer, project["id"], "as_built", content=b"<html><script>x</script>", name="a.pdf")
    assert fake.status_code == 422 and fake.json["errors"]["file"] == ["not a PDF, JPEG, PNG or DWG file"]
    assert upload(api, city.users["contractor_staff"], project["id"], "as_built").status_code == 403
    other = UserFactory(role=Role.street_officer, streets=[city.other_street])
    assert upload(api, other, project["id"], "as_built").status_code == 404
    assert api.as_(other).get(f"/api/v1/projects/{project['id']}/documents").status_code == 404


@pytest.fixture
def works(city):
    project = build_project(city.users["admin"], city.compound, city.contractor)
    db.session.flush()
    return project


def test_the_project_page_shows_the_stages_and_the_missing_documents_in_chinese(client, city, works):
    body = page(login(client, city.users["street_officer"]), f"/projects/{works.id}")
    assert "联合竣工验收" in body and "尚未通过验收" in body
    assert "缺少：总平面图、地下综合管线图、竣工图、竣工验收报告、移交清单。" in body
    assert "居民代表" in body and "移交资料" in body


def test_a_refused_acceptance_keeps_what_was_typed_and_says_why(client, city, works):
    login(client, city.users["street_officer"])
    response = client.post(
        f"/projects/{works.id}/acceptances",
        data={
            "acceptance-stage": "self",
            "acceptance-held_on": "2021-06-30",
            "acceptance-result": "failed",
            "acceptance-role_construction": "城建三公司 李工",
            "acceptance-findings-0-description": "3号楼雨水管未接驳",
            "acceptance-findings-0-rectify_by": "2021-07-30",
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "实行由居民代表、相关单位等共同参与的联合验收制度" in body and "请至少填写一名居民代表" in body
    assert 'value="城建三公司 李工"' in body and 'value="3号楼雨水管未接驳"' in body


def test_an_acceptance_is_recorded_from_the_page(client, city, works):
    login(client, city.users["street_officer"])
    response = client.post(
        f"/projects/{works.id}/acceptances",
        data={
            "acceptance-stage": "self",
            "acceptance-held_on": "2021-06-30",
            "acceptance-result": "failed",
            "acceptance-role_residents": "王秀兰，刘建国",
            "acceptance-role_construction": "城建三公司 李工",
            "acceptance-findings-0-description": "3号楼雨水管未接驳",
            "acceptance-findings-0-rectify_by": "2021-07-30",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    body = page(client, f"/projects/{works.id}")
    assert "居民代表：王秀兰、刘建国<br>" in body and "施工企业：城建三公司 李工<br>" in body
    assert body.index("居民代表：王秀兰") < body.index("施工企业：")  # residents first, whatever the codes' order
    assert "不合格，待整改" in body and "2021-07-30 前整改" in body


def test_the_forms_are_the_offices_and_another_street_gets_404(client, city, works):
    body = page(login(client, city.users["committee_member"]), f"/projects/{works.id}")
    assert "联合竣工验收" in body and 'name="acceptance-stage"' not in body
    assert client.post(f"/projects/{works.id}/acceptances", data={}).status_code == 403
    other = UserFactory(role=Role.street_officer, streets=[city.other_street])
    db.session.flush()
    stranger = login(client.application.test_client(), other)
    assert stranger.get(f"/projects/{works.id}").status_code == 404
    assert stranger.post(f"/projects/{works.id}/documents", data={}).status_code == 404


def test_the_compound_works_page_says_which_projects_lack_acceptance_or_documents(api, client, city, project):
    officer = city.users["street_officer"]
    body = page(login(client, officer), f"/compounds/{city.compound.id}/works")
    assert "未通过联合竣工验收 · 缺移交资料 5 项" in body
    for kind in ("site_plan", "pipe_network", "as_built", "acceptance_report", "handover_list"):
        assert upload(api, officer, project["id"], kind).status_code == 201
    residents = [{"role": "residents", "name": "王秀兰"}]
    for stage in ("self", "comprehensive"):
        assert (
            api.as_(officer)
            .post(
                f"/api/v1/projects/{project['id']}/acceptances",
                json={"stage": stage, "held_on": "2021-07-20", "result": "passed", "participants": residents},
            )
            .status_code
            == 201
        )
    body = page(client, f"/compounds/{city.compound.id}/works")
    assert "已于 2021-07-20 通过联合竣工验收</span>" in body and "缺移交资料" not in body


def test_after_the_self_acceptance_the_form_offers_the_comprehensive_one(api, client, city, project):
    officer = city.users["street_officer"]
    assert (
        api.as_(officer)
        .post(
            f"/api/v1/projects/{project['id']}/acceptances",
            json={
                "stage": "self",
                "held_on": "2021-07-20",
                "result": "passed",
                "participants": [{"role": "residents", "name": "王秀兰"}],
            },
        )
        .status_code
        == 201
    )
    body = page(login(client, officer), f"/projects/{project['id']}")
    assert '<option selected value="comprehensive">' in body
