"""Where alerts go, set up on a page (issue 27: e-mail, WeCom and DingTalk endpoints existed only in
the administrator's API): each organisation's own people list, add, pause, remove and test them;
what the server will post to is narrower than the API's (https, public host, the robot's host)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pm_app.alerts.models import Delivery, NotificationEndpoint
from pm_app.alerts.rules import Finding
from pm_app.alerts.services import open_alert, save_endpoint
from pm_app.extensions import db
from tests.committees.conftest import login

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx"


def _endpoints():
    return list(db.session.scalars(select(NotificationEndpoint).order_by(NotificationEndpoint.id)))


def _saved(city, street=None, target="https://hooks.example.com/x", fmt="json", channel="webhook"):
    return save_endpoint(
        {
            "audience": "street",
            "org_id": (street or city.street).id,
            "channel": channel,
            "target": target,
            "format": fmt,
            "active": True,
        }
    )


def test_the_street_office_adds_a_wecom_robot_for_its_street(client, city):
    login(client, city.users["street_officer"])
    assert 'id="endpoints-link"' in client.get("/alerts").get_data(as_text=True)
    body = client.get("/alerts/endpoints").get_data(as_text=True)
    assert "预警接收设置" in body and "东街街道办事处" in body and "企业微信群机器人" in body and "钉钉群机器人" in body
    assert "南街街道" not in body and "尚未设置" in body
    response = client.post(
        "/alerts/endpoints", data={"organisation": f"street:{city.street.id}", "kind": "wecom", "target": f"  {WECOM} "}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:600]
    [endpoint] = _endpoints()
    assert (
        endpoint.audience,
        endpoint.org_id,
        endpoint.channel,
        endpoint.format,
        endpoint.target,
        endpoint.active,
    ) == ("street", city.street.id, "webhook", "wecom", WECOM, True)
    listed = client.get("/alerts/endpoints").get_data(as_text=True)
    assert WECOM in listed and "已启用" in listed and "发送测试消息" in listed


def test_an_email_list_is_kept_in_one_spelling(client, city):
    login(client, city.users["street_officer"])
    client.post(
        "/alerts/endpoints",
        data={
            "organisation": f"street:{city.street.id}",
            "kind": "email",
            "target": "wang@example.com，li@example.cn; ",
        },
    )
    [endpoint] = _endpoints()
    assert (endpoint.channel, endpoint.target) == ("email", "wang@example.com, li@example.cn")


@pytest.mark.parametrize(
    "kind,target,said",
    [
        ("wecom", "https://example.com/cgi-bin/webhook/send?key=1", "https://qyapi.weixin.qq.com/ 开头"),
        ("dingtalk", "https://qyapi.weixin.qq.com/robot/send", "https://oapi.dingtalk.com/ 开头"),
        ("json", "http://hooks.example.com/x", "请填写以 https:// 开头的完整机器人地址"),
        ("json", "https://10.0.0.8/hook", "不能是内网地址或 IP 地址"),
        ("json", "https://[::1]/hook", "不能是内网地址或 IP 地址"),
        ("json", "https://metadata.internal/hook", "不能是内网地址或 IP 地址"),
        ("json", "https://localhost/hook", "不能是内网地址或 IP 地址"),
        ("email", "wang at example.com", "不是有效的电子邮件地址"),
    ],
)
def test_a_refused_address_is_named_beside_its_field_and_kept(client, city, kind, target, said):
    login(client, city.users["street_officer"])
    response = client.post(
        "/alerts/endpoints", data={"organisation": f"street:{city.street.id}", "kind": kind, "target": target}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and said in body
    assert f'value="{target}"'.replace("&", "&amp;") in body and f'selected value="{kind}"' in body
    assert _endpoints() == []


def test_another_organisation_cannot_be_chosen(client, city):
    login(client, city.users["street_officer"])
    response = client.post(
        "/alerts/endpoints", data={"organisation": f"street:{city.other_street.id}", "kind": "wecom", "target": WECOM}
    )
    assert response.status_code == 422 and _endpoints() == []


@pytest.mark.parametrize(
    "role,organisation",
    [
        ("firm_staff", "甲物业"),
        ("committee_member", "东门新村业委会"),
        ("contractor_staff", "丙建设"),
        ("regulator", "市住建局"),
    ],
)
def test_each_role_sets_up_its_own_organisation(client, city, role, organisation):
    _saved(city)  # the street office's: not theirs to see
    login(client, city.users[role])
    body = client.get("/alerts/endpoints").get_data(as_text=True)
    assert organisation in body and "hooks.example.com" not in body
    assert client.post(f"/alerts/endpoints/{_endpoints()[0].id}/delete").status_code == 404


def test_the_administrator_sees_every_organisations_endpoints(client, city):
    _saved(city, city.other_street)
    login(client, city.users["admin"])
    body = client.get("/alerts/endpoints").get_data(as_text=True)
    assert "hooks.example.com" in body and "南街街道办事处" in body


def test_pause_turn_on_and_remove(client, city):
    endpoint, foreign = _saved(city), _saved(city, city.other_street)
    alert = open_alert(
        "walk",
        "walk:endpoints",
        Finding(
            "compound", city.compound.id, "提醒", compound_id=city.compound.id, audiences=(("street", city.street.id),)
        ),
    )
    db.session.info.pop("outbox_dirty", None)  # no relay after the page's commit: the delivery stays waiting
    [waiting] = db.session.scalars(select(Delivery).where(Delivery.alert_id == alert.id, Delivery.channel == "webhook"))
    login(client, city.users["street_officer"])
    assert client.post(f"/alerts/endpoints/{endpoint.id}/disable").status_code == 302
    assert endpoint.active is False and "已暂停" in client.get("/alerts/endpoints").get_data(as_text=True)
    client.post(f"/alerts/endpoints/{endpoint.id}/enable")
    assert endpoint.active is True
    assert client.post(f"/alerts/endpoints/{foreign.id}/disable").status_code == 404 and foreign.active
    assert client.post(f"/alerts/endpoints/{endpoint.id}/delete").status_code == 302
    assert [e.id for e in _endpoints()] == [foreign.id]
    db.session.refresh(waiting)
    assert (waiting.state, waiting.endpoint_id, waiting.attempts) == ("failed", None, 0)  # never sent there


def test_a_test_message_reaches_the_robot_or_says_why_not(client, city, webhook_server):
    endpoint = _saved(city, target=webhook_server.url, fmt="wecom")  # the administrator's API allows loopback
    login(client, city.users["street_officer"])
    client.post(f"/alerts/endpoints/{endpoint.id}/test")
    [received] = webhook_server.received
    assert received["body"]["msgtype"] == "text" and "测试消息" in received["body"]["text"]["content"]
    assert "测试消息已发送到" in client.get("/alerts/endpoints").get_data(as_text=True)
    webhook_server.reply = b'{"errcode": 93000, "errmsg": "invalid webhook url"}'
    client.post(f"/alerts/endpoints/{endpoint.id}/test")
    assert "测试消息发送失败" in client.get("/alerts/endpoints").get_data(as_text=True)
    assert db.session.scalars(select(Delivery)).all() == []  # a test is not an alert's delivery
