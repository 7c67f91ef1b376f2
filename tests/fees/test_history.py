"""Export a compound's fee history, import it elsewhere: the same bills, payments and statuses."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlalchemy import select

from pm_app.extensions import db
from pm_app.fees.history import HEADERS, history_rows
from pm_app.fees.imports import import_bills
from pm_app.fees.models import Bill
from pm_app.fees.payments import check_totals
from tests.factories import BuildingFactory, CompoundFactory, ContractFactory, HouseholdFactory
from tests.fees.conftest import bills_of


def _csv(rows) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode("utf-8-sig"))


def _books(compound_id):
    return [
        (b.household.building.name, b.household.unit, b.period, b.amount_due_fen, b.paid_fen, b.status)
        for b in db.session.scalars(
            select(Bill).where(Bill.compound_id == compound_id).order_by(Bill.period, Bill.household_id)
        )
    ]


def test_the_history_imported_into_another_compound_gives_the_same_books(api, city, four, pay):
    officer = city.users["street_officer"]
    for period in ("2026-07", "2026-08"):
        api.as_(officer).post("/api/v1/bills/generate", json={"compound_id": city.compound.id, "period": period})
    july, august = bills_of(city.compound.id, "2026-07"), bills_of(city.compound.id, "2026-08")
    pay(officer, july[0].id, "150.00", paid_at="2026-07-20T10:00:00+08:00")
    pay(officer, july[0].id, "50.00", paid_at="2026-07-28T18:30:05+08:00")
    pay(officer, july[1].id, "60.00", paid_at="2026-07-21T09:00:00+08:00")
    mistake = pay(officer, august[2].id, "120.00", paid_at="2026-08-10T09:00:00+08:00").json
    api.as_(officer).post(f"/api/v1/payments/{mistake['id']}/reversal", json={"reason": "记错户"})
    rows = list(history_rows(officer, city.compound.id))
    assert len(rows) == 3 + 6  # July's first bill twice (two payments), the other seven bills once
    assert [str(cell) for cell in rows[0]] == [
        "1号楼",
        "1-101",
        "2026-07",
        "200.00",
        "2026-07-31",
        "150.00",
        "2026-07-20 10:00:00",
        "wechat",
    ]

    # The same households in a compound of another street office's city: the books move.
    twin = CompoundFactory(street=city.street)
    ContractFactory(compound=twin, firm=city.firm, fee_rate_fen=200)
    building = BuildingFactory(compound_id=twin.id, name="1号楼")
    for household in four:
        HouseholdFactory(building=building, unit=household.unit, floor_area_dm2=household.floor_area_dm2)
    result = import_bills(officer, twin, _csv(rows))
    assert (result.bills_created, result.payments_created) == (8, 3)
    assert _books(twin.id) == _books(city.compound.id)
    again = import_bills(officer, twin, _csv(rows))
    assert (again.bills_created, again.payments_created) == (0, 0)
    assert check_totals() == []


def test_the_history_carries_only_what_the_caller_may_see(api, city, four):
    api.as_(city.users["admin"]).post(
        "/api/v1/bills/generate", json={"compound_id": city.compound.id, "period": "2026-07"}
    )
    assert list(history_rows(city.users["contractor_staff"], city.compound.id)) == []
    assert len(list(history_rows(city.users["committee_member"], city.compound.id))) == 4


def test_the_history_downloads_as_csv_and_xlsx_for_those_who_see_the_compound(app, city, four, api):
    from tests.fees.pages import login
    from tests.xlsx import table

    api.as_(city.users["admin"]).post(
        "/api/v1/bills/generate", json={"compound_id": city.compound.id, "period": "2026-07"}
    )
    client = app.test_client()
    login(client, city.users["street_officer"])
    text = client.get(f"/compounds/{city.compound.id}/fees/history.csv").get_data(as_text=True)
    assert text.lstrip("\ufeff").splitlines()[0] == ",".join(HEADERS)
    assert len(text.splitlines()) == 5
    rows = table(client.get(f"/compounds/{city.compound.id}/fees/history.xlsx").data)
    assert list(rows[0]) == list(HEADERS)
    # Typed cells: the amount a number, the due date a date (the CSV keeps "200.00", "2026-07-31").
    assert rows[1][3] == 200 and isinstance(rows[1][4], datetime)
    assert client.get(f"/compounds/{city.other.id}/fees/history.csv").status_code == 404


def test_the_history_imported_back_into_its_own_compound_adds_nothing(api, city, four, pay):
    """Payments taken at the counter carry their own keys; the import knows them by bill, second
    and amount, so even a partly paid bill is not paid twice."""
    officer = city.users["street_officer"]
    api.as_(officer).post("/api/v1/bills/generate", json={"compound_id": city.compound.id, "period": "2026-07"})
    july = bills_of(city.compound.id, "2026-07")
    pay(officer, july[0].id, "60.00")  # now, with microseconds
    pay(officer, july[1].id, "160.00", paid_at="2026-07-21T09:00:00+08:00")
    before = _books(city.compound.id)
    result = import_bills(officer, city.compound, _csv(history_rows(officer, city.compound.id)))
    assert (result.bills_created, result.bills_existing, result.payments_created, result.payments_existing) == (
        0,
        4,
        0,
        2,
    )
    assert _books(city.compound.id) == before
