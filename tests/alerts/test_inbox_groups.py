"""The inbox groups alerts by rule and compound, each group's count equal to the alerts it
expands to, and shows rules and stages by their Chinese labels, never their codes."""

from __future__ import annotations

from flask_babel import force_locale

from pm_app.alerts import labels
from pm_app.alerts.rules import RULES
from tests.alerts.inbox_helpers import visible_text, warranty_alerts
from tests.factories import CompoundFactory


def _login(client, user):
    client.post("/login", data={"username": user.username, "password": "password123"})


def _sections(html: str) -> list[str]:
    return html.split('<section class="alert-group')[1:]


def test_each_group_counts_the_alerts_it_expands_to(client, city):
    second = CompoundFactory(name="五四新村", street=city.street)
    warranty_alerts(city.compound, city.street, 3)
    warranty_alerts(second, city.street, 5, first_id=100)
    _login(client, city.users["street_officer"])
    html = client.get("/alerts").get_data(as_text=True)
    sections = _sections(html)
    assert len(sections) == 2
    lines = {}
    for section in sections:
        rows = section.count('name="alert"')
        lines[rows] = section
    assert set(lines) == {3, 5}
    assert "五四新村：5 条「保修期即将届满」" in visible_text(lines[5])
    assert "东门新村：3 条「保修期即将届满」" in visible_text(lines[3])
    # Filtering by compound leaves its group only.
    one = client.get(f"/alerts?compound_id={second.id}").get_data(as_text=True)
    assert len(_sections(one)) == 1 and _sections(one)[0].count('name="alert"') == 5


def test_the_page_shows_labels_not_codes(client, city):
    warranty_alerts(city.compound, city.street, 2)
    _login(client, city.users["street_officer"])
    text = visible_text(client.get("/alerts").get_data(as_text=True))
    assert "到期前 90 天" in text and "保修期即将届满" in text
    for code in list(RULES) + ["T-90", "T-30", "warning", "critical"]:
        assert code not in text, code


def test_every_rule_has_a_chinese_label(app):
    with force_locale("zh"):
        for rule in RULES:
            assert rule in labels.RULE_LABELS, rule
            label = labels.rule_label(rule)
            assert label and not label.isascii(), (rule, label)
        assert labels.stage_label("T-180") == "到期前 180 天"
        assert labels.stage_label("overdue") == "已过计划日期"
        assert labels.stage_label("2026-05") == "2026-05"  # a period is shown as it is


def test_the_regulator_filters_by_street(client, city):
    warranty_alerts(city.compound, city.street, 2)
    warranty_alerts(city.other, city.other_street, 4, first_id=50)
    _login(client, city.users["regulator"])
    everything = client.get("/alerts").get_data(as_text=True)
    assert len(_sections(everything)) == 2 and "南街街道" in everything
    one = client.get(f"/alerts?street_id={city.other_street.id}").get_data(as_text=True)
    assert [s.count('name="alert"') for s in _sections(one)] == [4]
    assert client.get("/alerts?street_id=x").status_code == 400


def test_a_warranty_group_names_its_project(client, api, city):
    from datetime import date

    from tests.alerts.helpers import sweep
    from tests.warranties.conftest import project as _project  # noqa: F401
    from tests.warranties.test_rules import item_ending

    response = api.as_(city.users["street_officer"]).post(
        "/api/v1/projects",
        json={
            "compound_id": city.compound.id,
            "name": "2021年东门新村改造工程",
            "year": 2021,
            "renovation_type": "basic",
            "contractor_id": city.contractor.id,
            "acceptance_date": "2021-06-30",
        },
    )
    assert response.status_code == 201, response.json
    for _ in range(3):
        item_ending(response.json["id"], city.compound.id, date(2026, 8, 1))
    sweep("warranty_expiring", date(2026, 6, 1))
    _login(client, city.users["street_officer"])
    text = " ".join(visible_text(client.get("/alerts").get_data(as_text=True)).split())
    assert "东门新村：3 条「保修期即将届满」 （项目：2021年东门新村改造工程）" in text


def test_the_acknowledged_list_offers_nothing_to_tick(client, city):
    ids = warranty_alerts(city.compound, city.street, 2)
    _login(client, city.users["street_officer"])
    client.post("/alerts/ack", data={"alert": [str(i) for i in ids]})
    html = client.get("/alerts?state=acknowledged").get_data(as_text=True)
    assert [s.count("<tr class=") for s in _sections(html)] == [2]
    assert 'id="bulk-ack"' not in html and 'type="checkbox"' not in html
