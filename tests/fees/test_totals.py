"""bill_total: the bills summed by compound, month, fee type and firm, kept by the database.

Every write to `bill`, through the app or by hand, in one row or many per statement, leaves the
totals equal to what the bills add up to (`totals.differences()` is empty); the collection rates
read the totals; `pm-app bill-totals` finds a total that was changed behind the triggers' back
and `--rebuild` mends it.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, text, update

from pm_app.extensions import db
from pm_app.fees.models import Bill, BillTotal
from pm_app.fees.reports import totals
from tests.factories import BuildingFactory, HouseholdFactory
from tests.fees.conftest import bills_of
from tests.helpers import count_statements

PERIODS = ("2026-07", "2026-08", "2026-09")
FEE_TYPES = ("property", "parking")


def total_of(compound_id: int, period: str, firm_id: int | None, fee_type: str = "property") -> tuple | None:
    row = db.session.execute(
        select(*(getattr(BillTotal, f) for f in totals.FIGURES)).where(
            BillTotal.compound_id == compound_id,
            BillTotal.period == period,
            BillTotal.fee_type == fee_type,
            BillTotal.firm_id.is_(None) if firm_id is None else BillTotal.firm_id == firm_id,
        )
    ).one_or_none()
    return tuple(row) if row else None


def test_every_money_path_keeps_the_totals(api, city, four, pay):
    """Generation (one INSERT … SELECT), payments, a reversal and a waiver, through the API."""
    officer = city.users["street_officer"]
    api.as_(officer).post("/api/v1/bills/generate", json={"compound_id": city.compound.id, "period": "2026-08"})
    b1, b2, b3, _b4 = bills_of(city.compound.id, "2026-08")
    # bills, receivable, received, households billed, households settled
    assert total_of(city.compound.id, "2026-08", city.firm.id) == (4, 58000, 0, 4, 0)
    pay(officer, b1.id, "200.00")
    partial = pay(officer, b2.id, "60.00").json
    assert total_of(city.compound.id, "2026-08", city.firm.id) == (4, 58000, 26000, 4, 1)
    assert (
        api.as_(officer).post(f"/api/v1/payments/{partial['id']}/reversal", json={"reason": "记错户号"}).status_code
        == 201
    )
    api.as_(officer).post(
        f"/api/v1/bills/{b3.id}/waivers", json={"amount": "120.00", "reason": "低保户", "approved_by": "东街街道"}
    )
    # 1-103 waived in full: asked nothing, so neither billed nor settled
    assert total_of(city.compound.id, "2026-08", city.firm.id) == (4, 46000, 20000, 3, 1)
    assert totals.differences() == []


@st.composite
def statements_on_bills(draw):
    """A few statements as anyone might send them: bills inserted in one statement (a NULL firm,
    other fee types), UPDATEs of many bills at once (payments, waivers, a firm, a compound, a
    status alone), DELETEs."""
    steps = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        kind = draw(st.sampled_from(["insert", "insert", "update", "delete"]))
        if kind == "insert":
            steps.append(
                (
                    "insert",
                    draw(
                        st.lists(
                            st.tuples(
                                st.integers(0, 5),
                                st.sampled_from(PERIODS),
                                st.sampled_from(FEE_TYPES),
                                st.integers(0, 2),
                                st.integers(0, 50_000),
                                st.integers(0, 100),
                                st.integers(0, 100),
                            ),
                            min_size=1,
                            max_size=8,
                        )
                    ),
                )
            )
        else:
            steps.append(
                (
                    kind,
                    draw(st.integers(2, 4)),
                    draw(st.integers(0, 3)),
                    draw(
                        st.sampled_from(
                            ["settle", "unpay", "waive_all", "firm", "no_firm", "compound", "raise_due", "status_only"]
                        )
                    ),
                )
            )
    return steps


CHANGES = {
    "settle": {"paid_fen": Bill.amount_due_fen - Bill.waived_fen},
    "unpay": {"paid_fen": 0},
    "waive_all": {"waived_fen": Bill.amount_due_fen, "paid_fen": 0},
    "raise_due": {"amount_due_fen": Bill.amount_due_fen + 150},
    "status_only": {"status": "partial"},
}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=statements_on_bills())
def test_any_statement_on_the_bills_leaves_the_totals_equal_to_the_bills(city, steps):
    """On PostgreSQL each statement's rows reach the trigger together (transition tables), so the
    many-row statements here are what its grouping must get right; SQLite adds row by row."""
    with db.session.begin_nested() as savepoint:
        compounds = [city.compound.id, city.other.id]
        firms = [city.firm.id, city.other_firm.id, None]
        households = [
            HouseholdFactory(building=BuildingFactory(compound_id=compounds[n % 2]), unit=f"9-{n}") for n in range(6)
        ]
        taken = set()
        for step in steps:
            if step[0] == "insert":
                rows = []
                for n, period, fee_type, firm, due, paid_pct, waived_pct in step[1]:
                    if (n, period, fee_type) in taken:
                        continue
                    taken.add((n, period, fee_type))
                    waived = due * waived_pct // 200
                    rows.append(
                        {
                            "household_id": households[n].id,
                            "compound_id": households[n].compound_id,
                            "firm_id": firms[firm],
                            "period": period,
                            "fee_type": fee_type,
                            "amount_due_fen": due,
                            "due_date": date(2026, 10, 31),
                            "waived_fen": waived,
                            "paid_fen": (due - waived) * paid_pct // 100,
                            "status": "unpaid",
                        }
                    )
                if rows:
                    db.session.execute(insert(Bill), rows)
            else:
                kind, modulus, remainder, change = step
                chosen = (Bill.id % modulus) == (remainder % modulus)
                if kind == "delete":
                    db.session.execute(delete(Bill).where(chosen))
                    taken = {
                        (n, p, f)
                        for n, h in enumerate(households)
                        for p, f in db.session.execute(
                            select(Bill.period, Bill.fee_type).where(Bill.household_id == h.id)
                        )
                    }
                    continue
                values = (
                    CHANGES.get(change)
                    or {
                        "firm": {"firm_id": firms[0]},
                        "no_firm": {"firm_id": None},
                        "compound": {"compound_id": compounds[1]},
                    }[change]
                )
                db.session.execute(
                    update(Bill).where(chosen).values(values).execution_options(synchronize_session=False)
                )
            assert totals.differences() == [], step
        savepoint.rollback()


def test_the_rates_read_the_totals_not_the_bills(api, city, four):
    officer = city.users["street_officer"]
    api.as_(officer).post("/api/v1/bills/generate", json={"compound_id": city.compound.id, "period": "2026-08"})
    with count_statements() as sent:
        response = api.as_(officer).get(
            f"/api/v1/collection-rates?scope=street&id={city.street.id}&period_from=2026-08&period_to=2026-08"
        )
    assert response.json[0]["receivable"] == "580.00"
    read = [s.lower() for s in sent if "bill" in s.lower()]
    assert read and all("from bill_total" in s for s in read), read


def test_the_command_finds_a_total_changed_behind_the_triggers_and_rebuilds_it(app, api, city, four):
    api.as_(city.users["street_officer"]).post(
        "/api/v1/bills/generate", json={"compound_id": city.compound.id, "period": "2026-08"}
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["bill-totals"]).exit_code == 0
    db.session.execute(update(BillTotal).values(received_fen=BillTotal.received_fen + 1))
    checked = runner.invoke(args=["bill-totals"])
    assert checked.exit_code == 1 and "1 totals differ" in checked.output
    assert "bill_total holds (4, 58000, 1, 4, 0)" in checked.output
    rebuilt = runner.invoke(args=["bill-totals", "--rebuild"])
    assert rebuilt.exit_code == 0 and "rebuilt 1 totals" in rebuilt.output
    assert totals.differences() == [] and total_of(city.compound.id, "2026-08", city.firm.id) == (4, 58000, 0, 4, 0)


@pytest.mark.postgres_only
def test_a_statement_that_changes_no_figure_writes_no_total(api, city, four):
    """A status alone, or a due date: the trigger's grouping drops rows whose differences are all
    zero, so a busy bill table does not take the totals' row locks for nothing."""
    api.as_(city.users["street_officer"]).post(
        "/api/v1/bills/generate", json={"compound_id": city.compound.id, "period": "2026-08"}
    )
    where = text("SELECT ctid::text FROM bill_total")
    before = db.session.scalars(where).all()
    db.session.execute(update(Bill).values(due_date=date(2026, 12, 31)))
    assert db.session.scalars(where).all() == before
    db.session.execute(update(Bill).values(paid_fen=1))
    assert db.session.scalars(where).all() != before


@pytest.mark.postgres_only
def test_truncating_the_bills_empties_the_totals(api, city, four):
    api.as_(city.users["street_officer"]).post(
        "/api/v1/bills/generate", json={"compound_id": city.compound.id, "period": "2026-08"}
    )
    assert db.session.scalar(select(BillTotal.bills)) == 4
    db.session.execute(text("TRUNCATE bill CASCADE"))
    assert db.session.scalar(select(BillTotal.id)) is None
