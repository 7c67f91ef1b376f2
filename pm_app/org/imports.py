"""The all-or-nothing household import: a CSV or XLSX file of a compound's households goes in
whole, or not at all. Reading, the header and the row loop are common.imports'; the columns and
row rules are `org.import_columns`'.

Rows are written in chunks while the file is read, inside a savepoint: memory stays flat however
long the file is, and the first bad row stops the writing and the savepoint undoes what went in
before it, buildings included. Reading goes on to the end so that every bad row is named. A flat
already registered (compared in its one spelling: `３号楼 ３０１` is `3号楼 301`) is a bad row, so
an import never makes a second household for one flat.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import IO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from pm_app.common.imports.addresses import building_key, unit_name
from pm_app.common.imports.preview import preview_file
from pm_app.common.imports.registry import Options
from pm_app.common.imports.report import RowProblems, refusal
from pm_app.common.imports.rows import read_file
from pm_app.errors import Conflict, DomainError
from pm_app.extensions import db
from pm_app.org.import_columns import LAYOUT, RowChecker
from pm_app.org.models import Building, Compound, Household
from pm_app.org.services import can_manage_households, ensure

CHUNK = 5000  # rows per INSERT round trip: large enough to be fast, small enough to stay flat


@dataclass(frozen=True)
class ImportResult:
    compound_id: int
    imported: int
    buildings_created: int
    report: dict = field(default_factory=dict)  # rows skipped and why, columns ignored


def import_households(
    user, compound: Compound, upload: IO[bytes], options: Options | None = None, progress=None
) -> ImportResult:
    """Import every row of `upload` or none; DomainError(422) names each bad row."""
    ensure(can_manage_households(user, compound), _l("import households into this compound"))
    lock_compound(compound.id)
    buildings, registered = _existing_units(compound.id)
    try:
        with db.session.begin_nested():
            errors = RowProblems()
            writer = _Writer(compound.id, buildings, errors)
            outcome = read_file(
                upload, LAYOUT, RowChecker(registered).check, writer.add, options, progress, errors=errors
            )
            if not errors and writer.imported == 0:
                errors["file"] = [_("The file has a header but no households.")]
            if errors:
                raise DomainError(refusal(errors), errors)  # leaving the block undoes the savepoint
            writer.finish()
    except IntegrityError:
        # Someone added one of these units while the file was being read.
        raise Conflict(
            _(
                "A unit in the file was registered by someone else meanwhile; nothing was imported. "
                "Upload the file again to see which."
            )
        ) from None
    return ImportResult(compound.id, writer.imported, writer.buildings_created, outcome.skipped.as_dict())


def run(user, compound: Compound, stream: IO[bytes], options: Options | None = None, progress=None) -> dict:
    """The registry's entry (common.imports.registry)."""
    result = asdict(import_households(user, compound, stream, options, progress))
    return {**result.pop("report"), **result}


def preview(user, compound: Compound, stream: IO[bytes], options: Options | None = None, limit: int = 20) -> dict:
    ensure(can_manage_households(user, compound), _l("import households into this compound"))
    _buildings, registered = _existing_units(compound.id)
    return preview_file(stream, LAYOUT, RowChecker(registered).check, options, limit, _shown)


def _shown(values: dict) -> dict:
    area = values["floor_area_dm2"]
    return {
        "building": values["building"],
        "unit": values["unit"],
        "floor_area_m2": f"{area // 100}.{area % 100:02d}",
        "owner_name": values["owner_name"],
        "owner_phone": values["owner_phone"],
    }


def lock_compound(compound_id: int) -> None:
    # Two imports into one compound take turns (PostgreSQL row lock; SQLite serialises writers
    # anyway), so the second sees what the first wrote (units, bills, payments) as already there.
    db.session.execute(select(Compound.id).where(Compound.id == compound_id).with_for_update())


def _existing_units(compound_id: int) -> tuple[dict[str, int], dict[str, set[str]]]:
    """The compound's buildings (key → id) and their registered units (key → units in their one
    spelling), in one query."""
    rows = db.session.execute(
        select(Building.id, Building.name, Household.unit)
        .outerjoin(Household, Household.building_id == Building.id)
        .where(Building.compound_id == compound_id)
        .order_by(Building.id)
    )
    buildings: dict[str, int] = {}
    registered: dict[str, set[str]] = {}
    for building_id, name, unit in rows:
        key = building_key(name)
        buildings.setdefault(key, building_id)
        if unit is not None:
            registered.setdefault(key, set()).add(unit_name(unit))
    return buildings, registered


class _Writer:
    """Buffers checked rows and inserts them CHUNK at a time, creating buildings on first use; it
    stops writing at the first bad row (the savepoint will undo what went in)."""

    def __init__(self, compound_id: int, buildings: dict[str, int], errors: dict):
        self.compound_id = compound_id
        self.buildings = buildings
        self.buffer: list[dict] = []
        self.imported = 0
        self.buildings_created = 0
        self.errors = errors

    def add(self, _number: int, values: dict) -> None:
        self.imported += 1
        if self.errors:
            return
        building_id = self.buildings.get(values["building_key"])
        if building_id is None:
            building_id = self._create_building(values["building_key"], values["building"])
        self.buffer.append(
            {
                "compound_id": self.compound_id,
                "building_id": building_id,
                "unit": values["unit"],
                "floor_area_dm2": values["floor_area_dm2"],
                "owner_name": values["owner_name"],
                "owner_phone": values["owner_phone"],
            }
        )
        if len(self.buffer) >= CHUNK:
            self.finish()

    def finish(self) -> None:
        if self.buffer:
            db.session.execute(insert(Household), self.buffer)
            self.buffer = []

    def _create_building(self, key: str, name: str) -> int:
        # Few per file (a compound has tens of buildings), so one INSERT each is fine.
        building_id = db.session.scalar(
            insert(Building).values(compound_id=self.compound_id, name=name).returning(Building.id)
        )
        self.buildings[key] = building_id
        self.buildings_created += 1
        return building_id
