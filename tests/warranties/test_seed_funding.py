"""The seeded renovation money (issue 26): every project's deposit within the cap and agreed as a
retention, special bonds in the funding, payments that never pass a source's funds nor the seeding
day, and a demo city whose report reads like seed 003's (some late, part paid)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from pm_app.auth.models import Role
from pm_app.extensions import db
from pm_app.warranties import deposit_rules, report
from pm_app.warranties.funding_models import Disbursement
from pm_app.warranties.models import DepositTerms, ProjectFunding, RenovationProject
from tests.factories import UserFactory
from tests.warranties.test_seed import AS_OF, _one_month_of_bills, demo_city  # noqa: F401  (fixtures)


def test_seeded_deposits_keep_the_rules_and_payments_stay_within_funds(demo_city):
    projects = db.session.scalars(select(RenovationProject)).all()
    for project in projects:
        deposit_rules.check_deposit(project)  # raises on a deposit the API would refuse
        assert project.deposit_terms == DepositTerms.retention and project.planned_completion is not None
    funded = {
        (p, s): int(a)
        for p, s, a in db.session.execute(
            select(ProjectFunding.project_id, ProjectFunding.source, ProjectFunding.amount_fen)
        )
    }
    paid = db.session.execute(
        select(
            Disbursement.project_id,
            Disbursement.source,
            func.sum(Disbursement.amount_fen),
            func.max(Disbursement.paid_on),
        ).group_by(Disbursement.project_id, Disbursement.source)
    ).all()
    assert paid
    for project_id, source, amount, last in paid:
        assert amount <= funded[(project_id, source)] and last <= AS_OF


def test_the_demo_city_report_has_bonds_late_projects_and_partial_payment(demo_city):
    found = report.renovation_report(UserFactory(role=Role.regulator), report.Filters(as_of=AS_OF))
    assert Decimal("0.2") < Decimal(found["funding"]["by_source"]["special_bonds"]["share"]) < Decimal("0.45")
    assert Decimal("0.4") < Decimal(found["completion"]["late_share"]) < Decimal("0.85")
    assert Decimal("0.3") < Decimal(found["payments"]["progress"]) < Decimal("1")
