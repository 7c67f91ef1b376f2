"""Who bills which months (issue 23, finding 9): a firm whose contract ended cannot back-bill the
compound, and a month bills only the households on record by its end."""

from __future__ import annotations

from datetime import date

from pm_app.common.clock import today
from pm_app.fees.periods import period_of
from tests.factories import ContractFactory
from tests.fees.conftest import bills_of


def generate(api, user, compound_id, period):
    return api.as_(user).post("/api/v1/bills/generate?lang=en", json={"compound_id": compound_id, "period": period})


def test_a_firm_whose_contract_ended_cannot_back_bill_its_old_months(api, city):
    city.contract.end_date = date(2026, 6, 30)
    ContractFactory(
        compound=city.compound, firm=city.other_firm, start_date=date(2026, 7, 1), end_date=date(2035, 12, 31)
    )
    refused = generate(api, city.users["firm_staff"], city.compound.id, "2026-03")
    assert refused.status_code == 403
    assert bills_of(city.compound.id, "2026-03") == []
    # the street office still can, and the bills are the old contract's
    done = generate(api, city.users["street_officer"], city.compound.id, "2026-03")
    assert done.status_code == 200 and done.json["created"] == 1
    assert bills_of(city.compound.id, "2026-03")[0].firm_id == city.firm.id


def test_a_firm_still_serving_bills_its_own_months_and_no_one_elses(api, city):
    assert generate(api, city.users["firm_staff"], city.compound.id, "2026-03").status_code == 200
    assert generate(api, city.users["firm_staff"], city.other.id, "2026-03").status_code in (403, 404)


def test_households_registered_today_are_not_billed_for_past_months(api, city):
    officer = city.users["street_officer"]
    added = api.as_(officer).post(
        f"/api/v1/compounds/{city.compound.id}/households",
        json={"building": "1号楼", "unit": "1-909", "floor_area_m2": "80.00"},
    )
    assert added.status_code == 201, added.json
    past = generate(api, city.users["firm_staff"], city.compound.id, "2026-03")
    assert past.status_code == 200 and (past.json["created"], past.json["skipped"]) == (1, 1)
    assert past.json["problems"] == [
        {"household_id": added.json["id"], "building": "1号楼", "unit": "1-909", "reason": "registered after 2026-03"}
    ]
    assert [bill.household_id for bill in bills_of(city.compound.id, "2026-03")] == [city.household.id]
    this_month = generate(api, city.users["firm_staff"], city.compound.id, period_of(today()))
    assert this_month.json["created"] == 2 and this_month.json["skipped"] == 0
