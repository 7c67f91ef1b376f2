"""Issue 27: a refused award or deduction comes back on the period's page with what was typed and
each problem beside its field, in Chinese ("ticket_id: Not a valid integer." on a bare page lost it)."""
from __future__ import annotations

from sqlalchemy import func, select

from pm_app.extensions import db
from pm_app.rankings.models import Adjustment
from tests.rankings.conftest import login
from tests.rankings.test_flow import start


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Adjustment))


def test_a_ticket_id_that_is_not_a_number_keeps_the_form_and_says_so_in_chinese(client, api, quarter):
    period_id = start(api, quarter)
    login(client, quarter.city.users["regulator"])
    refused = client.post(f"/rankings/periods/{period_id}/adjustments", data={
        "firm_id": quarter.city.firm.id, "kind": "award", "points": "3", "reason": "消防通道堵塞",
        "evidence": "通报3号", "ticket_id": "十二"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "未记录：请查看标出的字段。" in body
    assert 'name="ticket_id" value="十二"' in body and "不是有效的整数。</span>" in body
    assert 'name="reason" value="消防通道堵塞"' in body and 'name="evidence" value="通报3号"' in body
    assert '<option value="award" selected>' in body and "Not a valid integer" not in body
    assert _count() == 0


def test_a_services_refusal_keeps_the_form_and_names_the_field(client, api, quarter):
    period_id = start(api, quarter)
    login(client, quarter.city.users["regulator"])
    refused = client.post(f"/rankings/periods/{period_id}/adjustments", data={
        "firm_id": quarter.city.firm.id, "points": "2", "reason": "迟报", "occurred_on": "2026-05-10",
        "rectify_by": "2026-05-01"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "整改期限" in body
    assert 'name="rectify_by" value="2026-05-01"' in body and 'name="reason" value="迟报"' in body
    assert _count() == 0


def test_marshmallow_refusals_on_any_error_page_are_in_chinese(client, api, quarter):
    login(client, quarter.city.users["regulator"])
    refused = client.post("/rankings/periods", data={})
    assert refused.status_code == 422 and "必填字段缺少数据。" in refused.get_data(as_text=True)
