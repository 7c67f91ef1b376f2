"""Indicator values and scores of 2026Q2 against the hand computation in conftest.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pm_app.rankings import periods
from pm_app.rankings.indicators import measure
from pm_app.rankings.models import RankingResult
from tests.helpers import count_statements


def test_each_indicator_is_measured_as_computed_by_hand(quarter):
    city = quarter.city
    found = measure(date(2026, 4, 1), date(2026, 6, 30))
    a, b, c = found[city.firm.id], found[city.other_firm.id], found[quarter.firm_c.id]
    assert a.households == 100 and a.compounds == {city.compound.id: 60, quarter.a2.id: 40}
    assert a.values() == {
        "fee_collection": Decimal("0.8500"),
        "on_time": Decimal("0.7500"),
        "satisfaction": Decimal("4.0000"),
        "complaints": Decimal("3.0000"),
        "inspection": Decimal("79.0000"),
    }
    assert (a.receivable, a.received, a.resolved, a.resolved_on_time, a.ratings, a.inspections) == (
        3_000_000,
        2_550_000,
        4,
        3,
        3,
        3,
    )
    assert b.values() == {
        "fee_collection": Decimal("0.8000"),
        "on_time": Decimal("1.0000"),
        "satisfaction": Decimal("2.0000"),
        "complaints": Decimal("0.0000"),
        "inspection": None,
    }
    assert c.households == 10
    assert city.contractor.id not in found  # only property firms are ranked


def test_compute_scores_grades_and_ranks_as_computed_by_hand(quarter):
    """A: 71.43·30 + 55.56·20 + 50·20 + 40·15 + 47.5·15 = 5566.6 / 100 = 55.67 (C, black list).
    B: inspection left out: (57.14·30 + 100·20 + 0·20 + 100·15) / 85 = 61.34 (B)."""
    city, regulator = quarter.city, quarter.city.users["regulator"]
    period = periods.compute(regulator, periods.create_period(regulator, "2026Q2"))
    results = {r.firm_id: r for r in period_results(period)}
    a, b, c = results[city.firm.id], results[city.other_firm.id], results[quarter.firm_c.id]
    assert {k: v["score"] for k, v in a.indicators.items()} == {
        "fee_collection": "71.43",
        "on_time": "55.56",
        "satisfaction": "50.00",
        "complaints": "40.00",
        "inspection": "47.50",
    }
    assert (a.base_score, a.score, a.grade, a.list_name, a.rank) == (
        Decimal("55.67"),
        Decimal("55.67"),
        "C",
        "black",
        2,
    )
    assert b.indicators["inspection"] == {
        "value": None,
        "score": None,
        "weight": "15",
        "inspections": 0,
        "inspected_households": 0,
    }
    assert (b.base_score, b.score, b.grade, b.list_name, b.rank) == (Decimal("61.34"), Decimal("61.34"), "B", None, 1)
    assert (c.rated, c.not_rated_reason, c.score, c.grade, c.rank) == (False, "too_few_households", None, None, None)


def test_a_firm_without_bills_is_not_rated(quarter):
    from sqlalchemy import delete

    from pm_app.extensions import db
    from pm_app.fees.models import Bill

    db.session.execute(delete(Bill).where(Bill.firm_id == quarter.city.other_firm.id))
    regulator = quarter.city.users["regulator"]
    period = periods.compute(regulator, periods.create_period(regulator, "2026Q2"))
    b = next(r for r in period_results(period) if r.firm_id == quarter.city.other_firm.id)
    assert (b.rated, b.not_rated_reason, b.score, b.list_name) == (False, "no_bills", None, None)


def test_computing_costs_the_same_statements_whatever_the_number_of_firms(quarter):
    regulator = quarter.city.users["regulator"]
    period = periods.create_period(regulator, "2026Q2")
    periods.compute(regulator, period)
    with count_statements() as few:
        measure(date(2026, 4, 1), date(2026, 6, 30))
    from tests.factories import CompoundFactory, ContractFactory, FirmFactory

    for n in range(5):
        ContractFactory(
            compound=CompoundFactory(), firm=FirmFactory(), start_date=date(2026, 1, 1), end_date=date(2026, 12, 31)
        )
    with count_statements() as many:
        measure(date(2026, 4, 1), date(2026, 6, 30))
    assert len(many) == len(few)


def period_results(period) -> list[RankingResult]:
    from sqlalchemy import select

    from pm_app.extensions import db

    return list(db.session.scalars(select(RankingResult).where(RankingResult.period_id == period.id)))


def test_the_demo_seed_publishes_last_quarter_and_drafts_this_one(monkeypatch):
    from sqlalchemy import select

    from pm_app.extensions import db
    from pm_app.fees import seed_bills
    from pm_app.rankings.models import RankingPeriod
    from pm_app.seeding import seed_city

    monkeypatch.setattr(seed_bills, "MONTHS", 6)
    seed_city("street", as_of=date(2026, 11, 20))
    found = [(p.code, p.state.value) for p in db.session.scalars(select(RankingPeriod).order_by(RankingPeriod.code))]
    assert found == [("2026Q3", "published"), ("2026Q4", "draft")]
    published = period_results(db.session.scalar(select(RankingPeriod).where(RankingPeriod.code == "2026Q3")))
    assert published and all(r.snapshot is not None for r in published)
    assert any(r.list_name == "black" for r in published)
