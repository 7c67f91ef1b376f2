"""Builders of the works page tests: projects and items made through the services, as the
street office would, and the page helpers the fee tests share."""

from __future__ import annotations

from datetime import date

from pm_app.extensions import db
from pm_app.org.models import FirmKind
from pm_app.warranties import services
from tests.factories import CompoundFactory, ContractFactory, FirmFactory
from tests.fees.pages import hidden, login, page, statements  # noqa: F401  (shared helpers)


def build_project(user, compound, contractor, name="改造工程", accepted=date(2021, 6, 30), deposit_fen=120_000_00):
    return services.create_project(
        user,
        {
            "compound_id": compound.id,
            "name": name,
            "year": accepted.year,
            "contractor_id": contractor.id,
            "acceptance_date": accepted,
            "deposit_fen": deposit_fen,
            "funding": {},
            "contract_amount_fen": deposit_fen * 40 if deposit_fen else None,
        },
    )  # 2.5 %: within the 3 % cap


def build_item(user, project, category="road_paving", description="路面硬化", **extra):
    return services.add_item(user, project, {"category": category, "description": description, **extra})


def other_contractor_project(city):
    """A second contractor's works in `city.other` (the other street)."""
    contractor = FirmFactory(kind=FirmKind.contractor, name="丁建设")
    project = build_project(city.users["admin"], city.other, contractor, name="南门花园改造工程")
    build_item(city.users["admin"], project, description="南门路面")
    db.session.flush()
    return project


def compounds_with_expiring_items(city, n: int, contractor) -> None:
    """`n` more compounds in `city.street`, each with one road item ending 2026-06-30."""
    for k in range(n):
        compound = CompoundFactory(street=city.street)
        ContractFactory(compound=compound)  # its management settled, as seed 004 §九(五) asks before works
        build_item(city.users["admin"], build_project(city.users["admin"], compound, contractor, name=f"工程{k}"))
    db.session.flush()
