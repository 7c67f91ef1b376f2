"""The warranty alert rules: an item's pre-expiry alert moves T-180 → T-90 → T-30 and resolves when
the guarantee lapses, reaching the street office, the serving firm, the contractor and the
committee; a deposit due for release is raised until all of it is decided."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from pm_app.alerts.models import AlertRecipient
from pm_app.alerts.rules import RULES
from pm_app.auth.models import Role
from pm_app.common.clock import now
from pm_app.extensions import db
from pm_app.org.models import FirmKind
from pm_app.warranties import deposit
from pm_app.warranties.models import RenovationProject, WarrantyItem
from pm_app.warranties.rules import warranty_stage
from pm_app.warranties.services import category_by_code
from tests.alerts.helpers import alerts, sweep
from tests.factories import CompoundFactory, ContractFactory, FirmFactory, UserFactory
from tests.helpers import count_statements

END = date(2026, 6, 30)  # the project fixture's acceptance (2021-06-30) + 5 years: its roads' end


def item_ending(project_id: int, compound_id: int, end: date, category: str = "road_paving") -> WarrantyItem:
    """An item of the project whose guarantee ends on `end` (the category minimum, started to fit)."""
    kind = category_by_code(category)
    item = WarrantyItem(
        project_id=project_id,
        compound_id=compound_id,
        category_id=kind.id,
        description=f"{kind.name}（{end}）",
        warranty_years=kind.min_years,
        warranty_start=end.replace(year=end.year - kind.min_years),
        warranty_end=end,
    )
    db.session.add(item)
    db.session.flush()
    return item


def days_before(end: date, days: int) -> date:
    return end - timedelta(days=days)


def open_alerts(rule: str) -> set[tuple[int, str]]:
    return {(a.subject_id, a.stage) for a in alerts(rule) if a.state != "resolved"}


@pytest.mark.parametrize(
    "days,expected",
    [
        (181, None),
        (180, ("T-180", "warning")),
        (91, ("T-180", "warning")),
        (90, ("T-90", "warning")),
        (31, ("T-90", "warning")),
        (30, ("T-30", "critical")),
        (1, ("T-30", "critical")),
        (0, None),
        (-1, None),
    ],
)
def test_the_stage_is_the_nearest_one_reached(days, expected):
    assert warranty_stage(days) == expected


@pytest.mark.parametrize("days,stage", [(181, None), (180, "T-180"), (90, "T-90"), (30, "T-30"), (0, None)])
def test_boundary_days_as_the_sweep_sees_them(city, project, days, stage):
    item = item_ending(project["id"], city.compound.id, END)
    sweep("warranty_expiring", days_before(END, days))
    assert open_alerts("warranty_expiring") == ({(item.id, stage)} if stage else set())


def test_an_items_alert_moves_through_the_stages_and_resolves_when_the_guarantee_lapses(city, project):
    item = item_ending(project["id"], city.compound.id, END)
    timeline = [
        (181, None),
        (180, "T-180"),
        (120, "T-180"),
        (90, "T-90"),
        (45, "T-90"),
        (30, "T-30"),
        (1, "T-30"),
        (0, None),
        (-30, None),
    ]
    for days, stage in timeline:
        sweep("warranty_expiring", days_before(END, days))
        assert open_alerts("warranty_expiring") == ({(item.id, stage)} if stage else set()), days
    history = [(a.stage, a.severity, a.state, a.resolution, a.due_on) for a in alerts("warranty_expiring")]
    assert history == [
        ("T-180", "warning", "resolved", "superseded", END),
        ("T-90", "warning", "resolved", "superseded", END),
        ("T-30", "critical", "resolved", "cleared", END),
    ]


def test_a_repeated_sweep_adds_nothing(city, project):
    item_ending(project["id"], city.compound.id, END)
    as_of = days_before(END, 60)
    assert sweep("warranty_expiring", as_of).opened == 1
    result = sweep("warranty_expiring", as_of)
    assert (result.opened, result.resolved, len(alerts())) == (0, 0, 1)


def test_the_alert_asks_for_the_pre_expiry_joint_inspection(city, project):
    item = item_ending(project["id"], city.compound.id, END)
    sweep("warranty_expiring", days_before(END, 60))
    [alert] = alerts("warranty_expiring")
    assert (alert.subject_type, alert.subject_id, alert.compound_id, alert.firm_id) == (
        "warranty_item",
        item.id,
        city.compound.id,
        city.contractor.id,
    )
    assert alert.dedup_key == f"warranty_expiring:warranty_item:{item.id}:T-90"
    assert "质保期满前联合检查" in alert.title and "东门新村" in alert.title and "2026-06-30" in alert.title


def inbox(api, user, rule: str) -> list[int]:
    response = api.as_(user).get(f"/api/v1/alerts?rule={rule}")
    assert response.status_code == 200, response.json
    return [a["subject_id"] for a in response.json]


def test_the_street_office_firm_contractor_and_committee_hear_and_others_do_not(api, city, project):
    item = item_ending(project["id"], city.compound.id, END)
    sweep("warranty_expiring", days_before(END, 100))
    [alert] = alerts("warranty_expiring")
    recipients = set(
        db.session.execute(
            select(AlertRecipient.audience, AlertRecipient.org_id).where(AlertRecipient.alert_id == alert.id)
        ).all()
    )
    assert recipients == {
        ("street", city.street.id),
        ("firm", city.firm.id),
        ("contractor", city.contractor.id),
        ("committee", city.compound.id),
    }
    for role in ("street_officer", "firm_staff", "contractor_staff", "committee_member", "regulator"):
        assert inbox(api, city.users[role], "warranty_expiring") == [item.id], role
    outsiders = [
        UserFactory(role=Role.street_officer, streets=[city.other_street]),
        UserFactory(role=Role.firm_staff, firm=city.other_firm),
        UserFactory(role=Role.contractor_staff, firm=FirmFactory(kind=FirmKind.contractor)),
        UserFactory(role=Role.committee_member, compound=city.other),
    ]
    for user in outsiders:
        assert inbox(api, user, "warranty_expiring") == [], user.role


def test_a_compound_without_a_current_contract_has_no_firm_to_tell(city, project):
    item_ending(project["id"], city.compound.id, END)
    city.contract.end_date = date(2025, 12, 31)  # ended before the sweep day
    db.session.flush()
    sweep("warranty_expiring", days_before(END, 100))
    [alert] = alerts("warranty_expiring")
    assert "firm" not in {r.audience for r in alert.recipients}


def _hand_count(ends: dict[int, date], as_of: date) -> set[tuple[int, str]]:
    """The stages counted by hand from the end dates, independent of the rule's code."""
    expected = set()
    for item_id, end in ends.items():
        days = (end - as_of).days
        if 1 <= days <= 30:
            expected.add((item_id, "T-30"))
        elif 31 <= days <= 90:
            expected.add((item_id, "T-90"))
        elif 91 <= days <= 180:
            expected.add((item_id, "T-180"))
    return expected


