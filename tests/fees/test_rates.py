"""Collection rates on a fixture counted by hand, both definitions, now and as of a day.

Bills of 2026-08 (see the `four` fixture): 200.00, 160.00, 120.00 and 100.00.
- 1-101 pays 200.00 on 20 Aug; 1-102 pays 100.00 of 160.00 on 25 Aug;
- 1-103's 120.00 is waived in full (the waiver is recorded today);
- 1-104 pays 100.00 on 10 Sep.
"""

from __future__ import annotations

import pytest

from tests.fees.conftest import bills_of
from tests.helpers import count_statements

RATES = "/api/v1/collection-rates"


@pytest.fixture
def august(api, city, four, pay):
    officer = city.users["street_officer"]
    api.as_(officer).post("/api/v1/bills/generate", json={"compound_id": city.compound.id, "period": "2026-08"})
    b1, b2, b3, b4 = bills_of(city.compound.id, "2026-08")
    pay(officer, b1.id, "200.00", paid_at="2026-08-20T10:00:00+08:00")
    pay(officer, b2.id, "100.00", paid_at="2026-08-25T10:00:00+08:00")
    api.as_(officer).post(
        f"/api/v1/bills/{b3.id}/waivers", json={"amount": "120.00", "reason": "低保户", "approved_by": "东街街道"}
    )
    pay(officer, b4.id, "100.00", paid_at="2026-09-10T23:59:00+08:00")
    return city


def rates(api, user, query):
    response = api.as_(user).get(f"{RATES}?{query}")
    assert response.status_code == 200, response.json
    return response.json


def test_both_rates_now_match_the_hand_count(api, august):
    (row,) = rates(
        api,
        august.users["street_officer"],
        f"scope=compound&id={august.compound.id}&period_from=2026-08&period_to=2026-08",
    )
    # receivable 580.00 − 120.00 waived = 460.00; received 400.00 → 0.8696
    # households billed 3 (the waived one was asked nothing), settled 1-101 and 1-104 → 0.6667
    assert row == {
        "period": "2026-08",
        "receivable": "460.00",
        "received": "400.00",
        "amount_rate": "0.8696",
        "households_billed": 3,
        "households_paid": 2,
        "household_rate": "0.6667",
    }


def test_as_of_the_end_of_august_counts_what_had_come_in_by_then(api, august):
    (row,) = rates(
        api,
        august.users["street_officer"],
        f"scope=compound&id={august.compound.id}&period_from=2026-08&period_to=2026-08&as_of=2026-08-31",
    )
    # the waiver (today) and 1-104's payment (10 Sep) had not happened: 300.00 of 580.00, 1 of 4
    assert row == {
        "period": "2026-08",
        "receivable": "580.00",
        "received": "300.00",
        "amount_rate": "0.5172",
        "households_billed": 4,
        "households_paid": 1,
        "household_rate": "0.2500",
    }


@pytest.mark.parametrize("listed", [0, 20_000])
def test_as_of_gives_the_same_answer_when_many_bills_were_touched_since(api, august, monkeypatch, listed):
    """Past LISTED_BILLS touched bills the correction joins instead of listing ids: same figures."""
    from pm_app.fees import rates as module

    monkeypatch.setattr(module, "LISTED_BILLS", listed)
    (row,) = rates(
        api,
        august.users["street_officer"],
        f"scope=compound&id={august.compound.id}&period_from=2026-08&period_to=2026-08&as_of=2026-08-31",
    )
    assert (row["receivable"], row["received"], row["households_billed"], row["households_paid"]) == (
        "580.00",
        "300.00",
        4,
        1,
    )


def test_as_of_is_a_whole_day_in_the_city(api, august):
    """1-104 paid at 23:59 on 10 Sep Beijing time (15:59 UTC): as of 10 Sep it counts."""
    (row,) = rates(
        api,
        august.users["street_officer"],
        f"scope=compound&id={august.compound.id}&period_from=2026-08&period_to=2026-08&as_of=2026-09-10",
    )
    assert row["received"] == "400.00"
    (row,) = rates(
        api,
        august.users["street_officer"],
        f"scope=compound&id={august.compound.id}&period_from=2026-08&period_to=2026-08&as_of=2026-09-09",
    )
    assert row["received"] == "300.00"


def test_every_period_of_the_range_has_a_row_and_empty_ones_have_no_rate(api, august):
    rows = rates(
        api, august.users["street_officer"], f"scope=street&id={august.street.id}&period_from=2026-07&period_to=2026-09"
    )
    assert [r["period"] for r in rows] == ["2026-07", "2026-08", "2026-09"]
    assert rows[0] == {
        "period": "2026-07",
        "receivable": "0.00",
        "received": "0.00",
        "amount_rate": None,
        "households_billed": 0,
        "households_paid": 0,
        "household_rate": None,
    }


