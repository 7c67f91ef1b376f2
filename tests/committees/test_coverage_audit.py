"""Coverage as seed 003's audit counts it ("全市完成改造的1130个老旧小区中，已成立业委会、自管会的小区
分别占比分别为10.3%、34.1%"): only committees in office count, by kind; those being prepared apart;
the base is the renovated compounds unless asked for all; party organisation and 红色物业 beside."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select

from pm_app.committees.models import Committee, CommitteeKind, PartyRecord
from pm_app.extensions import db
from pm_app.org.models import Compound, ManagementMode
from pm_app.warranties.dates import add_years
from tests.committees.conftest import login, register
from tests.committees.test_pages import page
from tests.factories import CompoundFactory

AS_OF = "2026-10-01"
ACCEPTED, LATE = date(2023, 6, 30), date(2026, 12, 1)


def add_compounds(street_id: int, prefix: str, count: int, accepted: date | None) -> list[int]:
    db.session.execute(
        insert(Compound),
        [
            {
                "code": f"{prefix}{i:05d}",
                "name": f"{prefix}小区{i}",
                "street_id": street_id,
                "acceptance_date": accepted,
                "management_mode": ManagementMode.professional,
            }
            for i in range(count)
        ],
    )
    return list(db.session.scalars(select(Compound.id).where(Compound.code.like(f"{prefix}%")).order_by(Compound.id)))


def add_committees(compound_ids, kind: CommitteeKind, elected: date, years: int = 5) -> None:
    db.session.execute(
        insert(Committee),
        [
            {
                "compound_id": cid,
                "kind": kind,
                "elected_on": elected,
                "term_years": years,
                "term_end": add_years(elected, years),
            }
            for cid in compound_ids
        ],
    )


def add_party(compound_ids, party: bool, red: bool) -> None:
    db.session.execute(
        insert(PartyRecord),
        [{"compound_id": cid, "party_organisation": party, "red_property": red} for cid in compound_ids],
    )


def seed_003_city(city) -> None:
    """1,130 renovated compounds (the city's two and 1,128 more): 116 with an owners' committee in
    office (3 of them with a renovation supervision committee too), 385 with a self-management
    committee in office (5 due for re-election), 10 with a temporary committee; and, not counted as
    established, 20 owners' committees being prepared, 30 expired, 15 with only a supervision
    committee. 1,017 have a party organisation, 226 are 红色物业. Outside the base: 50 compounds
    never accepted and 20 accepted after the day, 10 of them with an owners' committee in office
    and a party organisation."""
    renovated = [city.compound.id, city.other.id] + add_compounds(city.street.id, "R", 1128, ACCEPTED)
    outside = add_compounds(city.street.id, "N", 50, None) + add_compounds(city.street.id, "L", 20, LATE)
    owners, self_managed, rest = renovated[:116], renovated[116:501], renovated[501:]
    add_committees(owners, CommitteeKind.owners_committee, date(2024, 3, 1))
    add_committees(owners[:3], CommitteeKind.supervision_committee, date(2025, 5, 1), years=2)
    add_committees(self_managed[:380], CommitteeKind.self_management, date(2025, 1, 1))
    add_committees(self_managed[380:], CommitteeKind.self_management, date(2021, 12, 1))  # ends 2026-12-01
    add_committees(rest[:10], CommitteeKind.temporary_committee, date(2026, 1, 1), years=1)
    add_committees(rest[10:30], CommitteeKind.owners_committee, date(2026, 12, 1))  # being prepared
    add_committees(rest[30:60], CommitteeKind.owners_committee, date(2020, 1, 1), years=3)  # expired
    add_committees(rest[60:75], CommitteeKind.supervision_committee, date(2025, 1, 1), years=2)
    add_committees(outside[:10], CommitteeKind.owners_committee, date(2024, 3, 1))
    add_party(renovated[:226], True, True)
    add_party(renovated[226:1017], True, False)
    add_party(outside[:10], True, False)
    db.session.flush()


def test_seed_003_shares_to_four_places(api, city):
    seed_003_city(city)
    body = api.as_(city.users["regulator"]).get(f"/api/v1/committees/coverage?as_of={AS_OF}").json
    assert (body["base"], body["compounds"], body["left_out"]) == ("renovated", 1130, 70)
    assert body["by_kind"]["owners_committee"] == {"count": 116, "share": "0.1027"}  # the audit's 10.3 %
    assert body["by_kind"]["self_management"] == {"count": 385, "share": "0.3407"}  # the audit's 34.1 %
    assert body["by_kind"]["temporary_committee"] == {"count": 10, "share": "0.0088"}
    assert body["by_kind"]["none"] == {"count": 619, "share": "0.5478"}
    assert "supervision_committee" not in body["by_kind"]
    assert body["established"] == {"count": 511, "share": "0.4522"}
    assert body["preparing"]["owners_committee"] == {"count": 20, "share": "0.0177"}
    assert body["by_status"]["expired"]["count"] == 30 and body["by_status"]["re_election_due"]["count"] == 5
    assert body["party_organisation"] == {"count": 1017, "share": "0.9000"}
    assert body["red_property"] == {"count": 226, "share": "0.2000"}


def test_base_all_counts_the_compounds_not_yet_renovated(api, city):
    seed_003_city(city)
    body = api.as_(city.users["regulator"]).get(f"/api/v1/committees/coverage?as_of={AS_OF}&base=all").json
    assert (body["base"], body["compounds"], body["left_out"]) == ("all", 1200, 0)
    assert body["by_kind"]["owners_committee"] == {"count": 126, "share": "0.1050"}
    assert body["by_kind"]["self_management"] == {"count": 385, "share": "0.3208"}
    assert body["party_organisation"] == {"count": 1027, "share": "0.8558"}
    # The compounds accepted after the day join the base once the day has come.
    later = api.as_(city.users["regulator"]).get("/api/v1/committees/coverage?as_of=2026-12-01").json
    assert (later["compounds"], later["left_out"]) == (1150, 50)
    assert api.as_(city.users["regulator"]).get("/api/v1/committees/coverage?base=some").status_code == 422


def test_the_coverage_page_says_which_base_it_used(api, client, city):
    officer = city.users["street_officer"]
    CompoundFactory(street=city.street, acceptance_date=None)
    register(api, officer, city.compound.id, elected_on="2024-03-01", kind="self_management")
    api.as_(officer).request(
        "PUT",
        f"/api/v1/compounds/{city.compound.id}/party-record",
        json={"party_organisation": True, "red_property": False},
    )
    login(client, officer)
    body = page(client, f"/committees/coverage?as_of={AS_OF}&lang=en")
    assert "Base: 1 compound renovated and accepted by 2026-10-01" in body and "1 compound in your scope" in body
    assert 'data-kind="self_management"><th scope="row">Self-management committee</th><td class="num">1</td>' in body
    assert (
        'data-party="party_organisation"><th scope="row">With a party organisation</th><td class="num">1</td>' in body
    )
    every = page(client, f"/committees/coverage?as_of={AS_OF}&base=all&lang=en")
    assert "Base: all 2 compounds in your scope" in every
    chinese = page(client, f"/committees/coverage?as_of={AS_OF}&lang=zh")
    assert "自管委员会" in chinese and "党组织" in chinese and "self_management</th>" not in chinese


def test_the_street_office_keeps_the_party_record(api, client, city):
    url = f"/api/v1/compounds/{city.compound.id}/party-record"
    assert api.as_(city.users["committee_member"]).get(url).json["party_organisation"] is False
    body = {"party_organisation": True, "red_property": True}
    for role, status in (
        ("firm_staff", 403),
        ("committee_member", 403),
        ("contractor_staff", 404),
        ("street_officer", 200),
    ):
        assert api.as_(city.users[role]).request("PUT", url, json=body).status_code == status, role
    assert (
        api.as_(city.users["street_officer"]).request("PUT", url, json={"party_organisation": True}).status_code == 422
    )
    assert api.as_(city.users["regulator"]).get(url).json["red_property"] is True
    login(client, city.users["street_officer"])
    response = client.post(f"/compounds/{city.compound.id}/committee/party", data={"party-party_organisation": "y"})
    assert response.status_code == 302
    home = page(client, f"/compounds/{city.compound.id}/committee?lang=en")
    assert '<dd data-party="party_organisation">Yes</dd>' in home and '<dd data-party="red_property">No</dd>' in home
    login(client, city.users["firm_staff"])
    assert client.post(f"/compounds/{city.compound.id}/committee/party", data={}).status_code == 403
    assert "party-party_organisation" not in page(client, f"/compounds/{city.compound.id}/committee?lang=en")
