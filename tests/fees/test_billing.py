"""Bill generation: rate × area rounded half up once, repeatable, and loud about what it skips."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from pm_app.common.money import round_fen
from pm_app.fees.billing import bill_amount
from pm_app.fees.periods import due_date, period_range, shift
from tests.factories import BuildingFactory, CompoundFactory, ContractFactory, HouseholdFactory
from tests.fees.conftest import bills_of


def generate(api, user, compound_id, period="2026-09"):
    return api.as_(user).post("/api/v1/bills/generate?lang=en", json={"compound_id": compound_id, "period": period})


@given(rate=st.integers(min_value=0, max_value=100_000), area=st.integers(min_value=1, max_value=10**8))
def test_the_integer_formula_is_round_half_up_of_rate_times_area(rate, area):
    assert bill_amount(rate, area) == round_fen(rate * area, 100)


def test_half_a_fen_rounds_up_and_less_rounds_down():
    assert bill_amount(85, 8650) == 7353  # 73.525 yuan → 73.53
    assert bill_amount(85, 8649) == 7352  # 73.5165 yuan → 73.52


@settings(max_examples=25, deadline=None)
@given(
    areas=st.lists(st.integers(min_value=1, max_value=500_00), min_size=1, max_size=30),
    rate=st.integers(min_value=1, max_value=1_000),
)
def test_generated_bills_in_sql_match_the_python_rounding_to_the_fen(app, areas, rate):
    """The INSERT … SELECT rounds in SQL; each bill and their sum agree with round_fen exactly."""
    from pm_app.extensions import db
    from pm_app.fees.billing import generate_for_compound
    from tests.factories import UserFactory

    with db.session.begin_nested() as savepoint:
        contract = ContractFactory(fee_rate_fen=rate)
        building = BuildingFactory(compound_id=contract.compound.id)
        for n, area in enumerate(areas):
            HouseholdFactory(building=building, unit=f"u{n}", floor_area_dm2=area)
        generate_for_compound(UserFactory(), contract.compound, "2026-09")
        amounts = [b.amount_due_fen for b in bills_of(contract.compound.id, "2026-09")]
        assert amounts == [round_fen(rate * a, 100) for a in areas]
        assert sum(amounts) == sum(round_fen(rate * a, 100) for a in areas)
        savepoint.rollback()


def test_generating_twice_creates_nothing_the_second_time(api, city, four):
    officer = city.users["street_officer"]
    first = generate(api, officer, city.compound.id)
    assert first.status_code == 200 and first.json["created"] == 4 and first.json["existing"] == 0
    again = generate(api, officer, city.compound.id)
    assert again.json["created"] == 0 and again.json["existing"] == 4
    assert [b.amount_due_fen for b in bills_of(city.compound.id, "2026-09")] == [20000, 16000, 12000, 10000]


def test_a_household_added_later_is_billed_by_the_next_run(api, city, four):
    officer = city.users["street_officer"]
    generate(api, officer, city.compound.id)
    HouseholdFactory(building=city.household.building, unit="1-105", floor_area_dm2=7000)
    assert generate(api, officer, city.compound.id).json | {"problems": []} == {
        "compound_id": city.compound.id,
        "period": "2026-09",
        "contract_id": city.contract.id,
        "created": 1,
        "existing": 4,
        "skipped": 0,
        "problems": [],
    }


def test_without_a_contract_in_force_every_household_is_reported_not_silently_skipped(api, city, four):
    response = generate(api, city.users["street_officer"], city.compound.id, "2023-05")
    assert response.status_code == 200
    assert response.json["created"] == 0 and response.json["skipped"] == 4
    assert {p["reason"] for p in response.json["problems"]} == {"no service contract in force in 2023-05"}
    assert {p["unit"] for p in response.json["problems"]} == {"1-101", "1-102", "1-103", "1-104"}


def test_a_compound_without_households_is_refused_naming_the_compound(api, city):
    empty = CompoundFactory(street=city.street)
    response = generate(api, city.users["street_officer"], empty.id)
    assert response.status_code == 422 and "compound_id" in response.json["errors"]


def test_the_contract_that_bills_a_month_is_the_one_in_force_on_its_first_day(api, city, four):
    from pm_app.org.models import Firm

    city.contract.end_date = date(2026, 9, 14)
    successor = ContractFactory(
        compound=city.compound,
        firm=city.other_firm,
        start_date=date(2026, 9, 15),
        end_date=date(2030, 12, 31),
        fee_rate_fen=300,
    )
    officer = city.users["street_officer"]
    generate(api, officer, city.compound.id, "2026-09")
    generate(api, officer, city.compound.id, "2026-10")
    assert {b.firm_id for b in bills_of(city.compound.id, "2026-09")} == {city.firm.id}
    assert {b.firm_id for b in bills_of(city.compound.id, "2026-10")} == {successor.firm_id}
    assert bills_of(city.compound.id, "2026-10")[0].amount_due_fen == 30000
    assert isinstance(successor.firm, Firm)


def test_a_bad_period_is_a_422_naming_the_field(api, city):
    response = generate(api, city.users["street_officer"], city.compound.id, "2026-13")
    assert response.status_code == 422 and "period" in response.json["errors"]


def test_due_date_rule_clamps_to_the_end_of_the_month():
    assert due_date("2026-02", 31, 0) == date(2026, 2, 28)
    assert due_date("2024-02", 31, 0) == date(2024, 2, 29)
    assert due_date("2026-09", 15, 1) == date(2026, 10, 15)
    assert due_date("2026-12", 10, 1) == date(2027, 1, 10)


def test_period_arithmetic_crosses_years():
    assert shift("2026-01", -1) == "2025-12" and shift("2025-12", 13) == "2027-01"
    assert period_range("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_who_may_generate(api, city, four):
    assert generate(api, city.users["firm_staff"], city.compound.id).status_code == 200
    assert generate(api, city.users["committee_member"], city.compound.id).status_code == 403
    assert generate(api, city.users["contractor_staff"], city.compound.id).status_code == 404
    assert generate(api, city.users["street_officer"], city.other.id).status_code == 404
