"""Seed 002's vicious circle, end to end (issue 26): "物业费收缴不到位，直接导致物业管理难以维持，
最终降低服务标准或直接撤离弃管，形成恶性循环". Collection falls and the drop alert fires; the firm's
contract ends and it leaves; 30 days on the walk-out is flagged to the street office and the
regulator; the street office takes the compound over (托管), bills a month and takes a payment, and
the walk-out alert clears."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from pm_app.alerts.models import Alert
from pm_app.extensions import db
from tests.alerts.helpers import sweep
from tests.fees.test_rules import history, households
from tests.org.conftest import city  # noqa: F401  (the two-street city)
from tests.org.test_pages import login, page

LEFT_ON = date(2026, 9, 30)  # 甲物业's last day


def rules_heard(api, user, rule: str) -> list[dict]:
    response = api.as_(user).get(f"/api/v1/alerts?rule={rule}")
    assert response.status_code == 200, response.json
    return response.json


def test_collection_falls_the_firm_leaves_the_street_takes_over_and_the_walk_out_clears(api, app, city):
    officer, regulator = city.users["street_officer"], city.users["regulator"]
    compound = city.compound

    # 1. Collection falls: 90 %, 90 %, 90 %, then 60 % in August; the September sweep flags the drop.
    city.contract.end_date = LEFT_ON
    homes = households(compound)
    history(city.contract, homes, ("0.90", "0.90", "0.90", "0.60"), ("2026-05", "2026-06", "2026-07", "2026-08"))
    assert sweep("fee_collection_drop", date(2026, 9, 10)).opened == 1
    [drop] = rules_heard(api, officer, "fee_collection_drop")
    assert (drop["compound_id"], drop["stage"]) == (compound.id, "2026-08")

    # 2. The firm leaves when its contract ends; for 30 days that is a gap, not yet a walk-out.
    assert sweep("firm_withdrawn", date(2026, 10, 30)).opened == 0
    assert rules_heard(api, officer, "firm_withdrawn") == []

    # 3. On the 31st day the street office and the regulator hear of it, with the firm and the day.
    assert sweep("firm_withdrawn", date(2026, 10, 31)).opened == 1
    [walkout] = rules_heard(api, officer, "firm_withdrawn")
    assert [a["id"] for a in rules_heard(api, regulator, "firm_withdrawn")] == [walkout["id"]]
    alert = db.session.get(Alert, walkout["id"])
    assert alert.title == "东门新村: 甲物业 于 2026-09-30 合同到期后无管理单位，已 31 天"
    assert rules_heard(api, city.users["firm_staff"], "firm_withdrawn") == []

    # 4. The street office takes the compound over (托管) from 1 November and says so in its mode.
    took = api.as_(officer).post(
        "/api/v1/contracts",
        json={
            "compound_id": compound.id,
            "street_id": city.street.id,
            "start": "2026-11-01",
            "end": "2027-10-31",
            "fee_rate": "0.40",
        },
    )
    assert took.status_code == 201, took.json
    moved = api.as_(officer).patch(f"/api/v1/compounds/{compound.id}", json={"management_mode": "street_entrusted"})
    assert moved.status_code == 200, moved.json

    # 5. It bills November under its own arrangement and takes a payment at the counter.
    billed = api.as_(officer).post("/api/v1/bills/generate", json={"compound_id": compound.id, "period": "2026-11"})
    assert billed.status_code == 200, billed.json
    assert billed.json["created"] == len(homes) + 1  # and the fixture's own household
    bills = api.as_(officer).get(f"/api/v1/bills?compound_id={compound.id}&period=2026-11").json
    assert len(bills) == len(homes) + 1 and all(b["amount_due"] != "0.00" for b in bills)
    due = next(b["amount_due"] for b in bills if b["household_id"] == homes[0].id)
    paid = api.as_(officer).post(
        f"/api/v1/households/{homes[0].id}/payments",
        json={"amount": due, "method": "cash"},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert paid.status_code == 201, paid.json
    assert paid.json["receipt"]["total"] == due

    # 6. The next sweep finds a managing body in force: the walk-out clears by itself.
    assert sweep("firm_withdrawn", date(2026, 11, 1)).resolved == 1
    db.session.refresh(alert)
    assert (alert.state, alert.resolution) == ("resolved", "cleared")
    assert db.session.scalar(select(Alert.id).where(Alert.rule == "firm_withdrawn", Alert.state != "resolved")) is None

    # 7. The compound page shows the street office managing it, with nothing amiss.
    body = page(login(app.test_client(), officer), f"/compounds/{compound.id}")
    assert "东街街道(街道社区托管)" in body
    assert 'id="walkout"' not in body and 'id="mode-mismatch"' not in body and 'id="arrangement-undecided"' not in body
