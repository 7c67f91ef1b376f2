"""Issue 27 on the joint-inspection form: a refusal comes back on the works page with what was
typed and each problem beside its field in Chinese, a finding row's problem beside that row
(a row with an item and no words was dropped silently before); nothing is recorded."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.warranties.models import Inspection, RenovationProject
from tests.warranties.pages import build_item, login


@pytest.fixture
def road(city, project):
    return build_item(city.users["street_officer"], db.session.get(RenovationProject, project["id"]))


def _form(body: str) -> str:
    start = body.index('action="/compounds/')
    start = body.index("/works/inspections", start)
    return body[start : body.index("</form>", start)]


def test_a_finding_with_an_item_but_no_words_is_marked_on_its_row_and_the_rest_kept(client, city, road):
    login(client, city.users["street_officer"])
    refused = client.post(
        f"/compounds/{city.compound.id}/works/inspections",
        data={
            "inspection-inspected_on": "2026-03-01",
            "inspection-participants": "街道办、物业、施工单位",
            "inspection-score": "85",
            "inspection-summary": "预到期联合检查",
            "inspection-findings-0-text": "",
            "inspection-findings-0-item_id": str(road.id),
        },
    )
    form = _form(refused.get_data(as_text=True))
    assert refused.status_code == 422
    assert "街道办、物业、施工单位</textarea>" in form and "预到期联合检查</textarea>" in form
    assert 'value="2026-03-01"' in form and 'value="85"' in form
    assert re.search(rf'<option selected value="{road.id}">|<option value="{road.id}" selected>', form)
    row = form[
        form.index('name="inspection-findings-0-text"') - 200 : form.index('name="inspection-findings-0-item_id"')
    ]
    assert 'class="invalid"' in row and "请写明在该项目上发现的问题。" in row
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 0


def test_a_score_past_100_is_marked_beside_the_score_in_chinese(client, city, road):
    login(client, city.users["street_officer"])
    refused = client.post(
        f"/compounds/{city.compound.id}/works/inspections",
        data={
            "inspection-inspected_on": "2026-03-01",
            "inspection-participants": "街道办",
            "inspection-score": "120",
            "inspection-findings-0-text": "路面沉降",
            "inspection-findings-0-item_id": str(road.id),
        },
    )
    form = _form(refused.get_data(as_text=True))
    assert refused.status_code == 422 and 'value="路面沉降"' in form
    assert re.search(
        r'<label class="invalid">评分[^<]*<input[^>]*value="120"[^>]*>\s*<span class="error">[^<]*[\u4e00-\u9fff]', form
    )


def test_a_services_problem_with_a_finding_lands_on_that_rows_field(app, city, road):
    """The service names a row's item "findings.1.warranty_item_id"; the form's row 1 item select shows it."""
    from pm_app.common.forms import report
    from pm_app.warranties.forms import InspectionForm

    with app.test_request_context():
        form = InspectionForm(formdata=None, prefix="inspection")
        report(
            form,
            DomainError(
                "不是本小区的质保项目",
                {
                    "findings.1.warranty_item_id": ["不是本小区的质保项目"],
                    "project_id": ["不是本小区的项目"],
                    "elsewhere": ["其他"],
                },
            ),
        )
        assert form.findings[1].form.item_id.errors == ["不是本小区的质保项目"]
        assert form.project_id.errors == ["不是本小区的项目"]
        assert form.form_errors == ["不是本小区的质保项目", "其他"]
