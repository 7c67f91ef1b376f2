"""Seed step for buildings and households: walk-up blocks of 3–7 floors, 1–2 entrances, two
flats per landing, numbered the way residents write them (1-101 = entrance 1, floor 1, flat 01).

Flats stacked above each other share a floor plan, so they share an area. Buildings and their
households go in per batch of compounds, which is also the unit of progress.
"""

from __future__ import annotations

import random

from pm_app.org import seed_names as names
from pm_app.org.models import Building, Household
from pm_app.org.seed_run import SeedRun, insert_returning_ids, insert_rows

FLOORS = (3, 4, 5, 5, 6, 6, 7)
ENTRANCES = (1, 1, 1, 2, 2)
FLATS_PER_LANDING = 2
PLANS_M2 = (48, 54, 58, 62, 66, 72, 78, 85, 92, 105, 118)
MIN_AREA_DM2, MAX_AREA_DM2 = 40_00, 140_00
SPREAD = 0.55  # how unequal compounds are in size (σ of a log-normal)
SHARE_WITH_PHONE = 0.96
BATCH = 40  # compounds per insert batch


def seed_households(run: SeedRun) -> None:
    rng = run.rng("households")
    targets = _target_sizes(rng, len(run.compounds), run.scale.households)
    total = len(run.compounds)
    for first in range(0, total, BATCH):
        batch = run.compounds[first : first + BATCH]
        layouts = [_compound_layout(rng, target) for target in targets[first : first + BATCH]]
        building_rows = [
            {"compound_id": compound.id, "name": f"{number}号楼"}
            for compound, layout in zip(batch, layouts, strict=True)
            for number in range(1, len(layout) + 1)
        ]
        building_ids = iter(insert_returning_ids(run, Building, building_rows))
        rows = []
        for compound, layout in zip(batch, layouts, strict=True):
            for flats in layout:
                building_id = next(building_ids)
                rows.extend(_household(rng, compound.id, building_id, unit, area) for unit, area in flats)
            compound.households = sum(len(flats) for flats in layout)
        insert_rows(run, Household, rows)
        run.report("households", first + len(batch), total)


def _target_sizes(rng: random.Random, compounds: int, households: int) -> list[int]:
    """Unequal compound sizes that add up to the scale's household figure, even for 15 compounds."""
    raw = [rng.lognormvariate(0, SPREAD) for _ in range(compounds)]
    factor = households / sum(raw) if raw else 0
    return [max(24, round(r * factor)) for r in raw]


def _compound_layout(rng: random.Random, target: int) -> list[list[tuple[str, int]]]:
    """Buildings (each a list of (unit, area_dm2)) until the compound is about `target` flats."""
    buildings: list[list[tuple[str, int]]] = []
    size = 0
    while True:
        flats = _building(rng)
        if buildings and size + len(flats) / 2 > target:
            return buildings
        buildings.append(flats)
        size += len(flats)


def _building(rng: random.Random) -> list[tuple[str, int]]:
    floors, entrances, plan = rng.choice(FLOORS), rng.choice(ENTRANCES), rng.choice(PLANS_M2) * 100
    flats = []
    for entrance in range(1, entrances + 1):
        stacks = [min(MAX_AREA_DM2, max(MIN_AREA_DM2, plan + rng.randint(-800, 800))) for _ in range(FLATS_PER_LANDING)]
        for floor in range(1, floors + 1):
            flats.extend((f"{entrance}-{floor}{position:02d}", area) for position, area in enumerate(stacks, 1))
    return flats


def _household(rng: random.Random, compound_id: int, building_id: int, unit: str, area: int) -> dict:
    return {
        "compound_id": compound_id,
        "building_id": building_id,
        "unit": unit,
        "floor_area_dm2": area,
        "owner_name": names.person_name(rng),
        "owner_phone": names.phone(rng) if rng.random() < SHARE_WITH_PHONE else None,
    }
