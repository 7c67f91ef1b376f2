"""The management arrangement and the firm's walk-out (issue 26): seed 002's "直接撤离弃管" is flagged
to the street office and the regulator once a firm-served compound has gone more than
FIRM_WITHDRAWN_DAYS without a managing body, and clears when any body starts; the compound page
and the street home show the gap, and the compound page a mode its contracts contradict."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from pm_app.alerts.models import AlertRecipient
from pm_app.common.clock import today
from pm_app.extensions import db
from pm_app.org import arrangements
from pm_app.org.models import ManagementMode, ServiceContract
from tests.alerts.helpers import alerts, sweep
from tests.factories import CompoundFactory, ContractFactory, FirmFactory
from tests.helpers import count_statements
from tests.org.test_pages import login, page

ENDED = date(2026, 10, 31)


@pytest.fixture
def left(city):
    """city.compound (professional): 甲物业's contract ended on 2026-10-31 and nothing followed."""
    city.contract.end_date = ENDED
    db.session.flush()
    return city


def street_takes_over(city, start: date) -> ServiceContract:
    contract = ServiceContract(
        compound_id=city.compound.id,
        street_id=city.street.id,
        start_date=start,
        end_date=start + timedelta(days=364),
        fee_rate_fen=40,
    )
    db.session.add(contract)
    db.session.flush()
    return contract


def test_thirty_days_without_a_body_is_not_yet_a_walk_out_thirty_one_is(left):
    assert sweep("firm_withdrawn", ENDED + timedelta(days=30)).opened == 0
    assert sweep("firm_withdrawn", ENDED + timedelta(days=31)).opened == 1
    [alert] = alerts("firm_withdrawn")
    assert alert.title == "东门新村: 甲物业 于 2026-10-31 合同到期后无管理单位，已 31 天"
    assert (alert.compound_id, alert.stage, alert.severity) == (left.compound.id, "2026-10-31", "critical")


def test_the_street_office_and_the_regulator_hear_of_it_not_the_firm_that_left(left, api):
    sweep("firm_withdrawn", date(2026, 12, 6))
    [alert] = alerts("firm_withdrawn")
    audiences = set(
        db.session.execute(
            select(AlertRecipient.audience, AlertRecipient.org_id).where(AlertRecipient.alert_id == alert.id)
        ).all()
    )
    assert audiences == {("street", left.street.id), ("regulator", 0)}
    for role, sees in (("street_officer", True), ("regulator", True), ("firm_staff", False)):
        rows = api.as_(left.users[role]).get("/api/v1/alerts?rule=firm_withdrawn").json
        assert [r["id"] for r in rows] == ([alert.id] if sees else []), role


def test_the_threshold_is_configurable(left, app, monkeypatch):
    monkeypatch.setitem(app.config, "FIRM_WITHDRAWN_DAYS", 10)
    assert sweep("firm_withdrawn", ENDED + timedelta(days=11)).opened == 1


def test_it_clears_when_the_street_office_takes_over(left):
    sweep("firm_withdrawn", date(2026, 12, 6))
    street_takes_over(left, date(2026, 12, 7))
    assert sweep("firm_withdrawn", date(2026, 12, 6)).resolved == 0  # the takeover starts tomorrow
    assert sweep("firm_withdrawn", date(2026, 12, 7)).resolved == 1
    [alert] = alerts("firm_withdrawn")
    assert (alert.state, alert.resolution) == ("resolved", "cleared")


def test_a_renewal_in_force_or_a_firm_still_serving_raises_nothing(city):
    ContractFactory(
        compound=CompoundFactory(street=city.street), start_date=date(2024, 1, 1), end_date=date(2026, 12, 31)
    )
    assert sweep("firm_withdrawn", date(2026, 12, 6)).opened == 0


@pytest.mark.parametrize("mode", [ManagementMode.self_managed, ManagementMode.street_entrusted, ManagementMode.none])
def test_only_modes_a_firm_serves_make_a_walk_out(left, mode):
    left.compound.management_mode = mode
    db.session.flush()
    assert sweep("firm_withdrawn", date(2026, 12, 6)).opened == 0


def test_a_quasi_compound_left_by_its_firm_is_a_walk_out_too(left):
    left.compound.management_mode = ManagementMode.quasi
    db.session.flush()
    assert sweep("firm_withdrawn", date(2026, 12, 6)).opened == 1