def test_the_sweep_as_of_any_date_raises_exactly_what_a_hand_count_of_the_end_dates_gives(city, project):
    other = RenovationProject(
        compound_id=city.other.id,
        name="南门花园改造",
        year=2020,
        contractor_id=city.contractor.id,
        acceptance_date=date(2020, 9, 1),
    )
    db.session.add(other)
    db.session.flush()
    base = date(2026, 3, 1)
    offsets = (-5, 0, 1, 2, 29, 30, 31, 60, 89, 90, 91, 150, 179, 180, 181, 200, 365, 400)
    ends = {}
    for n, offset in enumerate(offsets):
        owner = (project["id"], city.compound.id) if n % 2 else (other.id, city.other.id)
        category = ("road_paving", "greenery", "wall_fence", "plumbing_electrical")[n % 4]
        item = item_ending(*owner, base + timedelta(days=offset), category)
        ends[item.id] = item.warranty_end
    # Successive sweeps, as the daily schedule would run them, and a few jumps (a missed week).
    for as_of in (
        base - timedelta(days=10),
        base,
        base + timedelta(days=1),
        base + timedelta(days=30),
        base + timedelta(days=37),
        base + timedelta(days=90),
        base + timedelta(days=200),
        base + timedelta(days=400),
    ):
        expected = _hand_count(ends, as_of)
        found = {(f.subject_id, f.stage) for f in RULES["warranty_expiring"].find(as_of, now())}
        assert found == expected, as_of
        sweep("warranty_expiring", as_of)
        assert open_alerts("warranty_expiring") == expected, as_of
        subjects = [s for s, _ in open_alerts("warranty_expiring")]
        assert len(subjects) == len(set(subjects))  # one open alert per item, ever


