"""Issue 27 on the ticket page: a refused step comes back on the page with what was typed and each
problem beside its field in Chinese; a step from a page gone stale (the ticket moved meanwhile)
says so with the states' names, never the service's codes, and shows the typed note back."""

from __future__ import annotations

import re

from pm_app.tickets.models import TicketStatus
from tests.tickets.pages import build, hours_ago, login


def _form(body: str, marker: str) -> str:
    start = body.index(marker)
    return body[start : body.index("</form>", start)]


def test_a_refused_cost_keeps_the_note_and_marks_the_cost_in_chinese(client, city):
    working = build(city, status="in_progress", responded_at=hours_ago(1))
    login(client, city.users["firm_staff"])
    refused = client.post(
        f"/tickets/{working.id}/transitions/resolved", data={"resolved-cost": "十块", "resolved-note": "换了阀门"}
    )
    form = _form(refused.get_data(as_text=True), 'data-step="resolved"')
    assert refused.status_code == 422 and working.status == TicketStatus.in_progress
    assert 'value="十块"' in form and "换了阀门</textarea>" in form
    assert re.search(
        r'<label class="invalid">维修费用[^<]*<input[^>]*name="resolved-cost"[^>]*>\s*<span class="error">', form
    )


def test_a_rejection_without_its_reason_is_marked_beside_the_note(client, city):
    ticket = build(city)
    login(client, city.users["street_officer"])
    refused = client.post(f"/tickets/{ticket.id}/transitions/rejected", data={"rejected-note": " "})
    form = _form(refused.get_data(as_text=True), 'data-step="rejected"')
    assert refused.status_code == 422 and '<label class="invalid">备注' in form and '<span class="error">' in form


def test_a_step_from_a_stale_page_says_why_in_words_and_keeps_the_note(client, city):
    ticket = build(city)  # new: the firm may accept it, not resolve it
    login(client, city.users["firm_staff"])
    refused = client.post(f"/tickets/{ticket.id}/transitions/resolved", data={"resolved-note": "已更换水管接头"})
    body = refused.get_data(as_text=True)
    stale = body[body.index('id="stale-step"') : body.index("</div>", body.index('id="stale-step"'))]
    assert refused.status_code == 409 and ticket.status == TicketStatus.new
    assert "这张工单现在是“新建”，已不能再“标记为已处理”" in stale
    assert "已更换水管接头" in stale and "未作任何记录" in stale
    for code in ("new", "resolved", "assigned", "rejected"):
        assert not re.search(rf"\b{code}\b", stale), code
    assert 'data-step="assigned"' in body  # the step still open is offered


def test_a_reroute_refused_keeps_the_reason_and_marks_the_party(client, city):
    ticket = build(city)
    login(client, city.users["street_officer"])
    refused = client.post(
        f"/tickets/{ticket.id}/route",
        data={"route-responsible_party": "contractor_warranty", "route-reason": "属保修范围"},
    )
    form = _form(refused.get_data(as_text=True), 'id="route"')
    assert refused.status_code == 422 and "属保修范围</textarea>" in form
    assert '<option selected value="contractor_warranty">' in form or 'value="contractor_warranty" selected' in form
    assert '<label class="invalid">责任方' in form