def test_the_rule_costs_the_same_statements_for_one_walk_out_or_many(city):
    def sweep_counted():
        with count_statements() as sent:
            arrangements.walkouts(date(2026, 12, 6), longer_than=30)
        return len(sent)

    firm = FirmFactory()
    ContractFactory(
        compound=CompoundFactory(street=city.street), firm=firm, start_date=date(2024, 1, 1), end_date=ENDED
    )
    one = sweep_counted()
    for _ in range(5):
        ContractFactory(
            compound=CompoundFactory(street=city.street), firm=firm, start_date=date(2024, 1, 1), end_date=ENDED
        )
    assert sweep_counted() == one
    assert len(arrangements.walkouts(date(2026, 12, 6), longer_than=30)) == 6


# --- the mode against the contracts -----------------------------------------------------------


@pytest.mark.parametrize(
    "mode,party,problem",
    [
        (ManagementMode.professional, "firm", None),
        (ManagementMode.professional, "street", "is not one this mode admits"),
        (ManagementMode.street_entrusted, "street", None),
        (ManagementMode.street_entrusted, "firm", "is not one this mode admits"),
        (ManagementMode.self_managed, None, "none is in force"),
        (ManagementMode.none, "firm", "yet a managing body is in force"),
        (ManagementMode.none, None, None),
    ],
)
def test_a_mode_its_contracts_contradict_is_named(app, city, mode, party, problem):
    compound = CompoundFactory(street=city.street, management_mode=mode)
    if party == "firm":
        ContractFactory(compound=compound, start_date=date(2024, 1, 1), end_date=date(2099, 1, 1))
    elif party == "street":
        db.session.add(
            ServiceContract(
                compound_id=compound.id,
                street_id=city.street.id,
                start_date=date(2024, 1, 1),
                end_date=date(2099, 1, 1),
                fee_rate_fen=40,
            )
        )
        db.session.flush()
    with app.test_request_context("/?lang=en"):
        found = arrangements.mismatch(arrangements.arrangement_of(compound, today()))
    assert (found is None) if problem is None else (problem in found)


def test_a_body_to_start_decides_the_arrangement_but_is_not_in_force(city):
    compound = CompoundFactory(street=city.street, management_mode=ManagementMode.street_entrusted)
    db.session.add(
        ServiceContract(
            compound_id=compound.id,
            street_id=city.street.id,
            start_date=today() + timedelta(days=10),
            end_date=date(2099, 1, 1),
            fee_rate_fen=40,
        )
    )
    db.session.flush()
    arrangement = arrangements.arrangement_of(compound, today())
    assert (arrangement.decided, arrangement.in_force) == (True, False)
    assert arrangements.undecided([compound.id, city.compound.id], today()) == set()


# --- the pages --------------------------------------------------------------------------------


@pytest.fixture
def left_today(city):
    """甲物业's contract ended 36 days ago."""
    city.contract.end_date = today() - timedelta(days=36)
    db.session.flush()
    return city


def test_the_compound_page_shows_the_gap_in_chinese(client, left_today):
    body = page(login(client, left_today.users["street_officer"]), f"/compounds/{left_today.compound.id}")
    ended = (today() - timedelta(days=36)).isoformat()
    assert f"甲物业 于 {ended} 合同到期后无管理单位，已 36 天" in body
    assert "已通报街道办和市住建局" in body
    assert "未能确定改造后管理模式的小区，暂缓改造" in body  # nothing in force or to start
    assert "professional" not in body and "Management arrangement" not in body


def test_the_compound_page_names_a_mode_its_contracts_contradict(client, city):
    city.compound.management_mode = ManagementMode.self_managed
    db.session.flush()
    body = page(login(client, city.users["street_officer"]), f"/compounds/{city.compound.id}")
    assert 'id="mode-mismatch"' in body and "不是该管理模式所允许的管理单位" in body


def test_a_compound_in_order_shows_its_body_and_no_warning(client, city):
    body = page(login(client, city.users["regulator"]), f"/compounds/{city.compound.id}")
    assert 'id="arrangement"' in body and "甲物业" in body
    assert 'id="walkout"' not in body and 'id="mode-mismatch"' not in body and 'id="arrangement-undecided"' not in body


def test_a_firm_does_not_see_the_arrangement_section(client, city):
    body = page(login(client, city.users["firm_staff"]), f"/compounds/{city.compound.id}")
    assert 'id="arrangement"' not in body


def test_the_street_home_lists_the_compounds_a_firm_has_left(client, left_today):
    body = page(login(client, left_today.users["street_officer"]), "/")
    assert 'id="walkouts"' in body and "物业企业撤离的小区" in body
    assert "东门新村" in body and '<td class="num">36</td>' in body


def test_another_streets_walk_out_is_not_on_the_street_home(app, client, city):
    city.other_contract.end_date = today() - timedelta(days=40)
    db.session.flush()
    body = page(login(client, city.users["street_officer"]), "/")
    assert 'id="walkouts"' not in body
    assert 'id="walkouts"' in page(login(app.test_client(), city.users["regulator"]), "/")
