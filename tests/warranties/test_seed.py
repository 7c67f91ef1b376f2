"""The seeded works: the same every time, items every rule of the domain accepts, deposits and
funding that add up, and a 三角花园-style project whose guarantees have partly lapsed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from pm_app.extensions import db
from pm_app.fees import seed_bills
from pm_app.org.models import Building, Compound
from pm_app.seeding import seed_city
from pm_app.warranties import seed_works
from pm_app.warranties.dates import add_years
from pm_app.warranties.models import (
    DepositDecision,
    DepositState,
    Inspection,
    ProjectFunding,
    RenovationProject,
    WarrantyCategory,
    WarrantyItem,
)
from tests.alerts.helpers import alerts, sweep

AS_OF = date(2026, 11, 21)


@pytest.fixture(autouse=True)
def _one_month_of_bills(monkeypatch):
    """The works do not read the bills (tests/fees/test_seed.py covers them)."""
    monkeypatch.setattr(seed_bills, "MONTHS", 1)


@pytest.fixture
def demo_city():
    return seed_city("demo", as_of=AS_OF)


def _snapshot() -> dict:
    projects = db.session.execute(
        select(
            Compound.code,
            RenovationProject.name,
            RenovationProject.contract_amount_fen,
            RenovationProject.deposit_fen,
            RenovationProject.deposit_release_date,
            RenovationProject.deposit_state,
        )
        .join(Compound, Compound.id == RenovationProject.compound_id)
        .order_by(Compound.code)
    ).all()
    items = db.session.execute(
        select(
            Compound.code,
            WarrantyItem.description,
            WarrantyItem.quantity,
            WarrantyItem.location,
            WarrantyItem.warranty_end,
        )
        .join(Compound, Compound.id == WarrantyItem.compound_id)
        .order_by(Compound.code, WarrantyItem.id)
    ).all()
    return {"projects": projects, "items": items}


def test_the_works_are_the_same_every_time():
    first_run = db.session.begin_nested()
    seed_city("street", as_of=AS_OF)
    first = _snapshot()
    first_run.rollback()

    seed_city("street", as_of=AS_OF)
    assert _snapshot() == first
    assert len(first["projects"]) == 15 and len(first["items"]) > 15 * 30


def test_every_item_meets_its_category_minimum_and_ends_years_after_its_start(demo_city):
    rows = db.session.execute(
        select(
            WarrantyItem.warranty_years.label("years"),
            WarrantyItem.warranty_start.label("start"),
            WarrantyItem.warranty_end.label("end"),
            WarrantyItem.compound_id,
            WarrantyItem.quantity,
            WarrantyCategory.min_years,
            WarrantyCategory.code,
            RenovationProject.compound_id.label("project_compound"),
            RenovationProject.acceptance_date,
        )
        .join(WarrantyCategory, WarrantyCategory.id == WarrantyItem.category_id)
        .join(RenovationProject, RenovationProject.id == WarrantyItem.project_id)
    ).all()
    assert len(rows) == demo_city.rows["warranty_item"]
    assert all(row.years >= row.min_years for row in rows)
    assert all(row.end == add_years(row.start, row.years) for row in rows)
    assert all(row.compound_id == row.project_compound and row.start == row.acceptance_date for row in rows)
    assert all(row.quantity > 0 for row in rows)
    assert {row.code for row in rows} == {
        "road_paving",
        "wall_fence",
        "accessibility",
        "roof_waterproofing",
        "plumbing_electrical",
        "greenery",
    }


def test_one_project_per_compound_and_about_fifty_items_each(demo_city):
    assert demo_city.rows["renovation_project"] == db.session.scalar(select(func.count()).select_from(Compound)) == 60
    per_compound = demo_city.rows["warranty_item"] / 60
    assert 40 <= per_compound <= 60
    roofs = db.session.scalar(
        select(func.count())
        .select_from(WarrantyItem)
        .join(WarrantyCategory)
        .where(WarrantyCategory.code == "roof_waterproofing")
    )
    assert roofs == db.session.scalar(select(func.count()).select_from(Building))  # one roof per building


def test_deposits_funding_and_decisions_add_up(demo_city):
    projects = list(db.session.scalars(select(RenovationProject)))
    funded = dict(
        db.session.execute(
            select(ProjectFunding.project_id, func.sum(ProjectFunding.amount_fen)).group_by(ProjectFunding.project_id)
        ).all()
    )
    decided = {
        (p, kind): int(total)
        for p, kind, total in db.session.execute(
            select(DepositDecision.project_id, DepositDecision.kind, func.sum(DepositDecision.amount_fen)).group_by(
                DepositDecision.project_id, DepositDecision.kind
            )
        )
    }
    for project in projects:
        assert 0.019 <= project.deposit_fen / project.contract_amount_fen <= 0.03  # the cap (deposit_rules)
        assert funded[project.id] == project.contract_amount_fen
        assert decided.get((project.id, "release"), 0) == project.deposit_returned_fen
        assert decided.get((project.id, "forfeit"), 0) == project.deposit_forfeited_fen
        assert project.deposit_release_date in (
            add_years(project.acceptance_date, 2),
            add_years(project.acceptance_date, 3),
        )
        if project.deposit_release_date >= AS_OF:
            assert project.deposit_state == DepositState.held
    states = {p.deposit_state for p in projects}
    assert DepositState.released in states and DepositState.held in states
    assert db.session.scalar(select(func.max(DepositDecision.decided_at))).date() < AS_OF


def test_the_quanjiao_style_project_has_lapsed_and_soon_ending_guarantees(demo_city):
    model = seed_works.quanjiao_compound(demo_city, demo_city.compounds)
    project = db.session.scalar(select(RenovationProject).where(RenovationProject.compound_id == model))
    assert "白改黑" in project.name and project.deposit_state == DepositState.held
    assert db.session.get(Compound, model).street_id == demo_city.streets[0].id
    ends = dict(
        db.session.execute(
            select(WarrantyItem.description, WarrantyItem.warranty_end).where(WarrantyItem.project_id == project.id)
        ).all()
    )
    assert ends["绿化改造"] <= AS_OF and ends["新建雨水管道（dn300–dn600）"] <= AS_OF  # lapsed
    assert AS_OF < ends["小区道路白改黑（沥青罩面）"] <= add_years(AS_OF, 1)  # still to come
    inspected = db.session.scalars(select(Inspection.summary).where(Inspection.project_id == project.id)).all()
    assert "质保期满前联合检查：绿化" in inspected


def test_the_seeded_city_raises_warranty_and_deposit_alerts_but_is_not_all_alarms(demo_city):
    sweep("warranty_expiring", AS_OF)
    sweep("deposit_release_due", AS_OF)
    expiring = alerts("warranty_expiring")
    assert 0 < len(expiring) < demo_city.rows["warranty_item"] * 0.15
    assert {a.stage for a in expiring} == {"T-180", "T-90", "T-30"}
    due = alerts("deposit_release_due")
    assert 0 < len(due) < 60 * 0.4
    assert all(a.due_on - timedelta(days=30) <= AS_OF for a in due)


def test_progress_reports_the_works_to_their_end():
    reports = []
    seed_city("street", as_of=AS_OF, progress=lambda step, done, total: reports.append((step, done, total)))
    works = [r for r in reports if r[0] == "works"]
    assert works and works[-1] == ("works", 15, 15)
