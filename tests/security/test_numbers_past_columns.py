"""A number past what its column holds is a 422 naming the field, on SQLite and PostgreSQL alike,
and nothing is written (issue 23 #11: `cost`, `fee_rate`, ledger amounts, deposits and `quantity`
gave 500s). Each field that writes a number is declared with its column's bound (or a tighter
domain bound, where the product of two numbers must fit too: a bill is fee rate × floor area),
so the refusal comes from the schema, never from the database. Column types: fee_rate_fen
INTEGER, floor_area_dm2 and every *_fen BIGINT, quantity NUMERIC(14, 2), points NUMERIC(6, 2),
counts and years INTEGER."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from pm_app.committees.models import Committee, FundVote, LedgerEntry
from pm_app.common.clock import today
from pm_app.extensions import db
from pm_app.fees.models import Bill, Payment
from pm_app.org.import_columns import MAX_AREA_M2
from pm_app.org.models import Household, ServiceContract
from pm_app.org.schemas import MAX_FEE_RATE_FEN
from pm_app.tickets.models import Ticket
from pm_app.warranties.models import RenovationProject, WarrantyItem
from tests.factories import CompoundFactory

INT4_PLUS_ONE_FEN = "21474836.48"  # 2**31 fen: one past a PostgreSQL integer
BIGINT_PLUS_ONE_FEN = "92233720368547758.08"  # 2**63 fen: one past BIGINT
PAST_NUMERIC_14_2 = "1000000000000.00"  # 13 integer digits: NUMERIC(14, 2) holds 12


def _cases(ids):
    compound, firm, project, ticket = (ids[k]["own"] for k in ("compound", "firm", "project", "ticket"))
    contract = {"compound_id": compound, "firm_id": firm, "start": "2036-01-01", "end": "2037-12-31"}
    project_body = {
        "compound_id": compound,
        "name": "大修",
        "year": 2025,
        "contractor_id": ids["contractor"],
        "acceptance_date": "2025-06-01",
    }
    entry = {"account": "public_revenue", "direction": "in", "date": "2026-09-01", "description": "停车费"}
    vote = {
        "compound_id": compound,
        "purpose": "更换水泵",
        "amount": "1000.00",
        "voted_on": "2026-09-01",
        "participating_area": "100.00",
        "participating_households": 1,
        "approving_area": "100.00",
        "approving_households": 1,
    }
    committee = {
        "compound_id": compound,
        "kind": "owners_committee",
        "elected_on": "2026-01-01",
        "members": [{"name": "张三", "role": "chair"}],
    }
    return [
        ("/api/v1/contracts", contract, "fee_rate", [INT4_PLUS_ONE_FEN, "1000.01", "999999999999.99"]),
        (
            f"/api/v1/compounds/{compound}/households",
            {"building": "9号楼", "unit": "9-909"},
            "floor_area_m2",
            [f"{MAX_AREA_M2}.01", "999999999999.99", BIGINT_PLUS_ONE_FEN],
        ),
        (
            f"/api/v1/projects/{project}/items",
            {"category": "road_paving", "description": "路面"},
            "quantity",
            ["10000000.01", PAST_NUMERIC_14_2, "1e30"],
        ),
        (
            f"/api/v1/tickets/{ticket}/transitions",
            {"to": "resolved"},
            "cost",
            [BIGINT_PLUS_ONE_FEN, "1e30", "10000000000000"],
        ),
        (f"/api/v1/ledger/{compound}/entries", entry, "amount", [BIGINT_PLUS_ONE_FEN, "10000000000000"]),
        ("/api/v1/projects", project_body, "quality_deposit", [BIGINT_PLUS_ONE_FEN, "10000000000000"]),
        ("/api/v1/projects", project_body, "contract_amount", [BIGINT_PLUS_ONE_FEN]),
        ("/api/v1/projects", project_body, "funding", [{"central": BIGINT_PLUS_ONE_FEN}]),
        ("/api/v1/fund-votes", vote, "amount", [BIGINT_PLUS_ONE_FEN]),
        ("/api/v1/fund-votes", vote, "participating_households", [2**31, 2**63]),
        ("/api/v1/fund-votes", vote, "approving_area", [BIGINT_PLUS_ONE_FEN]),
        ("/api/v1/committees", committee, "term_years", [2**31, 6]),
        (
            "/api/v1/deductions",
            {"firm_id": firm, "period_id": ids["period"]["own"], "reason": "投诉"},
            "points",
            ["10000.00", "100.01"],
        ),
    ]


def _rows() -> dict:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (
            ServiceContract,
            Household,
            WarrantyItem,
            Ticket,
            LedgerEntry,
            RenovationProject,
            FundVote,
            Committee,
            Payment,
        )
    }


def test_every_number_past_its_column_is_422_naming_the_field(api, world):
    world.ids["contractor"] = world.city.contractor.id
    admin, regulator = api.as_(world.city.users["admin"]), api.as_(world.city.users["regulator"])
    before, wrong = _rows(), []
    for path, body, field, values in _cases(world.ids):
        caller = regulator if path.endswith("deductions") else admin
        for value in values:
            response = caller.post(path, json={**body, field: value})
            errors = (response.get_json(silent=True) or {}).get("errors", {})
            if response.status_code != 422 or field not in errors:
                wrong.append(f"{path} {field}={value!r}: {response.status_code} {response.get_data(True)[:200]}")
    assert not wrong, "\n".join(wrong)
    assert _rows() == before


def test_a_payment_past_bigint_is_422_naming_the_amount(api, world):
    response = api.as_(world.city.users["admin"]).post(
        "/api/v1/payments",
        json={"bill_id": world.ids["bill"]["own"], "amount": BIGINT_PLUS_ONE_FEN, "method": "cash"},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 422 and "amount" in response.json["errors"], response.get_data(True)


def test_the_largest_area_at_the_largest_fee_rate_bills_exactly(api, city):
    """The two bounds together: a bill of the largest household at the largest rate is an exact
    integer of fen in BIGINT (SQLite would have turned an overflowing product into a REAL)."""
    admin = api.as_(city.users["admin"])
    compound = CompoundFactory(code="GL-9999", street=city.street)
    rate = f"{MAX_FEE_RATE_FEN // 100}.{MAX_FEE_RATE_FEN % 100:02d}"
    contract = admin.post(
        "/api/v1/contracts",
        json={
            "compound_id": compound.id,
            "firm_id": city.firm.id,
            "start": "2024-01-01",
            "end": "2035-12-31",
            "fee_rate": rate,
        },
    )
    assert contract.status_code == 201, contract.get_data(True)
    household = admin.post(
        f"/api/v1/compounds/{compound.id}/households",
        json={"building": "1号楼", "unit": "1-101", "floor_area_m2": f"{MAX_AREA_M2}.00"},
    )
    assert household.status_code == 201, household.get_data(True)
    generated = admin.post(
        "/api/v1/bills/generate", json={"compound_id": compound.id, "period": today().strftime("%Y-%m")}
    )
    assert generated.status_code == 200, generated.get_data(True)
    due = db.session.scalar(select(Bill.amount_due_fen).where(Bill.compound_id == compound.id))
    assert isinstance(due, int) and due == MAX_FEE_RATE_FEN * MAX_AREA_M2
    assert admin.get(f"/api/v1/bills?compound_id={compound.id}").json[0]["amount_due"] == f"{due // 100}.00"


@pytest.mark.parametrize("value", ["sNaN", "Infinity", "1e500000", "10000000.01", "1_0", "١٢"])
def test_the_item_page_refuses_a_quantity_it_cannot_store(client, world, value):
    from tests.security.conftest import login

    login(client, world.city.users["admin"])
    before = _rows()
    response = client.post(
        f"/compounds/{world.ids['compound']['own']}/works/items",
        data={
            "item-project_id": world.ids["project"]["own"],
            "item-category": "road_paving",
            "item-description": "路面",
            "item-quantity": value,
        },
    )
    assert response.status_code == 422, response.status_code
    page = response.get_data(True)
    assert "请填写数量，例如 35.50。" in page or "数量必须在 0 到 10000000 之间。" in page
    assert _rows() == before
