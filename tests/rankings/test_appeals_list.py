"""Issue 27: pending appeals have a list (/rankings/appeals?state=pending) and a line on the homes
of those who act on them — the regulator, who decides, and the firm, which waits — that counts
the same rows the list shows; the firm reaches its own breakdown from its home, not only by
clicking its own name in a period's table."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from pm_app.extensions import db
from pm_app.rankings.models import Appeal, AppealState
from tests.rankings.conftest import login
from tests.rankings.test_flow import deduct, start

LINE = re.compile(r'<li data-worklist="appeals"><a href="([^"]+)">([^<]*)</a></li>')


def _appeal(api, client, quarter) -> tuple[int, Appeal]:
    period_id = start(api, quarter)
    deduction = deduct(api, quarter, period_id, quarter.city.firm, "3")
    assert (
        api.as_(quarter.city.users["regulator"]).post(f"/api/v1/rankings/periods/{period_id}/review").status_code == 200
    )
    login(client, quarter.city.users["firm_staff"])
    assert (
        client.post(
            f"/rankings/deductions/{deduction['id']}/appeal", data={"grounds": "当日已清理，有照片为证"}
        ).status_code
        == 303
    )
    return period_id, db.session.scalar(select(Appeal))


def _rows(body: str) -> list[str]:
    return re.findall(r'<tr data-appeal="(\d+)">', body)


def test_the_regulator_and_the_firm_each_have_a_line_that_leads_to_the_pending_appeals(client, api, quarter):
    period_id, appeal = _appeal(api, client, quarter)
    for role, words in (("firm_staff", "本公司 1 条申诉待监管部门裁决"), ("regulator", "1 条申诉待您裁决")):
        client.post("/logout")
        login(client, quarter.city.users[role])
        home = client.get("/").get_data(as_text=True)
        href, text = LINE.search(home).groups()
        assert text == words and html.unescape(href) == "/rankings/appeals?state=pending"
        listed = client.get(html.unescape(href))
        body = listed.get_data(as_text=True)
        assert listed.status_code == 200 and _rows(body) == [str(appeal.id)]
        assert "当日已清理，有照片为证" in body and "待裁决" in body
    # the regulator's row leads to where it is decided
    assert f"/rankings/periods/{period_id}#decide-{appeal.id}" in body


def test_a_decided_appeal_leaves_the_line_and_the_pending_list(client, api, quarter):
    _period_id, appeal = _appeal(api, client, quarter)
    client.post("/logout")
    login(client, quarter.city.users["regulator"])
    assert (
        client.post(
            f"/rankings/appeals/{appeal.id}/decision", data={"accept": "false", "reason": "照片日期晚于检查日"}
        ).status_code
        == 303
    )
    assert 'data-worklist="appeals"' not in client.get("/").get_data(as_text=True)
    assert _rows(client.get("/rankings/appeals?state=pending").get_data(as_text=True)) == []
    everything = client.get("/rankings/appeals?state=all").get_data(as_text=True)
    assert _rows(everything) == [str(appeal.id)] and "照片日期晚于检查日" in everything
    assert db.session.get(Appeal, appeal.id).state == AppealState.rejected


def test_the_appeals_list_refuses_an_unknown_state_and_is_not_for_contractors(client, api, quarter):
    login(client, quarter.city.users["regulator"])
    assert client.get("/rankings/appeals?state=maybe").status_code == 400
    client.post("/logout")
    login(client, quarter.city.users["contractor_staff"])
    assert client.get("/rankings/appeals").status_code == 404


def test_the_firm_home_links_its_breakdown_in_review(client, api, quarter):
    period_id, _appeal_row = _appeal(api, client, quarter)
    home = client.get("/").get_data(as_text=True)
    link = f'href="/rankings/periods/{period_id}/firms/{quarter.city.firm.id}"'
    section = home[home.index('id="breakdowns"') : home.index("</section>", home.index('id="breakdowns"'))]
    assert link in section and "得分明细" in section and "复核中" in section
    assert client.get(f"/rankings/periods/{period_id}/firms/{quarter.city.firm.id}").status_code == 200
