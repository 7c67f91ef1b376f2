"""Guards, not timings: every home and every list costs the same number of SQL statements for a
street of 10 compounds as for one of 100, and none of them reads a scope's bills or payments
into Python. An N+1 (a query per compound, per row of a list) fails here.

Each URL is requested by the roles for whom it is a daily page; both cities are seeded once for
the module (tests/perf/conftest.py)."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from pm_app.extensions import db
from pm_app.fees.models import Bill
from tests.perf.conftest import ROW_LIMIT, measure_all, seeded, watching

ROLES = ("admin", "regulator", "street", "firm", "contractor", "committee")
SCOPE = ("regulator", "street", "firm")  # the roles whose scope grows with the street
RATES = "scope=street&id={street}&period_from={first}&period_to={last}"

HOMES = [(role, "/") for role in ROLES]
PAGES = [
    (SCOPE, "/compounds"),
    (SCOPE, "/compounds?sort=health"),
    (("street",), "/firms"),
    (SCOPE, "/fees"),
    (("regulator", "street", "committee"), "/tickets"),
    (("firm", "contractor"), "/tickets/queue"),
    (SCOPE + ("contractor",), "/warranties"),
    (SCOPE + ("contractor",), "/warranties/expiring"),
    (("regulator", "street"), "/committees/coverage"),
    (ROLES, "/alerts"),
    (("regulator", "firm"), "/rankings"),
    (("admin",), "/admin/users"),
    (("admin",), "/jobs/health"),
    # the compound's own pages: the compound page is one of the benchmarked ones
    (("street", "committee"), "/compounds/{compound}"),
    (("street", "committee"), "/compounds/{compound}/fees"),
    (("street",), "/compounds/{compound}/works"),
    (("street", "committee"), "/compounds/{compound}/committee"),
    (("street", "committee"), "/compounds/{compound}/accounts"),
]
APIS = [
    (SCOPE, "/api/v1/compounds"),
    (SCOPE, "/api/v1/compounds?street_id={street}"),
    (("street",), "/api/v1/compounds/{compound}/households"),
    (SCOPE, "/api/v1/contracts"),
    (("regulator",), "/api/v1/districts"),
    (SCOPE, "/api/v1/streets"),
    (SCOPE, "/api/v1/communities"),
    (SCOPE, "/api/v1/firms"),
    (SCOPE, "/api/v1/bills"),
    (SCOPE, "/api/v1/payments"),
    (("street",), "/api/v1/arrears?compound_id={compound}"),
    (("regulator", "street"), f"/api/v1/collection-rates?{RATES}"),
    (("regulator",), "/api/v1/collection-rates?scope=city&period_from={first}&period_to={last}"),
    (("regulator", "street"), f"/api/v1/collection-rates/compounds?{RATES}"),
    (SCOPE + ("contractor",), "/api/v1/projects"),
    (("street",), "/api/v1/projects/{project}/items"),
    (SCOPE + ("contractor",), "/api/v1/warranty-items"),
    (SCOPE, "/api/v1/warranty-items?expiring_within_days=90"),
    (SCOPE + ("contractor",), "/api/v1/warranty-claims"),
    (SCOPE, "/api/v1/inspections"),
    (("street",), "/api/v1/warranty-categories"),
    (SCOPE + ("committee",), "/api/v1/tickets"),
    (SCOPE, "/api/v1/tickets?overdue=true"),
    (("regulator", "street"), "/api/v1/committees"),
    (("regulator", "street"), "/api/v1/committees/coverage"),
    (("street", "committee"), "/api/v1/fund-votes"),
    (("street", "committee"), "/api/v1/ledger/{compound}/entries"),
    (("street", "committee"), "/api/v1/ledger/{compound}/queries"),
    (ROLES, "/api/v1/alerts"),
    (("admin",), "/api/v1/notification-endpoints"),
    (("regulator", "firm"), "/api/v1/rankings/periods"),
    (("regulator",), "/api/v1/rankings/schemes"),
    (("regulator",), "/api/v1/deductions"),
    (("regulator", "firm"), "/api/v1/appeals"),
]
REQUESTS = HOMES + [(role, url) for roles, url in PAGES + APIS for role in roles]


@pytest.fixture(scope="module")
def cities(app):
    measured = {}
    for compounds in (10, 100):
        with app.app_context(), seeded(compounds) as city:
            measure_all(app, city, REQUESTS)
            with watching() as (_sent, fee_rows):  # the watcher itself: it must see a bill select
                db.session.scalars(select(Bill).limit(ROW_LIMIT + 1)).all()
            city.ids["watched"] = fee_rows
            measured[compounds] = city
    return measured


@pytest.mark.parametrize("role,url", REQUESTS, ids=[f"{role}:{url}" for role, url in REQUESTS])
def test_statements_do_not_grow_with_the_street(cities, role, url):
    few, many = cities[10].measures[(role, url)], cities[100].measures[(role, url)]
    assert few.status == many.status == 200, (few.status, many.status, few.body or many.body)
    repeated = Counter(many.sent) - Counter(few.sent)
    assert many.statements == few.statements, (
        f"{url} as {role}: {few.statements} statements for 10 compounds, {many.statements} for 100; "
        f"the extra ones:\n" + "\n".join(repeated)
    )


def test_the_row_watcher_sees_a_select_of_bills(cities):
    assert [rows for rows, _statement in cities[100].ids["watched"]] == [ROW_LIMIT + 1]


@pytest.mark.parametrize("role,url", REQUESTS, ids=[f"{role}:{url}" for role, url in REQUESTS])
def test_no_statement_loads_the_scopes_bills(cities, role, url):
    many = cities[100].measures[(role, url)]
    assert many.fee_rows <= ROW_LIMIT, f"{url} as {role}: {many.fee_rows} fee rows from\n{many.fee_statement}"
