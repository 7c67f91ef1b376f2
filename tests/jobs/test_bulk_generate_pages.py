"""The page a firm bills all its compounds from, in Chinese: choose, confirm (how many
compounds, which month), then the job's page with its progress bar and, at the end, the summary."""

from __future__ import annotations

import re

from pm_app.extensions import db
from pm_app.jobs.models import Job
from tests.org.test_pages import login, page


def test_choose_confirm_then_follow_the_job_to_its_summary_in_chinese(client, city, firm4):
    login(client, city.users["firm_staff"])
    chooser = page(client, "/fees/generate")
    assert "为我的全部小区生成账单" in chooser and "甲物业" in chooser

    confirm = page(client, f"/fees/generate?scope=firm:{city.firm.id}&period={firm4.period}")
    assert f"将为甲物业的 4 个小区生成 {firm4.period} 的账单" in confirm
    assert all(code in confirm for code in ("GL-0001", "GL-0002", "GL-0003", "GL-0004"))
    assert db.session.query(Job).count() == 0  # nothing runs before the confirmation

    started = client.post(
        "/fees/generate", data={"scope": f"firm:{city.firm.id}", "period": firm4.period, "count": "4", "confirm": "1"}
    )
    assert started.status_code == 302
    job_id = int(re.search(r"/jobs/(\d+)$", started.headers["Location"]).group(1))
    body = page(client, f"/jobs/{job_id}")
    assert "已完成" in body and "4 / 4" in body
    assert "小区：4 · 已生成：1 · 跳过：3" in body
    assert "该月由另一方的合同收费（乙物业）" in body and "贵公司在此的合同已结束" in body
    assert "该月没有生效的物业服务合同" in body
    assert "job.js" not in body  # ended: nothing to poll


def test_while_it_waits_the_page_polls_and_survives_a_reload(client, city, firm4, rq):
    login(client, city.users["firm_staff"])
    started = client.post(
        "/fees/generate", data={"scope": f"firm:{city.firm.id}", "period": firm4.period, "count": "4", "confirm": "1"}
    )
    url = started.headers["Location"]
    for _reload in range(2):
        body = page(client, url)
        assert "等待开始" in body and "job.js" in body and 'max="4" value="0"' in body
    progress = client.get(f"{url}/progress")
    assert progress.json == {"id": int(url.rsplit("/", 1)[1]), "state": "queued", "progress": {"done": 0, "total": 4}}
    rq.work()
    assert client.get(f"{url}/progress").json["state"] == "finished"
    assert "已完成" in page(client, url)


def test_a_second_run_while_one_waits_says_so_and_links_to_it(client, city, firm4, rq):
    login(client, city.users["firm_staff"])
    data = {"scope": f"firm:{city.firm.id}", "period": firm4.period, "count": "4", "confirm": "1"}
    first = client.post("/fees/generate", data=data).headers["Location"]
    again = client.post("/fees/generate", data=data)
    assert again.status_code == 409
    text = again.get_data(as_text=True)
    assert "正在生成" in text and first.rsplit("/", 1)[1] in text and f'href="{first}"' in text


def test_a_changed_list_is_shown_again_instead_of_billed(client, city, firm4):
    login(client, city.users["firm_staff"])
    stale = client.post(
        "/fees/generate", data={"scope": f"firm:{city.firm.id}", "period": firm4.period, "count": "3", "confirm": "1"}
    )
    assert stale.status_code == 200 and "小区有变化" in stale.get_data(as_text=True)
    assert db.session.query(Job).count() == 0


def test_another_firms_job_page_is_404(app, client, city, firm4):
    from pm_app.auth.models import Role
    from tests.factories import UserFactory

    login(client, city.users["firm_staff"])
    url = client.post(
        "/fees/generate", data={"scope": f"firm:{city.firm.id}", "period": firm4.period, "count": "4", "confirm": "1"}
    ).headers["Location"]
    other = login(app.test_client(), UserFactory(role=Role.firm_staff, firm=city.other_firm))
    assert other.get(url).status_code == 404 and other.get(f"{url}/progress").status_code == 404


def test_the_fee_pages_lead_to_it(client, city):
    login(client, city.users["firm_staff"])
    assert 'href="/fees/generate"' in page(client, "/fees")
    assert 'href="/fees/generate"' in page(client, f"/compounds/{city.compound.id}/fees")


def test_a_committee_member_is_not_offered_it(client, city):
    login(client, city.users["committee_member"])
    assert client.get("/fees/generate").status_code == 403


def test_without_the_ticked_confirmation_nothing_is_generated_and_the_page_says_why(client, city, firm4):
    login(client, city.users["firm_staff"])
    refused = client.post(
        "/fees/generate", data={"scope": f"firm:{city.firm.id}", "period": firm4.period, "count": "4"}
    )
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "请先勾选确认" in body and "不能撤回" in body
    assert f"将为甲物业的 4 个小区生成 {firm4.period} 的账单" in body  # the same list, to tick and send again
    assert db.session.query(Job).count() == 0