def test_street_firm_and_city_scopes_add_up_their_compounds(api, august, pay):
    from tests.fees.conftest import bills_of as of

    regulator = august.users["regulator"]
    api.as_(regulator).post("/api/v1/bills/generate", json={"compound_id": august.other.id, "period": "2026-08"})
    (other_bill,) = of(august.other.id, "2026-08")  # 86.40 m² × 0.85 = 73.44
    pay(regulator, other_bill.id, "73.44", paid_at="2026-08-28T09:00:00+08:00")
    query = "period_from=2026-08&period_to=2026-08"
    (street,) = rates(api, regulator, f"scope=street&id={august.street.id}&{query}")
    (firm,) = rates(api, regulator, f"scope=firm&id={august.other_firm.id}&{query}")
    (city,) = rates(api, regulator, f"scope=city&{query}")
    assert (street["receivable"], street["received"]) == ("460.00", "400.00")
    assert (firm["receivable"], firm["received"], firm["amount_rate"]) == ("73.44", "73.44", "1.0000")
    assert (city["receivable"], city["received"]) == ("533.44", "473.44")
    assert (city["households_billed"], city["households_paid"]) == (4, 3)


def test_city_scope_is_for_the_city_and_foreign_scopes_are_404(api, august):
    query = "period_from=2026-08&period_to=2026-08"
    officer = api.as_(august.users["street_officer"])
    assert officer.get(f"{RATES}?scope=city&{query}").status_code == 403
    assert officer.get(f"{RATES}?scope=street&id={august.other_street.id}&{query}").status_code == 404
    assert officer.get(f"{RATES}?scope=compound&id={august.other.id}&{query}").status_code == 404
    firm = api.as_(august.users["firm_staff"])
    assert firm.get(f"{RATES}?scope=firm&id={august.other_firm.id}&{query}").status_code == 404
    assert firm.get(f"{RATES}?scope=firm&id={august.firm.id}&{query}").status_code == 200


def test_bad_queries_name_the_field(api, august):
    officer = api.as_(august.users["street_officer"])
    assert "id" in officer.get(f"{RATES}?scope=street&period_from=2026-08&period_to=2026-08").json["errors"]
    assert (
        "period_to"
        in officer.get(f"{RATES}?scope=street&id={august.street.id}&period_from=2026-08&period_to=2026-07").json[
            "errors"
        ]
    )
    assert "scope" in officer.get(f"{RATES}?scope=planet&period_from=2026-08&period_to=2026-08").json["errors"]
    assert "period_from" in officer.get(f"{RATES}?scope=city&period_from=Aug&period_to=2026-08").json["errors"]


def test_the_street_rates_cost_the_same_statements_whatever_the_number_of_compounds(api, august, app):
    from tests.factories import BuildingFactory, CompoundFactory, ContractFactory, HouseholdFactory

    def statements(user, query):
        with count_statements() as sent:
            rates(api, user, query)
        return [s for s in sent if "bill" in s.lower()]

    user = august.users["regulator"]
    query = f"scope=street&id={august.street.id}&period_from=2026-01&period_to=2026-12&as_of=2026-10-01"
    before = statements(user, query)
    for n in range(12):
        compound = CompoundFactory(street=august.street)
        ContractFactory(compound=compound, firm=august.firm)
        HouseholdFactory(building=BuildingFactory(compound_id=compound.id))
        api.as_(user).post("/api/v1/bills/generate", json={"compound_id": compound.id, "period": "2026-08"})
    # The totals, and for as_of the bills touched since and their correction: three, always.
    assert len(statements(user, query)) == len(before) == 3


def test_the_homes_single_pass_equals_the_trend_and_the_last_month_by_compound(api, august, pay, app):
    """The city home reads its trend and the health's last month in one statement
    (rates.trend_and_last_by_compound): the same figures as the two statements it replaces."""
    from pm_app.fees import rates as r
    from tests.fees.conftest import bills_of as of

    regulator = august.users["regulator"]
    for period in ("2026-07", "2026-09"):
        api.as_(regulator).post("/api/v1/bills/generate", json={"compound_id": august.other.id, "period": period})
    pay(regulator, of(august.other.id, "2026-09")[0].id, "50.00", paid_at="2026-09-28T09:00:00+08:00")
    where = r.any_fee_bills
    with app.app_context():
        trend, last = r.trend_and_last_by_compound(where, "2026-06", "2026-09")
        assert trend == r.rates_by_period(where, "2026-06", "2026-09")
        assert last == r.rates_by_compound(where, "2026-09", "2026-09")
        assert set(last) == {august.other.id} and [t.period for t in trend][0] == "2026-06"
        assert trend[-1].received == 5000 and trend[2].receivable == 46000  # 580.00 billed − 120.00 waived


def test_the_period_bounds_reach_postgresql_written_into_the_statement():
    # Bound, they would let PostgreSQL plan a prepared statement once for any range, and that
    # plan misjudged the regulator's twelve months (690 ms instead of 380, docs/performance.md).
    from sqlalchemy import select
    from sqlalchemy.dialects import postgresql

    from pm_app.fees import rates
    from pm_app.fees.models import Bill

    compiled = (
        select(Bill.id)
        .where(rates.within(Bill, "2025-11", "2026-10"))
        .compile(dialect=postgresql.dialect(), compile_kwargs={"render_postcompile": True})
    )
    assert "bill.period >= '2025-11' AND bill.period <= '2026-10'" in str(compiled)
    assert not compiled.params
