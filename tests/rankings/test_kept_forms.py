"""Issue 27: a refused award or deduction comes back on the period's page with what was typed and
each problem beside its field, in Chinese ("ticket_id: Not a valid integer." on a bare page lost it)."""

from __future__ import annotations

from sqlalchemy import func, select

from pm_app.extensions import db
from pm_app.rankings.models import Adjustment, Appeal, AppealState
from tests.rankings.conftest import login
from tests.rankings.test_flow import deduct, start


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Adjustment))


def test_a_ticket_id_that_is_not_a_number_keeps_the_form_and_says_so_in_chinese(client, api, quarter):
    period_id = start(api, quarter)
    login(client, quarter.city.users["regulator"])
    refused = client.post(
        f"/rankings/periods/{period_id}/adjustments",
        data={
            "firm_id": quarter.city.firm.id,
            "kind": "award",
            "points": "3",
            "reason": "消防通道堵塞",
            "evidence": "通报3号",
            "ticket_id": "十二",
        },
    )
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "未记录：请查看标出的字段。" in body
    assert 'name="ticket_id" value="十二"' in body and "不是有效的整数。</span>" in body
    assert 'name="reason" value="消防通道堵塞"' in body and 'name="evidence" value="通报3号"' in body
    assert '<option value="award" selected>' in body and "Not a valid integer" not in body
    assert _count() == 0


def test_a_services_refusal_keeps_the_form_and_names_the_field(client, api, quarter):
    period_id = start(api, quarter)
    login(client, quarter.city.users["regulator"])
    refused = client.post(
        f"/rankings/periods/{period_id}/adjustments",
        data={
            "firm_id": quarter.city.firm.id,
            "points": "2",
            "reason": "迟报",
            "occurred_on": "2026-05-10",
            "rectify_by": "2026-05-01",
        },
    )
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "整改期限" in body
    assert 'name="rectify_by" value="2026-05-01"' in body and 'name="reason" value="迟报"' in body
    assert _count() == 0


def test_marshmallow_refusals_on_any_error_page_are_in_chinese(client, api, quarter):
    login(client, quarter.city.users["regulator"])
    refused = client.post("/rankings/periods", data={})
    assert refused.status_code == 422 and "必填字段缺少数据。" in refused.get_data(as_text=True)


def _appealed(api, client, quarter) -> tuple[int, int, int]:
    """A period in review with one deduction of the firm and, when asked, its appeal."""
    period_id = start(api, quarter)
    deduction = deduct(api, quarter, period_id, quarter.city.firm, "3")
    regulator = api.as_(quarter.city.users["regulator"])
    assert regulator.post(f"/api/v1/rankings/periods/{period_id}/review").status_code == 200
    return period_id, deduction["id"], regulator


def test_a_short_appeal_keeps_its_grounds_and_says_why_in_chinese(client, api, quarter):
    period_id, deduction_id, _ = _appealed(api, client, quarter)
    login(client, quarter.city.users["firm_staff"])
    refused = client.post(f"/rankings/deductions/{deduction_id}/appeal", data={"grounds": "错"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and f'id="appeal-{deduction_id}"' in body
    assert 'name="grounds" required value="错"' in body and "须为 2 到 4000 个字符。</span>" in body
    assert db.session.scalar(select(func.count()).select_from(Appeal)) == 0


def test_a_rejection_without_its_reason_is_marked_beside_the_reason_box(client, api, quarter):
    period_id, deduction_id, regulator = _appealed(api, client, quarter)
    login(client, quarter.city.users["firm_staff"])
    assert client.post(f"/rankings/deductions/{deduction_id}/appeal", data={"grounds": "当日已清理"}).status_code == 303
    appeal = db.session.scalar(select(Appeal))
    client.post("/logout")
    login(client, quarter.city.users["regulator"])
    refused = client.post(f"/rankings/appeals/{appeal.id}/decision", data={"accept": "false"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "驳回须说明理由。" in body and f'id="decide-{appeal.id}"' in body
    typed = client.post(f"/rankings/appeals/{appeal.id}/decision", data={"accept": "也许", "reason": "证据不足"})
    body = typed.get_data(as_text=True)
    assert typed.status_code == 422 and 'name="reason" value="证据不足"' in body and "不是有效的是/否值。" in body
    assert 'name="reason" value="证据不足" required' not in body  # not in the award/deduction form below
    assert db.session.get(Appeal, appeal.id).state == AppealState.pending
