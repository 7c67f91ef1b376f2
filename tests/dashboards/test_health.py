"""Compound health: hand-computed scores, configurable weights, and a statement count that does
not grow with the compounds scored."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from pm_app.dashboards import health
from pm_app.extensions import db
from pm_app.org.models import Compound
from pm_app.warranties.models import Inspection
from tests.dashboards.conftest import NOW, TODAY
from tests.factories import BuildingFactory, CompoundFactory, HouseholdFactory
from tests.helpers import count_statements


def scores():
    return health.scores(select(Compound.id), TODAY, NOW)


def test_parts_and_score_by_hand(world):
    city = world.city
    mine, theirs = scores()[city.compound.id], scores()[city.other.id]
    assert mine.parts == {
        "collection": (Decimal("0.6250"), Decimal("0.6250")),
        "overdue_tickets": (Decimal("25.00"), Decimal(0)),  # 1 overdue in 4 households
        "warranties": (2, Decimal("0.8")),  # ending in 30 and 60 days, none inspected
        "committee": ("active", Decimal(1)),
        "management": ("professional", Decimal(1)),
        "alerts": (1, Decimal("0.8")),  # the resolved one is not counted
    }
    # (30 × 0.625 + 20 × 0 + 15 × 0.8 + 15 × 1 + 10 × 1 + 10 × 0.8) / 100 = 63.75
    assert mine.score == 64
    # No April bills: collection left out; (20 × 1 + 15 × 1 + 15 × 0 + 10 × 0.5 + 10 × 0.8) / 70 = 48/70
    assert "collection" not in theirs.parts
    assert theirs.parts["committee"] == ("none", Decimal(0))
    assert theirs.score == 69


def test_a_recent_inspection_covers_the_lapsing_items(world):
    city = world.city
    db.session.add(
        Inspection(compound_id=city.compound.id, inspected_on=date(2026, 3, 1), participants="街道、物业", score=90)
    )
    db.session.flush()
    mine = scores()[city.compound.id]
    assert mine.parts["warranties"] == (0, Decimal(1))
    assert mine.score == 67  # 63.75 + 15 × 0.2


def test_an_old_inspection_does_not(world):
    db.session.add(
        Inspection(compound_id=world.city.compound.id, inspected_on=date(2025, 11, 15), participants="街道", score=90)
    )  # 181 days before
    db.session.flush()
    assert scores()[world.city.compound.id].parts["warranties"] == (2, Decimal("0.8"))


def test_weights_are_configuration(app, world, monkeypatch):
    monkeypatch.setitem(
        app.config,
        "HEALTH_WEIGHTS",
        {"collection": 100, "overdue_tickets": 0, "warranties": 0, "committee": 0, "management": 0, "alerts": 0},
    )
    assert scores()[world.city.compound.id].score == 63  # 62.5 half up
    monkeypatch.setitem(app.config, "HEALTH_WEIGHTS", {"alerts": 0, "collection": 0})
    # The other defaults stay: (20 × 0 + 15 × 0.8 + 15 + 10) / 60 = 37/60
    assert scores()[world.city.compound.id].score == 62


def test_statements_do_not_grow_with_compounds(world):
    with count_statements() as sent:
        scores()
    few = len(sent)
    for n in range(5):
        compound = CompoundFactory(street=world.city.street)
        HouseholdFactory(building=BuildingFactory(compound_id=compound.id), unit="1")
    with count_statements() as sent:
        result = scores()
    assert len(sent) == few
    assert len(result) == 7


def test_the_ids_give_the_health_a_select_gives_on_every_day(world):
    # Given the ids, health runs statements built once per process: every day and time must
    # reach them as a parameter, none may stay from the first call.
    mine = world.city.compound.id
    seen = []
    for days in (0, 45, -200, 400):
        as_of, at = TODAY + timedelta(days=days), NOW + timedelta(days=days)
        by_ids = health.scores([mine], as_of, at)
        by_select = health.scores(select(Compound.id).where(Compound.id == mine), as_of, at)
        assert list(by_ids) == [mine] and asdict(by_ids[mine]) == asdict(by_select[mine])
        seen.append(by_ids[mine].parts)
    assert len({repr(parts) for parts in seen}) == 4  # each day scores differently: the days were used


def test_statements_for_the_ids_do_not_grow_with_compounds(world, monkeypatch):
    ids = [world.city.compound.id] + [CompoundFactory(street=world.city.street).id for _ in range(5)]
    with count_statements() as sent:
        health.scores(ids[:1], TODAY, NOW)
    few = len(sent)
    with count_statements() as sent:
        result = health.scores(ids, TODAY, NOW)
    assert len(sent) == few and len(result) == 6
    if db.session.get_bind().dialect.name == "postgresql":
        # nor does their text from ARRAY_FROM ids on: one array, not one parameter each (a city's
        # 1,130 made two 20 kB statements that the driver parsed again on every home)
        monkeypatch.setattr(health, "ARRAY_FROM", 2)
        texts = []
        for some in (ids[:2], ids):
            with count_statements() as sent:
                assert len(health.scores(some, TODAY, NOW)) == len(some)
            texts.append(sent)
        assert texts[0] == texts[1] and "ANY" in " ".join(texts[0])


def test_compounds_list_sorts_by_health_and_the_compound_page_shows_the_parts(client, world, time_machine):
    from tests.dashboards.conftest import login

    time_machine.move_to(NOW, tick=False)
    city = world.city
    login(client, city.users["regulator"])
    worst_first = client.get("/compounds?sort=health&lang=en").text
    assert worst_first.index("GL-0001") < worst_first.index("TJ-0001")  # 64 before 69
    best_first = client.get("/compounds?sort=-health&lang=en").text
    assert best_first.index("TJ-0001") < best_first.index("GL-0001")
    assert client.get("/compounds?sort=junk").status_code == 400
    page = client.get(f"/compounds/{city.compound.id}?lang=en").text
    assert "Health 64 of 100" in page and "62.5 %" in page and "Active" in page
    # The street office sees only its own compound, scored the same.
    login(client, city.users["street_officer"])
    listed = client.get("/compounds?sort=health&lang=en").text
    assert "GL-0001" in listed and "TJ-0001" not in listed and ">64<" in listed
