"""The committee rules: term ending at T−90 then expired until a successor is elected, a compound
without a committee a configurable time after acceptance, and a maintenance fund below 30 % of
its first deposit — each to the street office and the committee (and the serving firm for the fund)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from pm_app.alerts.models import AlertRecipient
from pm_app.alerts.rules import RULES
from pm_app.alerts.schedule import scheduled_rules
from pm_app.extensions import db
from tests.alerts.helpers import alerts, sweep
from tests.committees.conftest import add_households, entry_ok, register
from tests.committees.test_fund import record
from tests.helpers import count_statements

TERM_END = date(2029, 3, 1)  # elected 2024-03-01 for five years


def open_alerts(rule: str) -> set[tuple[int, str]]:
    return {(a.subject_id, a.stage) for a in alerts(rule) if a.state != "resolved"}


def test_the_rules_are_registered_and_scheduled():
    for rule in ("committee_term_ending", "committee_missing", "maintenance_fund_low"):
        assert rule in RULES and rule in scheduled_rules()


@pytest.mark.parametrize("days_left,stage", [(91, None), (90, "T-90"), (1, "T-90"), (0, "expired"), (-400, "expired")])
def test_term_ending_on_its_boundaries(api, city, days_left, stage):
    committee = register(api, city.users["street_officer"], city.compound.id, elected_on="2024-03-01").json
    sweep("committee_term_ending", TERM_END - timedelta(days=days_left))
    assert open_alerts("committee_term_ending") == ({(committee["id"], stage)} if stage else set())


def test_term_ending_moves_on_and_clears_when_a_successor_is_elected(api, city):
    officer = city.users["street_officer"]
    old = register(api, officer, city.compound.id, elected_on="2024-03-01").json
    sweep("committee_term_ending", TERM_END - timedelta(days=60))
    sweep("committee_term_ending", TERM_END + timedelta(days=10))
    register(api, officer, city.compound.id, elected_on="2029-04-01")
    sweep("committee_term_ending", date(2029, 4, 1))
    history = [(a.subject_id, a.stage, a.severity, a.state, a.resolution) for a in alerts("committee_term_ending")]
    assert history == [
        (old["id"], "T-90", "warning", "resolved", "superseded"),
        (old["id"], "expired", "critical", "resolved", "cleared"),
    ]
    recipients = set(
        db.session.execute(
            select(AlertRecipient.audience, AlertRecipient.org_id).where(
                AlertRecipient.alert_id == alerts("committee_term_ending")[0].id
            )
        )
    )
    assert recipients == {("street", city.street.id), ("committee", city.compound.id)}


def test_committee_missing_after_the_configured_days(app, api, city):
    accepted = city.compound.acceptance_date  # 2023-06-30, the other compound too
    sweep("committee_missing", accepted + timedelta(days=365))
    assert open_alerts("committee_missing") == set()
    sweep("committee_missing", accepted + timedelta(days=366))
    assert open_alerts("committee_missing") == {(city.compound.id, ""), (city.other.id, "")}
    register(api, city.users["street_officer"], city.compound.id, elected_on="2024-06-15")
    sweep("committee_missing", accepted + timedelta(days=367))
    assert open_alerts("committee_missing") == {(city.other.id, "")}
    app.config["COMMITTEE_MISSING_DAYS"] = 2000
    try:
        sweep("committee_missing", accepted + timedelta(days=400))
    finally:
        app.config["COMMITTEE_MISSING_DAYS"] = 365
    assert open_alerts("committee_missing") == set()


def test_maintenance_fund_low_below_30_percent_of_the_first_deposit(api, city):
    firm = city.users["firm_staff"]
    add_households(city.compound.id, 29)
    entry_ok(
        api,
        firm,
        city.compound.id,
        account="maintenance_fund",
        amount="1000.00",
        date="2026-01-05",
        description="首次缴存",
    )
    vote = record(api, city.users["committee_member"], city.compound.id, amount="1000.00").json
    entry_ok(
        api,
        firm,
        city.compound.id,
        account="maintenance_fund",
        direction="out",
        amount="700.00",
        date="2026-02-01",
        description="屋面维修",
        fund_vote_id=vote["id"],
    )
    sweep("maintenance_fund_low", date(2026, 2, 1))
    assert open_alerts("maintenance_fund_low") == set()  # exactly 30 % is not below
    draw = entry_ok(
        api,
        firm,
        city.compound.id,
        account="maintenance_fund",
        direction="out",
        amount="0.01",
        date="2026-02-02",
        description="零星维修",
        fund_vote_id=vote["id"],
    )
    sweep("maintenance_fund_low", date(2026, 2, 1))
    assert open_alerts("maintenance_fund_low") == set()  # the draw is dated after the sweep day
    sweep("maintenance_fund_low", date(2026, 2, 2))
    assert open_alerts("maintenance_fund_low") == {(city.compound.id, "")}
    entry_ok(
        api,
        firm,
        city.compound.id,
        reversal_of=draw["id"],
        date="2026-02-03",
        description="冲销",
        account=None,
        direction=None,
        amount=None,
    )
    sweep("maintenance_fund_low", date(2026, 2, 3))
    assert open_alerts("maintenance_fund_low") == set()
    alert = alerts("maintenance_fund_low")[0]
    recipients = set(
        db.session.execute(
            select(AlertRecipient.audience, AlertRecipient.org_id).where(AlertRecipient.alert_id == alert.id)
        )
    )
    assert recipients == {("street", city.street.id), ("committee", city.compound.id), ("firm", city.firm.id)}


def test_each_rule_costs_the_same_whatever_the_number_of_compounds(api, city):
    for rule in ("committee_term_ending", "committee_missing", "maintenance_fund_low"):
        with count_statements() as few:
            RULES[rule].find(date(2026, 6, 1), None)
        assert len(few) == 1, rule
