"""The first two rules and the sweep engine: due things open once, stages move along, cleared
conditions resolve, and a repeated sweep adds nothing."""

from __future__ import annotations

from datetime import date, timedelta

from pm_app.org.models import ManagementMode
from tests.alerts.helpers import alerts, contract_ends_in, sweep
from tests.factories import CompoundFactory, ContractFactory


def test_contract_expiring_opens_at_t90_once(city):
    as_of = contract_ends_in(city.contract, 60)
    assert sweep("contract_expiring", as_of).opened == 1
    assert sweep("contract_expiring", as_of).opened == 0
    [alert] = alerts("contract_expiring")
    assert (alert.stage, alert.severity, alert.subject_id) == ("T-90", "warning", city.contract.id)
    assert alert.dedup_key == f"contract_expiring:service_contract:{city.contract.id}:T-90"
    assert alert.due_on == as_of + timedelta(days=60)


def test_contract_expiring_moves_to_t30_and_supersedes_t90(city):
    as_of = contract_ends_in(city.contract, 60)
    sweep("contract_expiring", as_of)
    result = sweep("contract_expiring", as_of + timedelta(days=35))
    assert (result.opened, result.resolved) == (1, 1)
    t90, t30 = alerts("contract_expiring")
    assert (t90.state, t90.resolution) == ("resolved", "superseded")
    assert (t30.stage, t30.state, t30.severity) == ("T-30", "open", "critical")


def test_a_missed_run_catches_up_straight_to_the_current_stage(city):
    as_of = contract_ends_in(city.contract, 10)
    sweep("contract_expiring", as_of)
    assert [a.stage for a in alerts("contract_expiring")] == ["T-30"]


def test_registering_a_successor_contract_clears_the_alert(city):
    as_of = contract_ends_in(city.contract, 20)
    sweep("contract_expiring", as_of)
    ContractFactory(
        compound=city.compound,
        firm=city.firm,
        start_date=city.contract.end_date + timedelta(days=1),
        end_date=city.contract.end_date + timedelta(days=365 * 3),
    )
    assert sweep("contract_expiring", as_of).resolved == 1
    assert alerts("contract_expiring")[0].resolution == "cleared"


def test_contracts_far_from_their_end_raise_nothing(city):
    assert sweep("contract_expiring", city.contract.end_date - timedelta(days=91)).opened == 0


def test_compound_unmanaged_after_30_days(city):
    compound = CompoundFactory(
        street=city.street, management_mode=ManagementMode.none, acceptance_date=date(2022, 10, 1)
    )
    assert sweep("compound_unmanaged", date(2022, 10, 31)).opened == 0  # day 30: still allowed
    assert sweep("compound_unmanaged", date(2022, 11, 1)).opened == 1
    assert sweep("compound_unmanaged", date(2022, 11, 2)).opened == 0
    compound.management_mode = ManagementMode.quasi
    assert sweep("compound_unmanaged", date(2022, 11, 3)).resolved == 1


def test_a_condition_that_returns_reopens_the_same_alert(city):
    compound = CompoundFactory(
        street=city.street, management_mode=ManagementMode.none, acceptance_date=date(2022, 1, 1)
    )
    sweep("compound_unmanaged", date(2022, 6, 1))
    compound.management_mode = ManagementMode.professional
    sweep("compound_unmanaged", date(2022, 6, 2))
    compound.management_mode = ManagementMode.none
    assert sweep("compound_unmanaged", date(2022, 6, 3)).opened == 1
    [alert] = alerts("compound_unmanaged")
    assert alert.state == "open"


def test_every_sweep_twice_leaves_the_same_alerts_and_one_delivery_each(city, webhook_server):
    from sqlalchemy import func, select

    from pm_app.alerts.models import Delivery
    from pm_app.alerts.rules import RULES
    from pm_app.alerts.services import save_endpoint
    from pm_app.extensions import db

    save_endpoint(
        {
            "audience": "street",
            "org_id": city.street.id,
            "channel": "webhook",
            "target": webhook_server.url,
            "format": "json",
            "active": True,
        }
    )
    CompoundFactory(street=city.street, management_mode=ManagementMode.none, acceptance_date=date(2026, 1, 1))
    as_of = contract_ends_in(city.contract, 45)
    for _ in range(2):
        for rule in RULES:
            sweep(rule, as_of)
    # contract_expiring, compound_unmanaged, and committee_missing for the city's two compounds
    # (accepted 2023-06-30, no committee); the new compound was accepted too recently for that.
    # maintenance_fund_missing for all three (accepted, and no fund at all).
    assert (
        sorted(a.rule for a in alerts())
        == ["committee_missing", "committee_missing", "compound_unmanaged", "contract_expiring"]
        + ["maintenance_fund_missing"] * 3
    )
    per_channel = db.session.execute(
        select(Delivery.alert_id, Delivery.recipient_id, Delivery.channel, func.count()).group_by(
            Delivery.alert_id, Delivery.recipient_id, Delivery.channel
        )
    ).all()
    assert all(n == 1 for *_, n in per_channel)
