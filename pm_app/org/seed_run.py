"""The shared state of one seeding run and the bulk-insert helpers every seed step uses."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import insert

from pm_app.extensions import db
from pm_app.org.models import ManagementMode

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Scale:
    name: str
    districts: int
    streets_per_district: int
    compounds: int
    households: int
    property_firms: int
    contractors: int
    supervisors: int
    # A province (issue 30) seeds `cities` cities of the sizes above, each in its own City row
    # (pm_app.seeding.city: _seed_province); with cities=1 it is the first city of the province alone.
    province: bool = False
    cities: int = 1


# Sizes from design §5; "city" is seed 003's city (1,130 compounds, 196,900 households).
SCALES = {
    "street": Scale("street", 1, 1, 15, 3_000, 4, 2, 1),
    "demo": Scale("demo", 2, 3, 60, 12_000, 8, 3, 2),
    "city": Scale("city", 6, 6, 1_130, 196_900, 200, 40, 12),
}


def times(scale: Scale, factor: int) -> Scale:
    """The scale with `factor` times its compounds, households and firms on the same streets: the
    growth curve of the scaling benchmarks (docs/scaling.md). Its own name, so its own random city."""
    return replace(
        scale,
        name=f"{scale.name}{factor}x",
        compounds=scale.compounds * factor,
        households=scale.households * factor,
        property_firms=scale.property_firms * factor,
        contractors=scale.contractors * factor,
        supervisors=scale.supervisors * factor,
    )


# Twice and four times the city, for bench/batch.py's growth curve (province-scale planning).
SCALES.update({s.name: s for s in (times(SCALES["city"], 2), times(SCALES["city"], 4))})
# A province: ten cities of the city's size (11,300 compounds, ~2 million households; issue 30).
SCALES["province"] = replace(SCALES["city"], name="province", province=True, cities=10)


@dataclass
class PlannedStreet:
    id: int
    district: str
    district_code: str  # prefix of compound codes, e.g. GL-0001
    division: str  # administrative division code, used in firms' credit codes
    community_ids: list[int]


@dataclass
class PlannedCompound:
    id: int
    code: str
    district: str
    street_id: int
    mode: ManagementMode
    acceptance_date: date
    households: int = 0


@dataclass
class SeedRun:
    """What one seeding run knows: the scale, the reference day, and what earlier steps made."""

    scale: Scale
    as_of: date
    progress: Progress | None = None
    city_id: int | None = None  # the city the run's districts go in (None: the deployment's first)
    code_prefix: str = ""  # before compound codes, so two cities' GL-0001 stay apart
    streets: list[PlannedStreet] = field(default_factory=list)
    compounds: list[PlannedCompound] = field(default_factory=list)
    firms: dict[str, list[int]] = field(default_factory=dict)  # kind -> ids, in creation order
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def rng(self, step: str) -> random.Random:
        return random.Random(f"changxiao:{self.scale.name}:{step}")

    def report(self, step: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(step, done, total)

    def count(self, table: str, n: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + n


# Large enough to amortise the round trip, small enough to keep each statement's memory modest.
CHUNK = 5_000


# Inserts go to the table on the session's connection (same transaction): the ORM's bulk path
# costs 2–3× more per row, which at city scale is the difference between ~8 s and ~30 s.


def insert_rows(run: SeedRun, model, rows: list[dict]) -> None:
    """Bulk Core inserts, in chunks, counted under the model's table name."""
    connection = db.session.connection()
    for start in range(0, len(rows), CHUNK):
        connection.execute(insert(model.__table__), rows[start : start + CHUNK])
    run.count(model.__tablename__, len(rows))


def insert_returning_ids(run: SeedRun, model, rows: list[dict]) -> list[int]:
    """Bulk-insert and return the new ids in the order of `rows`."""
    connection = db.session.connection()
    table = model.__table__
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        ids.extend(connection.execute(statement, rows[start : start + CHUNK]).scalars())
    run.count(model.__tablename__, len(rows))
    return ids
