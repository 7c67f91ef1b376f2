"""The new committee kinds under the term rules — a temporary committee (临时业委会) governs and is
succeeded like any other, a renovation supervision committee (改造工作监督委员会) never takes office
— the term alert naming the kind, and a compound with no maintenance fund at all raising an alert."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from pm_app.alerts.models import AlertRecipient
from pm_app.alerts.rules import RULES
from pm_app.alerts.schedule import scheduled_rules
from pm_app.extensions import db
from tests.alerts.helpers import alerts, sweep
from tests.committees.conftest import entry_ok, register
from tests.committees.test_committees import status_on
from tests.committees.test_rules import TERM_END, open_alerts
from tests.factories import CompoundFactory
from tests.helpers import count_statements


@pytest.mark.parametrize(
    "kind,short",
    [("self_management", "自管会任期"), ("owners_committee", "业委会任期"), ("temporary_committee", "临时业委会任期")],
)
def test_the_term_alert_names_the_kind(api, city, kind, short):
    register(api, city.users["street_officer"], city.compound.id, elected_on="2024-03-01", kind=kind)
    sweep("committee_term_ending", TERM_END - timedelta(days=30))
    (alert,) = alerts("committee_term_ending")
    assert short in alert.title
    if kind == "self_management":
        assert "业委会" not in alert.title


def test_a_supervision_committee_neither_takes_office_nor_ends_a_term(api, city):
    officer = city.users["street_officer"]
    register(api, officer, city.compound.id, elected_on="2024-03-01")
    supervision = register(
        api, officer, city.compound.id, elected_on="2025-05-01", term_years=1, n=4, kind="supervision_committee"
    )
    assert supervision.status_code == 201, supervision.json  # representatives: no odd-count rule
    current = api.as_(officer).get(f"/api/v1/compounds/{city.compound.id}/committee-status?as_of=2026-10-01").json
    assert (current["status"], current["kind"]) == ("active", "owners_committee")
    sweep("committee_term_ending", date(2026, 6, 1))  # the supervision committee's "term" ended 2026-05-01
    assert open_alerts("committee_term_ending") == set()
    assert (
        register(api, officer, city.compound.id, elected_on="2025-07-01", n=0, kind="supervision_committee").status_code
        == 422
    )


def test_a_supervision_committee_alone_is_no_committee(api, city):
    officer = city.users["street_officer"]
    register(api, officer, city.compound.id, elected_on="2027-01-01", kind="supervision_committee", n=3)
    assert status_on(city.compound.id, "2026-10-01") == "none"  # not "preparing" either
    register(api, officer, city.compound.id, elected_on="2024-06-15", kind="supervision_committee", n=3)
    sweep("committee_missing", city.compound.acceptance_date + timedelta(days=400))
    assert (city.compound.id, "") in open_alerts("committee_missing")


def test_a_temporary_committee_governs_until_an_owners_committee_is_elected(api, city):
    officer = city.users["street_officer"]
    register(api, officer, city.compound.id, elected_on="2025-01-01", term_years=1, kind="temporary_committee")
    assert status_on(city.compound.id, "2025-06-01") == "active"
    sweep("committee_missing", date(2025, 6, 1))
    assert (city.compound.id, "") not in open_alerts("committee_missing")
    sweep("committee_term_ending", date(2026, 1, 10))
    assert {stage for _, stage in open_alerts("committee_term_ending")} == {"expired"}
    register(api, officer, city.compound.id, elected_on="2026-02-01")
    sweep("committee_term_ending", date(2026, 2, 1))
    assert open_alerts("committee_term_ending") == set()
    assert (
        api.as_(officer).get(f"/api/v1/compounds/{city.compound.id}/committee-status?as_of=2026-02-01").json["kind"]
        == "owners_committee"
    )


def test_a_compound_without_a_maintenance_fund_raises_an_alert_until_one_exists(api, city):
    firm = city.users["firm_staff"]
    CompoundFactory(street=city.street, acceptance_date=None)  # not yet accepted: not expected to have one
    sweep("maintenance_fund_missing", date(2026, 1, 4))
    assert open_alerts("maintenance_fund_missing") == {(city.compound.id, ""), (city.other.id, "")}
    (alert,) = [a for a in alerts("maintenance_fund_missing") if a.subject_id == city.compound.id]
    assert "专项维修资金" in alert.title
    recipients = set(
        db.session.execute(
            select(AlertRecipient.audience, AlertRecipient.org_id).where(AlertRecipient.alert_id == alert.id)
        )
    )
    assert recipients == {("street", city.street.id)}
    deposit = entry_ok(
        api,
        firm,
        city.compound.id,
        account="maintenance_fund",
        amount="1000.00",
        date="2026-01-05",
        description="首次缴存",
    )
    sweep("maintenance_fund_missing", date(2026, 1, 4))  # the deposit is dated after the sweep day
    assert (city.compound.id, "") in open_alerts("maintenance_fund_missing")
    sweep("maintenance_fund_missing", date(2026, 1, 5))
    assert open_alerts("maintenance_fund_missing") == {(city.other.id, "")}
    entry_ok(
        api,
        firm,
        city.compound.id,
        reversal_of=deposit["id"],
        date="2026-01-06",
        description="冲销",
        account=None,
        direction=None,
        amount=None,
    )
    sweep("maintenance_fund_missing", date(2026, 1, 6))  # a deposit reversed as a mistake is no fund
    assert (city.compound.id, "") in open_alerts("maintenance_fund_missing")


def test_the_fund_rule_is_registered_scheduled_and_one_statement(api, city):
    assert "maintenance_fund_missing" in RULES and "maintenance_fund_missing" in scheduled_rules()
    with count_statements() as few:
        RULES["maintenance_fund_missing"].find(date(2026, 6, 1), None)
    assert len(few) == 1
