"""The home of a viewer who sees several cities (issue 30): the city of 2026-05-15 with the
`other` street's district moved into a second city. Its figures are the city home's, added up in
the database instead of from every compound's live health; its worst compounds are those the
nightly run scored (dashboards.snapshot), dated; no compound is scored live on it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pm_app.auth.models import Role
from pm_app.committees import coverage
from pm_app.dashboards import figures, health, province, snapshot
from pm_app.dashboards.models import CompoundHealth
from pm_app.extensions import db
from pm_app.org.models import City
from pm_app.tickets.models import TicketStatus
from tests.dashboards.conftest import NOW, TODAY, add_item, add_ticket, login
from tests.dashboards.test_homes import home, tiles
from tests.factories import BuildingFactory, CompoundFactory, HouseholdFactory, UserFactory
from tests.helpers import count_statements


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def split(world) -> City:
    """Move the other street's district into a second city; return it."""
    other = City(name="外市")
    db.session.add(other)
    db.session.flush()
    world.city.other_street.district.city_id = other.id
    db.session.flush()
    return other


def test_the_province_home_shows_the_city_homes_figures(client, world):
    regulator = world.city.users["regulator"]
    as_a_city = tiles(home(client, regulator))
    split(world)
    page = home(client, regulator)
    assert "Province overview" in page and 'id="cities"' in page and "外市" in page
    assert tiles(page) == as_a_city
    assert as_a_city["Compounds"] == "2" and as_a_city["Households"] == "5"
    assert as_a_city["Collection rate by amount, 2026-04"] == "62.5 %"


def test_its_streets_modes_and_coverage_equal_those_added_up_from_the_live_health(world):
    split(world)
    regulator = world.city.users["regulator"]
    scores = health.scores(figures.compound_ids(regulator), TODAY, NOW)
    add_ticket(world.city.other, category="lighting", hours_left=-3)  # the other city's, overdue
    live = figures.streets(regulator, NOW, scores)
    summed, tickets = province.street_rows(regulator, TODAY, NOW)
    assert tickets == figures.tickets_and_categories(regulator, NOW) and tickets[0].overdue == 2
    key = lambda row: (row["street_id"], row["compounds"], row["households"], row["open"], row["overdue"], row["rate"])  # noqa: E731
    assert sorted(map(key, summed)) == sorted(map(key, live))
    assert province.modes(regulator) == figures.modes(scores)
    tallied = coverage.tally(
        TODAY, ((h.street_id, h.parts["committee"][0], h.committee_kind, 1) for h in scores.values())
    )
    counted = province.committee_coverage(regulator, TODAY)
    assert (counted.total, counted.by_status, counted.by_street) == (
        tallied.total,
        tallied.by_status,
        tallied.by_street,
    )


def test_no_compound_is_scored_live_and_the_nightly_scores_are_dated(client, world, monkeypatch):
    split(world)
    regulator = world.city.users["regulator"]
    real_scores = health.scores

    def refused(*args, **kwargs):
        raise AssertionError("the province's home scored compounds live")

    monkeypatch.setattr(health, "scores", refused)
    page = home(client, regulator)
    assert "Not scored yet" in page and "GL-0001" not in page
    monkeypatch.setattr(health, "scores", real_scores)
    assert snapshot.take(TODAY, NOW) == 2
    db.session.flush()
    monkeypatch.setattr(health, "scores", refused)
    page = home(client, regulator)
    assert "Scored by the nightly run at 2026-05-15 10:00" in page
    table = page[page.index('class="health-table"') : page.index("</table>", page.index('class="health-table"'))]
    assert table.index("GL-0001") < table.index("TJ-0001")  # 64 before 69, worst first


def test_households_are_the_morning_counts_and_a_compound_registered_since_is_counted_now(world):
    split(world)
    regulator = world.city.users["regulator"]
    snapshot.take(TODAY, NOW)
    late = CompoundFactory(street=world.city.other_street)  # registered after the morning run
    building = BuildingFactory(compound_id=late.id)
    for unit in ("1", "2", "3"):
        HouseholdFactory(building=building, unit=unit)
    rows, _tickets = province.street_rows(regulator, TODAY, NOW)
    by_street = {row["street_id"]: row for row in rows}
    assert by_street[world.city.street.id]["households"] == 4
    assert by_street[world.city.other_street.id]["households"] == 1 + 3
    assert by_street[world.city.other_street.id]["compounds"] == 2


def test_the_kept_scores_are_the_live_ones_and_each_viewer_sees_its_own(world):
    home_city = db.session.get(City, world.city.street.district.city_id)
    split(world)
    live = health.scores(figures.compound_ids(world.city.users["regulator"]), TODAY, NOW)
    snapshot.take(TODAY, NOW)
    kept = dict(db.session.execute(select(CompoundHealth.compound_id, CompoundHealth.score)).all())
    assert kept == {cid: h.score for cid, h in live.items()}
    city_regulator = UserFactory(role=Role.regulator, city_id=home_city.id)
    rows, at = snapshot.worst(city_regulator, 20)
    assert [r.id for r in rows] == [world.city.compound.id] and at is not None
    rows, _at = snapshot.worst(world.city.users["street_officer"], 20)
    assert [r.id for r in rows] == [world.city.compound.id]
    snapshot.take(TODAY, NOW)  # a second run replaces the first's rows
    assert db.session.scalar(select(func.count()).select_from(CompoundHealth)) == 2


def test_a_city_regulator_keeps_the_live_city_home(client, world, monkeypatch):
    home_city = db.session.get(City, world.city.street.district.city_id)
    split(world)
    page = home(client, UserFactory(role=Role.regulator, city_id=home_city.id))
    assert "City overview" in page and "Province overview" not in page and "Not scored yet" not in page


def test_its_statements_do_not_grow_with_compounds(client, world):
    split(world)
    login(client, world.city.users["regulator"])
    with count_statements() as sent:
        assert client.get("/").status_code == 200
    few = len(sent)
    for _n in range(4):
        compound = CompoundFactory(street=world.city.other_street)
        HouseholdFactory(building=BuildingFactory(compound_id=compound.id), unit="1")
        add_ticket(compound, status=TicketStatus.new, hours_left=-2)
        add_item(compound, world.city.contractor, 40)
    with count_statements() as sent:
        page = client.get("/?lang=en").text
    assert len(sent) == few
    assert tiles(page)["Compounds"] == "6" and tiles(page)["Overdue tickets"] == "5"


def test_the_morning_run_keeps_the_scores(app, world):
    split(world)
    result = app.test_cli_runner().invoke(args=["sweep", "--as-of", str(TODAY)])
    assert result.exit_code == 0, result.output
    assert "compound health" in result.output and "2 compounds scored" in result.output
    assert db.session.scalar(select(func.count()).select_from(CompoundHealth)) == 2
