"""The seeded city: the same every time, the sizes of design §5, and data every rule accepts."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from pm_app.alerts.sweeps import run_rule
from pm_app.committees.models import Committee, CommitteeKind
from pm_app.errors import Conflict
from pm_app.extensions import db
from pm_app.fees import seed_bills
from pm_app.org import arrangements, seed_contracts
from pm_app.org.models import (
    Building,
    Compound,
    District,
    Firm,
    FirmKind,
    Household,
    ManagementMode,
    ServiceContract,
    Street,
)
from pm_app.org.seed_run import SCALES
from pm_app.org.uscc import uscc_problem
from pm_app.seeding import seed_city
from pm_app.warranties.models import RenovationProject
from tests.factories import CompoundFactory

AS_OF = date(2026, 6, 30)


@pytest.fixture(autouse=True)
def _one_month_of_bills(monkeypatch):
    """These tests are about places and people; tests/fees/test_seed.py covers the bills."""
    monkeypatch.setattr(seed_bills, "MONTHS", 1)


def _snapshot() -> dict:
    compounds = db.session.execute(
        select(
            Compound.code,
            Compound.name,
            Compound.address,
            Compound.management_mode,
            Compound.acceptance_date,
            func.count(Household.id),
            func.sum(Household.floor_area_dm2),
        )
        .outerjoin(Household, Household.compound_id == Compound.id)
        .group_by(Compound.id)
        .order_by(Compound.code)
    ).all()
    contracts = db.session.execute(
        select(
            Compound.code, Firm.uscc, ServiceContract.start_date, ServiceContract.end_date, ServiceContract.fee_rate_fen
        )
        .join(Compound, Compound.id == ServiceContract.compound_id)
        .join(Firm, Firm.id == ServiceContract.firm_id)
        .order_by(Compound.code, ServiceContract.start_date)
    ).all()
    owners = db.session.execute(
        select(Household.unit, Household.owner_name, Household.owner_phone).order_by(Household.id).limit(50)
    ).all()
    return {"compounds": compounds, "contracts": contracts, "owners": owners}


def test_the_demo_city_is_the_same_every_time():
    first_run = db.session.begin_nested()
    seed_city("demo", as_of=AS_OF)
    first = _snapshot()
    first_run.rollback()

    seed_city("demo", as_of=AS_OF)
    assert _snapshot() == first
    assert len(first["compounds"]) == 60


def test_the_demo_city_has_the_sizes_of_the_design():
    run = seed_city("demo", as_of=AS_OF)
    count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert (count(District), count(Street), count(Compound)) == (2, 6, 60)
    assert 10_800 <= count(Household) <= 13_200
    assert 8 <= count(Household) / count(Building) <= 25  # old walk-ups, not towers
    assert run.rows["household"] == count(Household)
    firms = dict(db.session.execute(select(Firm.kind, func.count()).group_by(Firm.kind)).all())
    assert firms == {FirmKind.property: 8, FirmKind.contractor: 3, FirmKind.supervisor: 2}


def test_city_scale_matches_seed_003s_city():
    city = SCALES["city"]
    assert (city.compounds, city.households, city.property_firms) == (1_130, 196_900, 200)


@pytest.fixture
def street_city():
    return seed_city("street", as_of=AS_OF)


def test_values_stay_in_realistic_ranges(street_city):
    low, high = db.session.execute(select(func.min(Household.floor_area_dm2), func.max(Household.floor_area_dm2))).one()
    assert 40_00 <= low and high <= 140_00
    low, high = db.session.execute(
        select(func.min(ServiceContract.fee_rate_fen), func.max(ServiceContract.fee_rate_fen))
    ).one()
    assert 30 <= low and high <= 150
    for compound in db.session.scalars(select(Compound)):
        assert 1980 <= compound.year_built <= 2000
        assert date(2020, 1, 1) <= compound.acceptance_date <= date(2025, 12, 31)
        assert compound.name.endswith(("小区", "新村", "花园", "宿舍", "公寓", "苑", "大院", "区"))
    for unit, phone in db.session.execute(select(Household.unit, Household.owner_phone)):
        assert re.fullmatch(r"\d-[1-7]0[12]", unit)
        assert phone is None or re.fullmatch(r"1[3-9]\d{9}", phone)


def test_unmanaged_compounds_have_no_contract_and_no_firm_manages_a_self_managed_one(street_city):
    def compounds(mode):
        return list(db.session.scalars(select(Compound.id).where(Compound.management_mode == mode)))

    unmanaged, self_managed = compounds(ManagementMode.none), compounds(ManagementMode.self_managed)
    assert unmanaged and self_managed
    assert db.session.scalar(select(func.count()).where(ServiceContract.compound_id.in_(unmanaged))) == 0
    assert (
        db.session.scalar(
            select(func.count()).where(
                ServiceContract.compound_id.in_(self_managed), ServiceContract.firm_id.is_not(None)
            )
        )
        == 0
    )


def test_every_compound_has_the_body_its_mode_admits_but_the_one_walked_out_on(street_city):
    """Issue 26: 自管 compounds by their 自管会, 托管 ones by their street office, the others by a
    firm; mode none and the demo's walk-out have none in force; a 自管 compound whose drawn
    committee is a 业委会 is left without one (a mismatch the compound page names)."""
    walkout = seed_contracts.walkout_compound(street_city)
    current = dict(
        db.session.execute(
            select(ServiceContract.compound_id, func.count())
            .where(ServiceContract.start_date <= AS_OF, ServiceContract.end_date >= AS_OF)
            .group_by(ServiceContract.compound_id)
        ).all()
    )
    assert set(current.values()) == {1}
    undecided = arrangements.undecided([c.id for c in street_city.compounds], AS_OF)
    owners_run = set(
        db.session.scalars(select(Committee.compound_id).where(Committee.kind == CommitteeKind.owners_committee))
    )
    for compound in street_city.compounds:
        expected = (
            compound.mode == ManagementMode.none
            or compound.id == walkout
            or (compound.mode == ManagementMode.self_managed and compound.id in owners_run)
        )
        assert (compound.id in undecided) is expected, compound
    street_run = db.session.scalars(
        select(ServiceContract.compound_id).where(
            ServiceContract.street_id.is_not(None), ServiceContract.end_date >= AS_OF
        )
    )
    assert {c.id for c in street_city.compounds if c.mode == ManagementMode.street_entrusted} == set(street_run)
    firms_per_compound = db.session.execute(
        select(func.count(func.distinct(ServiceContract.firm_id))).group_by(ServiceContract.compound_id)
    ).scalars()
    assert max(firms_per_compound) == 2


def test_the_walk_out_is_flagged_on_the_seeded_city(street_city):
    """The first street's last professional compound: its firm's contract ended 40 days before."""
    walkout = seed_contracts.walkout_compound(street_city)
    [found] = arrangements.walkouts(AS_OF, longer_than=30)
    assert (found.compound_id, found.days) == (walkout, seed_contracts.WALKOUT_DAYS)
    assert run_rule("firm_withdrawn", AS_OF).opened == 1


def test_projects_of_compounds_without_management_carry_the_regulators_override(street_city):
    rows = db.session.execute(
        select(Compound.management_mode, RenovationProject.arrangement_override_reason).join(
            Compound, Compound.id == RenovationProject.compound_id
        )
    ).all()
    assert rows and all((reason is not None) == (mode == ManagementMode.none) for mode, reason in rows)


def test_contracts_of_a_compound_never_overlap(street_city):
    other = aliased(ServiceContract)
    overlapping = (
        select(func.count())
        .select_from(ServiceContract)
        .join(other, (other.compound_id == ServiceContract.compound_id) & (other.id > ServiceContract.id))
        .where(ServiceContract.start_date <= other.end_date, other.start_date <= ServiceContract.end_date)
    )
    assert db.session.scalar(overlapping) == 0


def test_every_firm_has_a_valid_credit_code(street_city):
    firms = list(db.session.scalars(select(Firm)))
    assert {f.kind for f in firms} == set(FirmKind)
    assert [f.uscc for f in firms if uscc_problem(f.uscc)] == []


def test_progress_reports_every_step_to_its_end():
    reports = []
    seed_city("street", progress=lambda step, done, total: reports.append((step, done, total)))
    last = {step: (done, total) for step, done, total in reports}
    assert list(last) == [
        "places",
        "firms",
        "compounds",
        "households",
        "contracts",
        "bills",
        "works",
        "tickets",
        "committees",
        "arrangements",
        "rankings",
    ]
    assert all(done == total for done, total in last.values())


def test_a_database_with_compounds_is_not_seeded():
    CompoundFactory()
    with pytest.raises(Conflict, match="already has compounds"):
        seed_city("street")


def test_a_scale_times_two_doubles_compounds_households_and_firms_on_the_same_streets():
    """The growth curve of bench/batch.py (1×, 2×, 4× the city) stands on this."""
    from pm_app.org.seed_run import times

    doubled = times(SCALES["street"], 2)
    assert SCALES["city2x"] == times(SCALES["city"], 2) and SCALES["city4x"].households == 4 * 196_900
    seed_city(doubled, as_of=AS_OF)
    count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert (count(Street), count(Compound)) == (1, 30)
    assert 5_400 <= count(Household) <= 6_600
    assert db.session.scalar(select(func.count()).select_from(Firm).where(Firm.kind == FirmKind.property)) == 8