def _add_works(n_compounds: int, items_each: int, end: date) -> None:
    contractor = FirmFactory(kind=FirmKind.contractor)
    for _ in range(n_compounds):
        contract = ContractFactory(compound=CompoundFactory())
        project = RenovationProject(
            compound_id=contract.compound_id,
            name="改造",
            year=2021,
            deposit_fen=100,
            contractor_id=contractor.id,
            acceptance_date=date(2021, 6, 30),
            deposit_release_date=end,
        )
        db.session.add(project)
        db.session.flush()
        for i in range(items_each):
            item_ending(project.id, project.compound_id, end + timedelta(days=i * 20))


def _statements(as_of: date) -> tuple[int, int]:
    with count_statements() as sent:
        found = [f for rule in ("warranty_expiring", "deposit_release_due") for f in RULES[rule].find(as_of, now())]
    return len(sent), len(found)


def test_the_number_of_statements_does_not_grow_with_the_items():
    as_of = days_before(END, 10)
    _add_works(2, 2, END)
    few, found = _statements(as_of)
    assert found == 2 * 2 + 2 and few == 2  # one statement per rule
    _add_works(10, 8, END)
    assert _statements(as_of) == (few, 2 * 2 + 2 + 10 * 8 + 10)


# --- deposit_release_due ---------------------------------------------------------------------


def test_a_deposit_is_due_30_days_before_its_release_date_overdue_on_it_and_resolves_when_decided(city, project):
    release_on = date(2026, 6, 30)
    assert sweep("deposit_release_due", days_before(release_on, 31)).opened == 0
    sweep("deposit_release_due", days_before(release_on, 30))
    [due] = alerts("deposit_release_due")
    assert (due.subject_type, due.subject_id, due.stage, due.severity, due.due_on) == (
        "renovation_project",
        project["id"],
        "due",
        "warning",
        release_on,
    )
    assert "1200000.00" in due.title
    assert {(r.audience, r.org_id) for r in due.recipients} == {
        ("street", city.street.id),
        ("regulator", 0),
        ("contractor", city.contractor.id),
    }

    sweep("deposit_release_due", release_on)
    assert [(a.stage, a.state, a.resolution) for a in alerts("deposit_release_due")] == [
        ("due", "resolved", "superseded"),
        ("overdue", "open", None),
    ]

    officer = city.users["street_officer"]
    works = db.session.get(RenovationProject, project["id"])
    deposit.release(officer, works, 100_000_000, "质保期内维修均已完成，退还大部分")
    assert sweep("deposit_release_due", release_on + timedelta(days=3)).resolved == 0  # 200,000.00 still held
    deposit.forfeit(officer, works, None, "屋面渗漏未修复，扣除余款")
    assert sweep("deposit_release_due", release_on + timedelta(days=4)).resolved == 1
    assert alerts("deposit_release_due")[-1].resolution == "cleared"


def test_the_deposit_alert_reaches_the_street_office_regulator_and_contractor_only(api, city, project):
    sweep("deposit_release_due", date(2026, 7, 1))
    for role in ("street_officer", "regulator", "contractor_staff"):
        assert inbox(api, city.users[role], "deposit_release_due") == [project["id"]], role
    for role in ("firm_staff", "committee_member"):
        assert inbox(api, city.users[role], "deposit_release_due") == [], role
    assert inbox(api, UserFactory(role=Role.street_officer, streets=[city.other_street]), "deposit_release_due") == []


def test_a_project_without_a_deposit_or_a_release_date_is_not_raised(city):
    for deposit_fen, release_on in ((0, date(2026, 6, 30)), (500_000, None)):
        db.session.add(
            RenovationProject(
                compound_id=city.compound.id,
                name="无保证金",
                year=2021,
                contractor_id=city.contractor.id,
                acceptance_date=date(2021, 6, 30),
                deposit_fen=deposit_fen,
                deposit_release_date=release_on,
            )
        )
    db.session.flush()
    assert sweep("deposit_release_due", date(2026, 7, 1)).opened == 0


def test_both_rules_are_scheduled_daily():
    from pm_app.alerts.schedule import SCHEDULE

    crons = {e.kwargs.get("rule"): e.cron for e in SCHEDULE}
    assert crons["warranty_expiring"] == "50 6 * * *" and crons["deposit_release_due"] == "55 6 * * *"
    assert isinstance(now(), datetime)
